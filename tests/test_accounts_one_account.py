"""One person, one account: can an invitation be blocked, or merge a business with a partner? (Issue 14, item 5.)"""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tenants.businesses import Business
from tenants.models import Membership, User

from .smes.conftest import registration
from .test_accounts import attempt, emails_to, link_in, page
from .test_accounts_invitations import accept, invitation_link, invite
from .test_accounts_passwords import NEW_PASSWORD

INVITEE = "nina@example.org"


@pytest.fixture
def admin(make_partner, make_user):
    return make_user(make_partner("Rotherham Council"), role="admin", name="Ann Admin")


def accounts_for(email: str) -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(select(User).where(User.email == email)))


def test_a_stranger_registering_a_business_with_my_address_cannot_block_my_invitation(app, admin, make_network, sign_in):
    """The attack: an unconfirmed business account squats the address a partner then invites."""
    network = make_network()
    stranger = app.test_client()
    stranger.post(f"/networks/{network.slug}/register",
                  data=registration(email=INVITEE, password="the stranger's own passphrase", confirm="the stranger's own passphrase"))
    (squatter,) = accounts_for(INVITEE)
    assert squatter.business_id is not None and squatter.email_verified_at is None
    # Nor can the stranger sign in with it meanwhile.
    assert attempt(app, INVITEE, "the stranger's own passphrase").status_code == 403

    invite(sign_in(admin), email=INVITEE)
    (invitation,) = [m for m in emails_to(INVITEE) if m.message == "invitation"]
    link = link_in(invitation, "/invitation/")
    nina = app.test_client()
    form = nina.get(link)
    assert form.status_code == 200
    assert "never confirmed" in page(form)
    assert accept(nina, link).status_code == 302

    (account,) = accounts_for(INVITEE)
    assert account.business_id is None
    assert db.session.scalar(select(func.count(Business.id))) == 0
    assert db.session.scalar(select(Membership.role).where(Membership.user_id == account.id)) == "officer"
    assert 'data-testid="partner-home"' in page(nina.get("/"))
    assert attempt(app, INVITEE, "the stranger's own passphrase", address="10.0.0.2").status_code == 400
    assert attempt(app, INVITEE, NEW_PASSWORD, address="10.0.0.3").status_code == 302


def test_an_invitation_to_a_confirmed_business_account_is_refused_with_a_clear_message(app, admin, make_business, sign_in):
    business = make_business("Rita's Roofing")
    owner = business.owner
    invite(sign_in(admin), email=owner.email)
    link = invitation_link(owner.email)
    for response in (app.test_client().get(link), accept(app.test_client(), link)):
        assert response.status_code == 409
        assert "cannot also work for a partner" in page(response)
        assert "invite you at another email address" in page(response)
    (account,) = accounts_for(owner.email)
    assert account.business_id == business.id
    assert db.session.scalar(select(func.count(Membership.id)).where(Membership.user_id == account.id)) == 0
