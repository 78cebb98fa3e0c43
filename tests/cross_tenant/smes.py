"""Cross-tenant probes for SMEs' own pages: one business never reaches another's profile.

No SME route carries a business id, so the probes sign in as SME A and check that
what A reads and changes is A's alone, with SME B's profile untouched and unseen;
and that partners' people get no business page at all.
"""
from datetime import datetime, timezone

from sqlalchemy import select

from portal.extensions import db
from portal.passwords import hash_password
from portal.smes.models import SmeCategory, SmeProfile
from tenants import business_context
from tenants.businesses import Business
from tenants.models import User
from tests.conftest import PASSWORD

from .world import World

B_SECRET = "Firm B's private note about its trade"


def _business(w: World, name: str, email: str, what_we_do: str, verified: bool = True, codes=()) -> Business:
    business = Business(network_id=w.network.id, name=name)
    db.session.add(business)
    db.session.flush()
    user = User(email=email, name=f"Owner of {name}", password_hash=hash_password(PASSWORD), business_id=business.id,
                email_verified_at=datetime.now(timezone.utc) if verified else None)
    db.session.add(user)
    db.session.commit()
    with business_context(business.id):
        db.session.add(SmeProfile(postcode="S60 1AA", postcode_district="S60", is_local=True, size_band="small",
                                  what_we_do=what_we_do, contact_email=email))
        for code in codes:
            db.session.add(SmeCategory(cpv_code=code))
        db.session.commit()
    business.owner = user
    return business


def _pair(w: World, a_verified: bool = True):
    a = _business(w, "Firm A", "owner@firm-a.example", "Roofing", verified=a_verified, codes=("45260000",))
    b = _business(w, "Firm B", "owner@firm-b.example", B_SECRET, codes=("90910000",))
    return a, b


def _b_profile(b: Business) -> tuple:
    db.session.expire_all()
    with business_context(b.id):
        profile = db.session.scalar(select(SmeProfile))
        codes = db.session.scalars(select(SmeCategory.cpv_code)).all()
        return profile.what_we_do, profile.postcode, profile.size_band, codes, db.session.get(Business, b.id).name


def _shows_nothing_of_b(body: str) -> None:
    assert B_SECRET not in body and "Firm B" not in body and "owner@firm-b.example" not in body and "90910000" not in body


def probe_profile(w: World):
    a, b = _pair(w)
    body = w.sign_in(a.owner).get("/profile").get_data(as_text=True)
    assert "Firm A" in body and "45260000" in body
    _shows_nothing_of_b(body)
    assert w.sign_in(w.a_admin).get("/profile").status_code == 403
    assert w.sign_in(w.other_lead).get("/profile").status_code == 403


def probe_edit_profile(w: World):
    a, b = _pair(w)
    before = _b_profile(b)
    client = w.sign_in(a.owner)
    _shows_nothing_of_b(client.get("/profile/edit").get_data(as_text=True))
    response = client.post("/profile/edit", data={
        "name": "Firm A Renamed", "organisation_type": "company", "postcode": "S61 2BB", "size_band": "micro",
        "what_we_do": "Hijack attempt", "cpv_codes": "45000000", "business_id": str(b.id),
    })
    assert response.status_code == 302
    assert _b_profile(b) == before
    assert w.sign_in(w.a_admin).post("/profile/edit", data={"name": "X"}).status_code == 403
    assert _b_profile(b) == before


def probe_categories(w: World):
    a, b = _pair(w)
    before = _b_profile(b)
    client = w.sign_in(a.owner)
    body = client.get("/profile/categories?q=roof").get_data(as_text=True)
    assert "45261000" in body  # a search result, from the catalogue
    _shows_nothing_of_b(body)
    assert client.post("/profile/categories", data={"codes": ["45000000"]}).status_code == 302
    assert _b_profile(b) == before
    with business_context(a.id):
        assert db.session.scalars(select(SmeCategory.cpv_code)).all() == ["45000000"]


def _session_of_unconfirmed(w: World, user: User):
    """A session an unconfirmed business account holds from before such accounts were refused sign-in (issue 14, item 5)."""
    client = w.sign_in.app.test_client()
    now = datetime.now(timezone.utc).timestamp()
    with client.session_transaction() as session:
        session.update({"_user_id": f"{user.id}:{user.session_version}", "_fresh": True,
                        "started_at": now, "last_seen_at": now})
    return client


def probe_verify_pending(w: World):
    a, b = _pair(w, a_verified=False)
    body = _session_of_unconfirmed(w, a.owner).get("/verify-email").get_data(as_text=True)
    assert "owner@firm-a.example" in body
    _shows_nothing_of_b(body)
    assert w.sign_in(w.a_admin).get("/verify-email").status_code == 403


def probe_resend_verification(w: World):
    from portal.mail.models import OutgoingEmail

    a, b = _pair(w, a_verified=False)
    assert _session_of_unconfirmed(w, a.owner).post("/verify-email/resend").status_code == 302
    assert db.session.scalars(select(OutgoingEmail.recipient)).all() == ["owner@firm-a.example"]
    assert w.sign_in(w.a_admin).post("/verify-email/resend").status_code == 403


def probe_verify(w: World):
    # The account comes from a signed link: a forged one is refused and verifies nobody.
    a, b = _pair(w, a_verified=False)
    client = _session_of_unconfirmed(w, a.owner)
    assert client.get(f"/verify-email/{b.id}").status_code == 400
    assert client.post(f"/verify-email/{b.id}").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, a.owner.id).email_verified_at is None


NO_TENANT_DATA = {
    "smes.register_choose": "lists the networks' public names only",
    "smes.register": "the public registration form: creates a new business, shows nobody's rows",
}

PROBES = {
    "smes.profile": probe_profile,
    "smes.edit_profile": probe_edit_profile,
    "smes.categories": probe_categories,
    "smes.verify_pending": probe_verify_pending,
    "smes.resend_verification": probe_resend_verification,
    "smes.verify": probe_verify,
}
