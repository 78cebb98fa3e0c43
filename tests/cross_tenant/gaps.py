"""Cross-tenant probes for the local market gap analysis: the lead of that network only.

Another network's lead, a partner's admin who does not lead, a registered SME and
anyone signed out all get nothing: 404 (or the sign-in page), and nothing changes.
"""
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.gaps import services
from portal.matching.models import CategoryCpv
from portal.smes.models import SmeCategory, SmeProfile
from portal.spend.models import NetworkSpendTotal
from portal.spend.queries import over_the_network
from tenants import business_context
from tenants.businesses import Business
from tenants.models import User

from .world import World

SECRET_CATEGORY = "Secret category of the shared network"
YEAR = date(2023, 4, 1)


def _gaps(w: World):
    """The shared network's yearly spend by category, a chosen code, and a registered local SME."""
    for network, key, pence in ((w.network, SECRET_CATEGORY, 987_654_32), (w.other_network, "Catering", 1_000_00)):
        # Written over the network's partners: row-level security takes combined rows from no one else.
        with over_the_network(db.session, network.id, "test: combined totals"):
            db.session.add(NetworkSpendTotal(network_id=network.id, period_type="year", period_start=YEAR, breakdown="category",
                                             key=key, total_pence=pence, local_pence=0, unplaced_pence=0, partner_count=2))
            db.session.add(NetworkSpendTotal(network_id=network.id, period_type="year", period_start=YEAR, breakdown="all",
                                             key="", total_pence=pence, local_pence=0, unplaced_pence=0, partner_count=2))
            db.session.commit()
    services.choose_code(db.session, w.network, SECRET_CATEGORY, "45000000", note="Secret note")
    services.choose_code(db.session, w.other_network, "Catering", "55520000")
    db.session.commit()
    return _sme(w)


def _sme(w: World):
    """A registered local SME of the shared network, signed in as its account."""
    from portal.passwords import hash_password
    from tests.conftest import PASSWORD

    business = Business(network_id=w.network.id, name="Secret Local Firm")
    db.session.add(business)
    db.session.flush()
    user = User(email="owner@secret-firm.example", name="Owner", password_hash=hash_password(PASSWORD), business_id=business.id,
                email_verified_at=db.func.now())
    db.session.add(user)
    db.session.commit()
    with business_context(business.id):
        db.session.add(SmeProfile(postcode="S60 1AA", postcode_district="S60", is_local=True, size_band="small"))
        db.session.add(SmeCategory(cpv_code="45000000"))
        db.session.commit()
    return user


def _mappings():
    db.session.expire_all()
    return db.session.execute(
        select(CategoryCpv.network_id, CategoryCpv.category, CategoryCpv.cpv_code, CategoryCpv.source).order_by(CategoryCpv.id)
    ).all()


def _outsiders(w: World, sme) -> list:
    """Another network's lead, a partner admin who leads nothing, the SME's account, and someone signed out."""
    return [w.sign_in(w.other_lead), w.sign_in(w.a_admin), w.sign_in(sme), w.sign_in.app.test_client()]


def _refused(response) -> bool:
    # 404 for anyone signed in; the sign-in page for anyone signed out.
    return response.status_code == 404 or (response.status_code == 302 and "/sign-in" in response.headers["Location"])


def _read(w: World, sme, path: str, own_path: str) -> None:
    url = f"/network/{w.network.id}/local-market-gaps{path}"
    for client in _outsiders(w, sme):
        response = client.get(url)
        assert _refused(response), (url, response.status_code)
        assert SECRET_CATEGORY.encode() not in response.data and b"987,654" not in response.data
    # The other lead's own network shows its own figures only.
    own = w.sign_in(w.other_lead).get(f"/network/{w.other_network.id}/local-market-gaps{own_path}")
    assert own.status_code == 200
    for secret in (SECRET_CATEGORY.encode(), b"987,654", b"987654", b"Secret"):
        assert secret not in own.data
    # The shared network's lead does see it: the probe's data is really there.
    seen = w.sign_in(w.lead).get(url).data
    assert SECRET_CATEGORY.encode() in seen or b"987,654" in seen or b"987654" in seen


def _write(w: World, sme, path: str, data: dict) -> None:
    before = _mappings()
    url = f"/network/{w.network.id}/local-market-gaps{path}"
    for client in _outsiders(w, sme):
        assert _refused(client.post(url, data=data))
    assert _mappings() == before


def _reader(path: str, own_path: str = ""):
    def probe(w: World):
        _read(w, _gaps(w), path, own_path or path)
    return probe


def probe_suggest(w: World):
    _write(w, _gaps(w), "/categories/suggest", {})


def probe_change(w: World):
    sme = _gaps(w)
    _read(w, sme, f"/categories/change?category={SECRET_CATEGORY}", "/categories/change?category=Catering")
    _write(w, sme, f"/categories/change?category={SECRET_CATEGORY}", {"code": "another", "other_code": "90000000"})


PROBES = {
    "gaps.show": _reader(""),
    "gaps.download": _reader("/download.csv"),
    "gaps.categories": _reader("/categories"),
    "gaps.change": probe_change,
    "gaps.suggest_codes": probe_suggest,
}
