"""Can a partner admin bring people in, and do people only ever work as partners they belong to?"""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import Invitation, Membership, User

from .test_accounts import (  # noqa: F401 (the fixtures are used by name)
    _own_context_per_request,
    delivered,
    emails_to,
    invitation_count,
    link_in,
    own_context_client,
    page,
)
from .test_accounts_passwords import NEW_PASSWORD, issued_ago

INVITEE = "nina@example.org"


@pytest.fixture
def council(make_partner):
    return make_partner("Rotherham Council")


@pytest.fixture
def admin(council, make_user):
    return make_user(council, role="admin", email="ann@example.org", name="Ann Admin")


def invite(client, email=INVITEE, role="officer", name="Nina New"):
    return client.post("/people/invite", data={"name": name, "email": email, "role": role})


def invitation_link(email=INVITEE) -> str:
    (message,) = emails_to(email)
    return link_in(message, "/invitation/")


def accept(client, link, name="Nina Newcomer", password=NEW_PASSWORD):
    return client.post(link, data={"name": name, "password": password, "confirm": password})


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def membership_of(email: str):
    db.session.expire_all()
    return db.session.scalar(select(Membership).join(User).where(User.email == email))


def the_invitation(organisation_id: int, email=INVITEE) -> Invitation:
    db.session.expire_all()
    with tenant_context(organisation_id):
        return db.session.scalar(select(Invitation).where(Invitation.email == email))


