"""Cross-tenant probes for the lead's network pages (partner lines, supplier register, review) and partner sharing."""
import io

from sqlalchemy import select

from portal.extensions import db
from portal.spend import importing
from portal.suppliers.models import Supplier, SupplierAlias, SupplierMatchCandidate
from tenants import tenant_context
from tenants.models import AuditEvent, Organisation

from .world import World

B_FILE = (
    b"Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount\n"
    b"01/04/2024,B-1,Secret Supplier of B Ltd,S60 1AA,999.00\n"
    b"02/04/2024,B-2,Secret Suplier of B,S60 1AA,10.00\n"
    b"03/04/2024,B-3,SECRET SUPPLIER OF B LIMITED,,5.00\n"
)


def _b_spend(w: World, share_lines: bool = True):
    """B imports lines (its suppliers join the shared network's register) and shares them with the lead."""
    with tenant_context(w.b_partner.id):
        spend_import = importing.store_upload(db.session, w.b_partner, w.b_admin, "b.csv", io.BytesIO(B_FILE))
        spend_import.column_mapping = dict(importing.proposed_mapping(db.session, spend_import)[1])
        db.session.commit()
        importing.run_import(db.session, spend_import.id)
        db.session.get(Organisation, w.b_partner.id).shares_lines_with_lead = share_lines
        db.session.commit()
    supplier = db.session.scalar(select(Supplier).where(Supplier.name == "Secret Supplier of B Ltd"))
    pair = db.session.scalar(select(SupplierMatchCandidate).where(SupplierMatchCandidate.network_id == w.network.id))
    return supplier, pair


def _snapshot():
    db.session.expire_all()
    return db.session.execute(
        select(Supplier.id, Supplier.is_sme, Supplier.local_override, Supplier.kind).order_by(Supplier.id)
    ).all(), db.session.execute(select(SupplierAlias.id, SupplierAlias.supplier_id).order_by(SupplierAlias.id)).all(), \
        db.session.execute(select(SupplierMatchCandidate.id, SupplierMatchCandidate.status)).all()


def probe_partner_lines(w: World):
    _b_spend(w)
    for client, network_id in ((w.sign_in(w.other_lead), w.network.id), (w.sign_in(w.other_lead), w.other_network.id),
                               (w.sign_in(w.a_admin), w.network.id)):
        response = client.get(f"/network/{network_id}/partners/{w.b_partner.id}/lines")
        assert response.status_code == 404 and b"B-1" not in response.data and b"Partner B" not in response.data


def probe_suppliers(w: World):
    _b_spend(w)
    client = w.sign_in(w.other_lead)
    assert client.get(f"/network/{w.network.id}/suppliers").status_code == 404
    own = client.get(f"/network/{w.other_network.id}/suppliers?q=secret")
    assert own.status_code == 200 and b"Secret" not in own.data
    assert w.sign_in(w.a_admin).get(f"/network/{w.network.id}/suppliers").status_code == 404


def probe_supplier(w: World):
    supplier, _ = _b_spend(w)
    before = _snapshot()
    client = w.sign_in(w.other_lead)
    for network_id in (w.network.id, w.other_network.id):
        url = f"/network/{network_id}/suppliers/{supplier.id}"
        assert client.get(url).status_code == 404
        assert client.post(url, data={"is_sme": "yes", "kind": "vcse", "local": "no"}).status_code == 404
    assert _snapshot() == before


def probe_split_spelling(w: World):
    supplier, _ = _b_spend(w)
    alias = db.session.scalar(select(SupplierAlias).where(SupplierAlias.supplier_id == supplier.id, SupplierAlias.postcode == ""))
    before = _snapshot()
    client = w.sign_in(w.other_lead)
    for network_id in (w.network.id, w.other_network.id):
        assert client.post(f"/network/{network_id}/suppliers/{supplier.id}/spellings/{alias.id}/split").status_code == 404
    assert _snapshot() == before


def probe_review(w: World):
    _, pair = _b_spend(w)
    assert pair is not None
    client = w.sign_in(w.other_lead)
    assert client.get(f"/network/{w.network.id}/suppliers/review").status_code == 404
    own = client.get(f"/network/{w.other_network.id}/suppliers/review")
    assert own.status_code == 200 and b"Secret" not in own.data


def probe_decide(w: World):
    supplier, pair = _b_spend(w)
    before = _snapshot()
    client = w.sign_in(w.other_lead)
    for network_id in (w.network.id, w.other_network.id):
        for decision in (f"keep-{supplier.id}", "distinct"):
            response = client.post(f"/network/{network_id}/suppliers/review/{pair.id}", data={f"pair-{pair.id}-decision": decision})
            assert response.status_code == 404
    assert _snapshot() == before


def a_merge(w: World):
    """Two suppliers of the shared network merged by its lead: a merge that could be undone."""
    from portal.suppliers.merges import merge_recorded

    keep = Supplier(network_id=w.network.id, name="Merged Roofing Ltd", normalised_name="merged roofing")
    gone = Supplier(network_id=w.network.id, name="Merged Rofing", normalised_name="merged rofing")
    db.session.add_all([keep, gone])
    db.session.flush()
    record = merge_recorded(db.session, w.network, keep, gone, w.lead)
    db.session.commit()
    return record


def probe_confirm_merge(w: World):
    supplier, pair = _b_spend(w)
    before = _snapshot()
    client = w.sign_in(w.other_lead)
    for network_id in (w.network.id, w.other_network.id):
        url = f"/network/{network_id}/suppliers/review/{pair.id}/merge?keep={supplier.id}"
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert _snapshot() == before


def probe_undo_merge(w: World):
    record = a_merge(w)
    before = _snapshot()
    for user in (w.other_lead, w.a_admin):
        client = w.sign_in(user)
        for network_id in (w.network.id, w.other_network.id):
            assert client.post(f"/network/{network_id}/suppliers/merges/{record.id}/undo").status_code == 404
    assert _snapshot() == before


def probe_sharing(w: World):
    _b_spend(w, share_lines=False)
    # A's admin (and the other network's lead, an admin of its own partner) change their own partner only.
    for user in (w.a_admin, w.other_lead):
        client = w.sign_in(user)
        assert client.post("/partner/sharing", data={"sharing": "lines"}).status_code == 302
        assert b"admin@b.org" not in client.get("/partner/sharing").data
    db.session.expire_all()
    assert db.session.get(Organisation, w.b_partner.id).shares_lines_with_lead is False
    assert db.session.get(Organisation, w.a_partner.id).shares_lines_with_lead is True
    with tenant_context(w.b_partner.id):
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sharing.changed")).all() == []


PROBES = {
    "network.partner_lines": probe_partner_lines,
    "network.suppliers": probe_suppliers,
    "network.supplier": probe_supplier,
    "network.split_spelling": probe_split_spelling,
    "network.review": probe_review,
    "network.decide": probe_decide,
    "network.confirm_merge": probe_confirm_merge,
    "network.undo_merge": probe_undo_merge,
    "partner.sharing": probe_sharing,
}
