"""Cross-tenant probes for chasing delivery and the Real Living Wage list: notes, a supplier's history, the download.

Partner A's people asking about B's contract or B's supplier get 404 and change nothing; A's download of the
in-scope list never holds B's contracts."""
from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value.contracts import get_contract
from portal.social_value.models import ContractNote
from portal.suppliers.models import Supplier
from tenants import tenant_context
from tenants.models import Network

from .social_value import B_REF, B_TITLE, _all_404, _as_a, _b_rows
from .world import World

B_SUPPLIER = "Only B's Cleaning Contractor Ltd"


def _b_notes(w: World) -> int:
    db.session.expire_all()
    with tenant_context(w.b_partner.id):
        return db.session.scalar(select(func.count(ContractNote.id)))


def probe_add_contract_note(w: World):
    b = _b_rows(w)
    for client in _as_a(w):
        _all_404(client, ("post", f"/social-value/contracts/{b['contract']}/notes", {"text": "Hijacked note"}))
    assert _b_notes(w) == 0
    owner = w.sign_in(w.b_admin)  # the control: B's own admin adds the note
    assert owner.post(f"/social-value/contracts/{b['contract']}/notes", data={"text": "Agreed a remedy"}).status_code == 302
    assert _b_notes(w) == 1


def _b_supplier(w: World, b: dict) -> int:
    """A register supplier only B contracts with (A neither pays it nor contracts with it)."""
    supplier = Supplier(network_id=w.network.id, name=B_SUPPLIER, normalised_name="only b s cleaning contractor")
    db.session.add(supplier)
    db.session.commit()
    with tenant_context(w.b_partner.id):
        get_contract(db.session, b["contract"]).supplier_id = supplier.id
        db.session.commit()
    return supplier.id


def probe_supplier_delivery(w: World):
    b = _b_rows(w)
    supplier_id = _b_supplier(w, b)
    url = f"/social-value/suppliers/{supplier_id}/delivery"
    for client in _as_a(w):
        response = client.get(url)
        assert response.status_code == 404, response.status_code
        assert B_SUPPLIER.encode() not in response.data and B_REF.encode() not in response.data
    page = w.sign_in(w.b_admin).get(url)  # the control: B sees its own history with the supplier
    assert page.status_code == 200 and B_REF.encode() in page.data


def probe_living_wage_download(w: World):
    _b_rows(w)  # B's contract is in scope for the Real Living Wage
    for client in _as_a(w):
        for fmt in ("csv", "xlsx"):
            response = client.get(f"/social-value/contracts/living-wage.{fmt}")
            assert response.status_code == 200
            assert B_REF.encode() not in response.data and B_TITLE.encode() not in response.data
    own = w.sign_in(w.b_admin).get("/social-value/contracts/living-wage.csv")
    assert own.status_code == 200 and B_REF in own.get_data(as_text=True)


def probe_chasing_settings(w: World):
    """Only the network's own lead reads or changes its chasing days; another network's lead and a partner admin get 404."""
    url = f"/network/{w.network.id}/social-value/chasing"
    for user in (w.other_lead, w.a_admin):
        client = w.sign_in(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data={"days": "2"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Network, w.network.id).chase_manager_after_days == 14
    lead = w.sign_in(w.lead)  # the control
    assert lead.get(url).status_code == 200
    assert lead.post(url, data={"days": "21"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Network, w.network.id).chase_manager_after_days == 21


PROBES = {
    "social_value.chasing_settings": probe_chasing_settings,
    "social_value.add_contract_note": probe_add_contract_note,
    "social_value.supplier_delivery": probe_supplier_delivery,
    "social_value.living_wage_download": probe_living_wage_download,
}
