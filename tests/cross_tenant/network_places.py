"""Cross-tenant probes for the lead's placing pages: a supplier's numbers and postcodes, and the network's area."""
from sqlalchemy import select

from portal.extensions import db
from portal.suppliers.models import Supplier
from tenants import tenant_context
from tenants.models import AuditEvent, Network

from .network_spend import _b_spend
from .world import World


def _places():
    db.session.expire_all()
    return db.session.execute(
        select(Supplier.id, Supplier.company_number, Supplier.postcode, Supplier.branch_postcode, Supplier.place_by_lead,
               Supplier.locality, Supplier.is_local).order_by(Supplier.id)
    ).all()


def _area(network_id):
    db.session.expire_all()
    network = db.session.get(Network, network_id)
    return network.area_codes, network.wider_area_codes, network.region_code, network.excluded_kinds


def probe_place_supplier(w: World):
    supplier, _ = _b_spend(w)
    before = _places()
    answers = {"postcode": "M1 1AE", "company_number": "01234567", "branch_postcode": "S60 1AA"}
    for client in (w.sign_in(w.other_lead), w.sign_in(w.a_admin)):
        for network_id in (w.network.id, w.other_network.id):
            url = f"/network/{network_id}/suppliers/{supplier.id}/place"
            assert client.post(url, data=answers).status_code == 404
            assert client.post(url, data={"automatic": "y"}).status_code == 404
    assert _places() == before


def probe_area_settings(w: World):
    _b_spend(w)
    before = _area(w.network.id)
    for client in (w.sign_in(w.other_lead), w.sign_in(w.a_admin)):
        assert client.get(f"/network/{w.network.id}/area").status_code == 404
        response = client.post(f"/network/{w.network.id}/area", data={"area_codes": "E08000003", "excluded_kinds": []})
        assert response.status_code == 404
    assert _area(w.network.id) == before
    # The other network's lead changes their own network only, recorded in their own partner.
    own = w.sign_in(w.other_lead).post(f"/network/{w.other_network.id}/area", data={"area_codes": "E08000003"})
    assert own.status_code == 302 and _area(w.network.id) == before
    for partner in (w.a_partner, w.b_partner):
        with tenant_context(partner.id):
            assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "network.area_changed")).all() == []


PROBES = {
    "network.place_supplier": probe_place_supplier,
    "network.area_settings": probe_area_settings,
}
