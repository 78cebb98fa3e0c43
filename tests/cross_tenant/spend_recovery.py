"""Cross-tenant probe for trying a failed import again."""
from datetime import timedelta

from sqlalchemy import update

from portal.extensions import db
from portal.spend import import_recovery
from portal.spend.models import SpendImport
from tenants import tenant_context
from tenants.models import utcnow

from .spend import _b_import
from .world import World


def probe_retry_import(w: World):
    import_id = _b_import(w, run=False)
    with tenant_context(w.b_partner.id):
        db.session.execute(update(SpendImport).where(SpendImport.id == import_id).values(
            status="running", heartbeat_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    import_recovery.fail_stale_imports(db.session)
    db.session.commit()
    assert w.sign_in(w.a_officer).post(f"/spend/imports/{import_id}/retry").status_code == 404
    with tenant_context(w.b_partner.id):
        assert db.session.get(SpendImport, import_id).status == "failed"


PROBES = {"spend.retry_import": probe_retry_import}
