"""Cross-tenant probes for grants: partner A's people never read, change or export partner B's grants."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.grants import services
from portal.grants.models import Grant
from tenants import tenant_context

from .world import World

B_GRANT = "Partner B private grant"
B_RECIPIENT = "Partner B Secret Recipient Trust"
POST = {"title": "Hijacked", "recipient_name": "Hijack Ltd", "amount": "1", "awarded_on": ["1", "1", "2026"]}


def b_grant(b_partner) -> int:
    """A grant of partner B's, committed; returns its id."""
    with tenant_context(b_partner.id):
        grant = services.record_grant(db.session, services.GrantDetails(
            title=B_GRANT, recipient_name=B_RECIPIENT, amount_pence=12_345_00, awarded_on=date(2026, 4, 1),
            recipient_charity_number="1123456", programme="B's private programme"))
        db.session.commit()
        return grant.id


def matrix_targets(base, other_sme) -> dict:
    """The isolation matrix's URL argument: B's grant."""
    return {"grant_id": b_grant(base.b_partner)}


def _b_grants(w: World) -> list[tuple]:
    with tenant_context(w.b_partner.id):
        return [(g.id, g.title, g.amount_pence, g.recipient_name, g.updated_at)
                for g in db.session.scalars(select(Grant).order_by(Grant.id))]


def _edit_is_404(w: World):
    """A's officer, admin and the network's lead get 404 for B's grant, read or posted; it is unchanged."""
    grant_id = b_grant(w.b_partner)
    before = _b_grants(w)
    for actor in (w.a_officer, w.a_admin, w.lead):
        client = w.sign_in(actor)
        for response in (client.get(f"/partner/grants/{grant_id}/edit"),
                         client.post(f"/partner/grants/{grant_id}/edit", data=POST)):
            assert response.status_code == 404
            assert B_RECIPIENT.encode() not in response.data
    assert _b_grants(w) == before
    assert w.sign_in(w.b_admin).get(f"/partner/grants/{grant_id}/edit").status_code == 200


def _own_only(url: str):
    """A's list and export show none of B's grants; B's own show them."""

    def probe(w: World):
        b_grant(w.b_partner)
        for actor in (w.a_officer, w.a_admin, w.lead):
            response = w.sign_in(actor).get(url)
            assert response.status_code == 200
            assert B_RECIPIENT.encode() not in response.data and B_GRANT.encode() not in response.data
        assert B_RECIPIENT.encode() in w.sign_in(w.b_admin).get(url).data

    return probe


def _new_grant_is_own(w: World):
    """What A's officer records is A's: B's grants are unchanged and A's list has the new one."""
    b_grant(w.b_partner)
    before = _b_grants(w)
    client = w.sign_in(w.a_officer)
    assert client.post("/partner/grants/new", data=POST).status_code == 302
    assert _b_grants(w) == before
    assert b"Hijack Ltd" in client.get("/partner/grants").data
    assert b"Hijack Ltd" not in w.sign_in(w.b_admin).get("/partner/grants").data


def _import_is_own(w: World):
    """A file A's officer imports makes A's grants only."""
    import io

    b_grant(w.b_partner)
    before = _b_grants(w)
    client = w.sign_in(w.a_officer)
    csv_file = io.BytesIO(b"Title,Recipient,Amount,Award date\nImported,Imported Ltd,10,01/01/2026\n")
    response = client.post("/partner/grants/import", data={"grants_file": (csv_file, "g.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert _b_grants(w) == before
    assert b"Imported Ltd" not in w.sign_in(w.b_admin).get("/partner/grants").data


PROBES = {
    "grants.import_grants": _import_is_own,
    "grants.partner_grants": _own_only("/partner/grants"),
    "grants.grants_360giving": _own_only("/partner/grants.360giving.json"),
    "grants.edit_grant": _edit_is_404,
    "grants.new_grant": _new_grant_is_own,
}
