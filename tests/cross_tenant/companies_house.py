"""Cross-tenant probe for the lead's Companies House lookup page: only the network's own lead reaches it."""
import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.registers.lookup_models import CompaniesHouseLookup
from portal.suppliers.models import Supplier

from .network_spend import _b_spend
from .world import World


def probe_lookup(w: World):
    _b_spend(w)
    w.sign_in.app.config["COMPANIES_HOUSE_API_KEY"] = "a-key"  # on, so a POST that got through would queue a lookup
    try:
        before = db.session.execute(select(Supplier.id, Supplier.company_number).order_by(Supplier.id)).all()
        for user in (w.other_lead, w.a_admin, w.b_admin):
            client = w.sign_in(user)
            page = client.get(f"/network/{w.network.id}/suppliers/companies-house")
            assert page.status_code == 404 and b"Secret" not in page.data
            assert client.post(f"/network/{w.network.id}/suppliers/companies-house").status_code == 404
        own = w.sign_in(w.other_lead).get(f"/network/{w.other_network.id}/suppliers/companies-house")
        # The other network has no suppliers: B's, in the shared network, are not counted there.
        assert own.status_code == 200 and b"Secret" not in own.data
        assert re.search(rb"Waiting to be looked up\s*</dt>\s*<dd[^>]*>\s*0\s*</dd>", own.data)
        db.session.expire_all()
        assert db.session.execute(select(Supplier.id, Supplier.company_number).order_by(Supplier.id)).all() == before
        assert db.session.scalar(select(func.count()).select_from(CompaniesHouseLookup)) == 0
    finally:
        w.sign_in.app.config["COMPANIES_HOUSE_API_KEY"] = ""


PROBES = {"companies_house.lookup": probe_lookup}
