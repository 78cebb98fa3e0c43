"""Cross-tenant probes for the lead's review of register matches."""
from sqlalchemy import select

from portal.extensions import db
from portal.suppliers.models import Supplier, SupplierRegisterCandidate

from .network_spend import _b_spend
from .world import World


def _candidate_for(supplier) -> None:
    db.session.add(SupplierRegisterCandidate(
        network_id=supplier.network_id, supplier_id=supplier.id, register="companies", number="01234567",
        name="SECRET SUPPLIER OF B LIMITED", postcode="S60 1AA", method="fuzzy", score=90.0,
    ))
    db.session.commit()


def matrix_targets(base, other_sme) -> dict:
    """A pending candidate for B's supplier, so a POST from the matrix has something to decide."""
    supplier = db.session.scalar(select(Supplier).where(Supplier.name == "Secret Supplier of B Ltd"))
    if supplier is not None:
        _candidate_for(supplier)
    return {}


def _snapshot():
    db.session.expire_all()
    return (db.session.execute(select(SupplierRegisterCandidate.id, SupplierRegisterCandidate.status)).all(),
            db.session.execute(select(Supplier.id, Supplier.company_number, Supplier.match_method)).all())


def probe_review_matches(w: World):
    supplier, _ = _b_spend(w)
    _candidate_for(supplier)
    before = _snapshot()
    url = f"/network/{w.network.id}/suppliers/register-matches"
    outsider = w.sign_in(w.other_lead)
    assert outsider.get(url).status_code == 404
    own = outsider.get(f"/network/{w.other_network.id}/suppliers/register-matches")
    assert own.status_code == 200 and b"Secret" not in own.data and b"01234567" not in own.data
    for network_id in (w.network.id, w.other_network.id):
        for choice in ("none", str(before[0][0][0])):
            response = outsider.post(f"/network/{network_id}/suppliers/register-matches",
                                     data={"supplier_id": supplier.id, "choice": choice})
            assert response.status_code == 404
    partner = w.sign_in(w.a_admin)
    assert partner.get(url).status_code in (403, 404)
    assert partner.post(url, data={"supplier_id": supplier.id, "choice": "none"}).status_code in (403, 404)
    assert _snapshot() == before


PROBES = {"register_matches.review_matches": probe_review_matches}
