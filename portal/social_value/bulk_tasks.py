"""The worker side of bulk social value imports: a thin wrapper that sets the partner's scope and commits."""
from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.exc import OperationalError

from portal.extensions import db
from tenants.models import utcnow
from workers.queueing import enqueue_after_commit
from workers.units import RETRY_TRANSIENT

from .models import BulkImport

log = logging.getLogger(__name__)


def queue_bulk_import(session, bulk: BulkImport) -> None:
    """Mark the import queued and have a worker run it once this transaction commits."""
    bulk.status, bulk.rows_done, bulk.failure_reason, bulk.heartbeat_at = "queued", 0, None, utcnow()
    session.flush()
    enqueue_after_commit(session, import_social_value_file, bulk.organisation_id, bulk.id)


@shared_task(**RETRY_TRANSIENT)
def import_social_value_file(organisation_id: int, import_id: int) -> dict:
    """Import an uploaded file of commitments or delivery for the partner named in the arguments; safe to run again."""
    from tenants import tenant_context

    from .bulk_import import fail_import, run_bulk_import

    with tenant_context(organisation_id):
        try:
            outcome = run_bulk_import(db.session, import_id)
            db.session.commit()
        except OperationalError:
            db.session.rollback()
            raise
        except Exception as error:
            db.session.rollback()
            log.exception("social value import %s failed", import_id)
            fail_import(db.session, import_id, f"The import stopped unexpectedly ({type(error).__name__}). Try again; "
                                               "if it fails again, tell the portal's administrators.")
            db.session.commit()
            return {"status": "failed"}
    return {"status": outcome.status, "imported": outcome.imported, "already_held": outcome.already_held,
            "rejected": outcome.rejected}