def test_an_admin_invites_someone_and_an_email_with_a_link_is_queued(admin, council, sign_in):
    client = sign_in(admin)
    response = invite(client, email="  Nina@Example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/people"
    (message,) = emails_to(INVITEE)
    assert "Rotherham Council" in message.subject
    assert "Ann Admin has invited you" in delivered(message)
    assert invitation_link().startswith("/invitation/")
    assert the_invitation(council.id).status == "pending"
    assert INVITEE in page(client.get("/people"))


def test_the_invited_person_sets_a_name_and_password_and_lands_on_the_partner_home(app, admin, council, sign_in):
    invite(sign_in(admin), role="admin")
    newcomer = app.test_client()
    link = invitation_link()
    form = newcomer.get(link)
    assert form.status_code == 200
    assert "Rotherham Council" in page(form) and INVITEE in page(form)

    response = accept(newcomer, link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = page(newcomer.get("/"))
    assert 'data-testid="partner-home">Rotherham Council<' in home
    assert "Nina Newcomer" in home
    membership = membership_of(INVITEE)
    assert (membership.organisation_id, membership.role) == (council.id, "admin")
    assert the_invitation(council.id).status == "accepted"
    # The invited role is real: an admin reaches the people page.
    assert newcomer.get("/people").status_code == 200


def test_a_new_account_from_an_invitation_signs_in_with_its_new_password(app, admin, sign_in):
    invite(sign_in(admin))
    accept(app.test_client(), invitation_link())
    user = db.session.scalar(select(User).where(User.email == INVITEE))
    sign_in(user, password=NEW_PASSWORD)


def test_accepting_refuses_a_weak_password_and_creates_nobody(app, admin, sign_in):
    invite(sign_in(admin))
    before = user_count()
    response = accept(app.test_client(), invitation_link(), password="rotherham123")
    assert response.status_code == 200
    assert "Choose a longer or less common password" in page(response) or "at least 12" in page(response)
    assert user_count() == before


def test_an_expired_invitation_link_says_so_and_creates_no_user_or_membership(app, admin, council, sign_in, monkeypatch):
    client = sign_in(admin)
    max_age = int(app.config["INVITATION_MAX_AGE"].total_seconds())
    with issued_ago(monkeypatch, max_age + 3600):
        invite(client)
        link = invitation_link()  # the link is signed as the email is sent
    before = user_count()
    newcomer = app.test_client()
    for response in (newcomer.get(link), accept(newcomer, link)):
        assert response.status_code == 400
        assert "This link has expired" in page(response)
    assert user_count() == before
    assert membership_of(INVITEE) is None
    assert the_invitation(council.id).status == "pending"


def test_an_invitation_link_works_only_once(app, admin, council, sign_in):
    invite(sign_in(admin))
    link = invitation_link()
    accept(app.test_client(), link)
    before = user_count()
    for response in (app.test_client().get(link), accept(app.test_client(), link, name="Someone Else")):
        assert response.status_code == 400
        assert "already been accepted" in page(response)
    assert user_count() == before
    assert db.session.scalar(select(User.name).where(User.email == INVITEE)) == "Nina Newcomer"


def test_a_tampered_invitation_link_is_refused(app, admin, sign_in):
    invite(sign_in(admin))
    link = invitation_link()
    tampered = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    response = accept(app.test_client(), tampered)
    assert response.status_code == 400
    assert "not valid" in page(response)
    assert membership_of(INVITEE) is None


@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_officers_and_viewers_cannot_manage_people(council, make_user, sign_in, role):
    client = sign_in(make_user(council, role=role))
    assert client.get("/people").status_code == 403
    assert client.get("/people/invite").status_code == 403
    assert invite(client).status_code == 403
    assert invitation_count(council.id) == 0
    assert emails_to(INVITEE) == []


def test_signed_out_visitors_are_sent_to_sign_in_for_the_people_pages(client):
    for path in ("/people", "/people/invite"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


def test_withdrawing_a_pending_invitation_makes_its_link_unusable(app, admin, council, sign_in):
    client = sign_in(admin)
    invite(client)
    link = invitation_link()  # the email has gone
    invitation = the_invitation(council.id)
    response = client.post(f"/people/invitations/{invitation.id}/withdraw")
    assert response.status_code == 302
    assert the_invitation(council.id).status == "revoked"
    before = user_count()
    response = accept(app.test_client(), link)
    assert response.status_code == 400
    assert "withdrawn" in page(response)
    assert user_count() == before


def test_an_admin_cannot_withdraw_another_partners_invitation(admin, council, make_partner, make_user, sign_in):
    other = make_partner("Police B", kind="police")
    invite(sign_in(make_user(other, role="admin")))
    theirs = the_invitation(other.id)
    response = sign_in(admin).post(f"/people/invitations/{theirs.id}/withdraw")
    assert response.status_code == 404
    assert the_invitation(other.id).status == "pending"


def test_someone_with_an_account_signs_in_to_accept_and_keeps_their_password(app, admin, council, make_partner, make_user, sign_in):
    elsewhere = make_partner("Police B", kind="police")
    existing = make_user(elsewhere, role="officer", email=INVITEE)
    invite(sign_in(admin), role="viewer")
    link = invitation_link()
    stranger = app.test_client()
    response = stranger.get(link)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert membership_of(INVITEE).organisation_id == elsewhere.id

    client = sign_in(existing)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert 'data-testid="current-partner">Rotherham Council<' in page(client.get("/"))
    roles = {m.organisation_id: m.role for m in db.session.scalars(select(Membership).where(Membership.user_id == existing.id))}
    assert roles == {elsewhere.id: "officer", council.id: "viewer"}


# Working as one partner or another

@pytest.fixture
def two_hats(make_partner, make_user):
    council = make_partner("A Council")
    police = make_partner("B Police", kind="police")
    user = make_user(council, role="viewer")
    db.session.add(Membership(user_id=user.id, organisation_id=police.id, role="admin"))
    db.session.commit()
    return user, council, police


def current_partner_on(client) -> str:
    html = page(client.get("/"))
    return html.split('data-testid="current-partner">', 1)[1].split("<", 1)[0]


def test_someone_in_two_partners_switches_between_them(two_hats, sign_in):
    user, _council, police = two_hats
    client = sign_in(user)
    assert current_partner_on(client) == "A Council"
    assert client.get("/people").status_code == 403
    response = client.post("/switch-partner", data={"organisation_id": police.id})
    assert response.status_code == 302
    assert current_partner_on(client) == "B Police"
    assert client.get("/people").status_code == 200


def test_switching_to_a_partner_i_do_not_belong_to_is_not_found(two_hats, make_partner, sign_in):
    user, _council, _police = two_hats
    stranger = make_partner("C Hospital", kind="health")
    client = sign_in(user)
    for organisation_id in (stranger.id, "", "not-a-number"):
        assert client.post("/switch-partner", data={"organisation_id": organisation_id}).status_code == 404
    assert current_partner_on(client) == "A Council"


def test_a_removed_membership_takes_effect_on_the_next_request(two_hats, sign_in):
    user, _council, police = two_hats
    client = sign_in(user)
    client.post("/switch-partner", data={"organisation_id": police.id})
    assert client.get("/people").status_code == 200
    db.session.execute(db.delete(Membership).where(Membership.user_id == user.id, Membership.organisation_id == police.id))
    db.session.commit()
    assert client.get("/people").status_code == 403
    assert current_partner_on(client) == "A Council"
    assert client.post("/switch-partner", data={"organisation_id": police.id}).status_code == 404
