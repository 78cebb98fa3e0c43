"""Can a partner admin change a member's role, remove them, and disable or re-enable their account, safely?"""
import threading
import time

import pytest
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import AuditEvent, Membership, User

from .conftest import PASSWORD
from .test_accounts import (  # noqa: F401 (the fixtures are used by name)
    _own_context_per_request,
    csrf_token,
    fresh,
    is_signed_in,
    own_context_client,
    page,
)


@pytest.fixture
def council(make_partner):
    return make_partner("Rotherham Council")


@pytest.fixture
def admin(council, make_user):
    return make_user(council, role="admin", email="ann@example.org", name="Ann Admin")


@pytest.fixture
def officer(council, make_user):
    return make_user(council, role="officer", email="olly@example.org", name="Olly Officer")


def membership_of(user, partner) -> Membership:
    db.session.expire_all()
    return db.session.scalar(select(Membership).filter_by(user_id=user.id, organisation_id=partner.id))


def events(partner, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    with tenant_context(partner.id):
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def signed_out(client) -> bool:
    """The client's next request finds no session: a page that needs one sends it to sign in."""
    response = client.get("/spend/imports")
    return response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_people_page_lists_members_with_their_actions(admin, officer, sign_in):
    html = page(sign_in(admin).get("/people"))
    membership = membership_of(officer, officer.memberships[0].organisation)
    assert 'class="govuk-summary-list' in html and 'data-testid="members"' in html
    assert "Olly Officer" in html and "Ann Admin (you)" in html
    for action in ("role", "remove", "disable"):
        assert f"/people/{membership.id}/{action}" in html


def test_an_admin_changes_a_members_role_and_every_session_of_theirs_ends(council, admin, officer, sign_in):
    admin_client, officer_client, officer_phone = sign_in(admin), sign_in(officer), sign_in(officer)
    membership = membership_of(officer, council)
    form = admin_client.get(f"/people/{membership.id}/role")
    assert form.status_code == 200 and 'value="officer" checked' in page(form)

    response = admin_client.post(f"/people/{membership.id}/role", data={"role": "viewer"})

    assert response.status_code == 302 and response.headers["Location"] == "/people"
    assert membership_of(officer, council).role == "viewer"
    assert signed_out(officer_client) and signed_out(officer_phone)
    assert "Olly Officer is now viewer" in page(admin_client.get("/people"))
    (event,) = events(council, "member.role_changed")
    assert event.user_id == admin.id
    assert event.detail == {"email": "olly@example.org", "name": "Olly Officer", "before": "officer", "after": "viewer"}
    # Signed in again, they work with the new role.
    assert sign_in(officer).get("/spend/lines/new").status_code == 403


def test_an_admin_removes_a_member_after_confirming_and_the_account_stays(council, admin, officer, sign_in):
    admin_client, officer_client = sign_in(admin), sign_in(officer)
    membership = membership_of(officer, council)
    confirm = admin_client.get(f"/people/{membership.id}/remove")
    assert confirm.status_code == 200
    assert "Remove Olly Officer from Rotherham Council?" in page(confirm)
    assert f'<form method="post" novalidate action="/people/{membership.id}/remove">' in page(confirm)
    assert membership_of(officer, council) is not None  # looking is not removing

    response = admin_client.post(f"/people/{membership.id}/remove")

    assert response.status_code == 302
    assert membership_of(officer, council) is None
    assert fresh(officer).active
    assert signed_out(officer_client)
    assert "Olly Officer has been removed from Rotherham Council" in page(admin_client.get("/people"))
    (event,) = events(council, "member.removed")
    assert event.user_id == admin.id and event.detail["email"] == "olly@example.org" and event.detail["role"] == "officer"


def test_a_removal_without_the_pages_token_is_refused(app, council, admin, officer, sign_in):
    admin_client = sign_in(admin)
    membership = membership_of(officer, council)
    app.config["WTF_CSRF_ENABLED"] = True
    assert admin_client.post(f"/people/{membership.id}/remove").status_code == 400
    assert admin_client.post(f"/people/{membership.id}/disable", data={"csrf_token": "forged"}).status_code == 400
    assert membership_of(officer, council) is not None and fresh(officer).active
    token = csrf_token(admin_client, f"/people/{membership.id}/remove")
    assert admin_client.post(f"/people/{membership.id}/remove", data={"csrf_token": token}).status_code == 302
    assert membership_of(officer, council) is None


def test_an_admin_disables_an_account_which_then_cannot_sign_in_and_re_enables_it(client, council, admin, officer, sign_in):
    admin_client, officer_client = sign_in(admin), sign_in(officer)
    membership = membership_of(officer, council)
    assert "will not be able to sign in" in page(admin_client.get(f"/people/{membership.id}/disable"))

    assert admin_client.post(f"/people/{membership.id}/disable").status_code == 302

    assert not fresh(officer).active
    assert signed_out(officer_client)
    assert client.post("/sign-in", data={"email": officer.email, "password": PASSWORD}).status_code == 400
    people = page(admin_client.get("/people"))
    assert "account has been disabled" in people and "Disabled" in people and f"/people/{membership.id}/enable" in people
    assert [e.user_id for e in events(council, "account.disabled")] == [admin.id]

    assert admin_client.post(f"/people/{membership.id}/enable").status_code == 302

    assert fresh(officer).active and membership_of(officer, council).role == "officer"
    assert is_signed_in(sign_in(officer))
    assert [e.detail["email"] for e in events(council, "account.enabled")] == ["olly@example.org"]


def test_the_last_admin_cannot_step_down_leave_or_disable_themselves(council, admin, officer, sign_in):
    admin_client = sign_in(admin)
    mine = membership_of(admin, council)

    demoted = admin_client.post(f"/people/{mine.id}/role", data={"role": "officer"})
    assert demoted.status_code == 400 and "the only admin of Rotherham Council" in page(demoted)
    left = admin_client.get(f"/people/{mine.id}/remove")
    assert "the only admin of Rotherham Council" in page(left) and "Leave</button>" not in page(left)
    assert admin_client.post(f"/people/{mine.id}/remove").status_code == 400
    disabled = admin_client.post(f"/people/{mine.id}/disable")
    assert disabled.status_code == 400 and "cannot disable your own account" in page(disabled)

    assert membership_of(admin, council).role == "admin" and fresh(admin).active
    assert is_signed_in(admin_client)
    assert events(council, "member.role_changed") == events(council, "member.removed") == []


def test_a_disabled_admin_does_not_count_as_the_admin_a_partner_keeps(council, admin, make_user, sign_in):
    dormant = make_user(council, role="admin", email="dora@example.org", name="Dora Dormant")
    dormant.active = False
    db.session.commit()
    response = sign_in(admin).post(f"/people/{membership_of(admin, council).id}/role", data={"role": "viewer"})
    assert response.status_code == 400
    assert membership_of(admin, council).role == "admin"


def test_with_another_admin_an_admin_can_step_down_and_stays_signed_in_on_this_device(council, admin, make_user, sign_in):
    make_user(council, role="admin", email="bob@example.org", name="Bob Admin")
    here, elsewhere = sign_in(admin), sign_in(admin)

    response = here.post(f"/people/{membership_of(admin, council).id}/role", data={"role": "officer"})

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert membership_of(admin, council).role == "officer"
    assert "You are now officer of Rotherham Council" in page(here.get("/"))
    assert here.get("/people").status_code == 403 and here.get("/spend/lines/new").status_code == 200
    assert signed_out(elsewhere)


def test_an_admin_can_leave_when_another_admin_stays(council, admin, make_user, sign_in):
    make_user(council, role="admin", email="bob@example.org", name="Bob Admin")
    client = sign_in(admin)
    mine = membership_of(admin, council)
    assert "Leave Rotherham Council?" in page(client.get(f"/people/{mine.id}/remove"))
    assert client.post(f"/people/{mine.id}/remove").headers["Location"] == "/"
    assert membership_of(admin, council) is None
    assert "You have left Rotherham Council" in page(client.get("/"))


@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_officers_and_viewers_cannot_change_anyones_access(council, admin, make_user, sign_in, role):
    client = sign_in(make_user(council, role=role))
    target = membership_of(admin, council)
    for action, data in (("role", {"role": "viewer"}), ("remove", {}), ("disable", {}), ("enable", {})):
        assert client.get(f"/people/{target.id}/{action}").status_code == 403
        assert client.post(f"/people/{target.id}/{action}", data=data).status_code == 403
    assert membership_of(admin, council).role == "admin" and fresh(admin).active
    assert events(council, "member.role_changed") == []


def test_another_partners_admin_is_told_the_member_does_not_exist(council, admin, officer, make_partner, make_user, sign_in):
    other = make_partner("Hospital Trust", network=council.network)
    intruder = sign_in(make_user(other, role="admin", email="ivy@trust.org"))
    target = membership_of(officer, council)
    for action, data in (("role", {"role": "admin"}), ("remove", {}), ("disable", {}), ("enable", {})):
        assert intruder.get(f"/people/{target.id}/{action}").status_code == 404
        assert intruder.post(f"/people/{target.id}/{action}", data=data).status_code == 404
    assert membership_of(officer, council).role == "officer" and fresh(officer).active
    assert intruder.get("/people/99999999999999999999/remove").status_code == 404


def test_an_account_that_also_works_for_another_partner_is_removed_not_disabled(council, admin, officer, make_partner, sign_in):
    other = make_partner("Hospital Trust", network=council.network)
    db.session.add(Membership(user_id=officer.id, organisation_id=other.id, role="admin"))
    db.session.commit()
    admin_client = sign_in(admin)
    membership = membership_of(officer, council)

    refused = admin_client.post(f"/people/{membership.id}/disable")

    assert refused.status_code == 400
    assert "also used for another partner or network" in page(refused) and "Remove them from this partner instead" in page(refused)
    assert "Hospital Trust" not in page(refused)  # nothing of the other partner is told
    assert fresh(officer).active
    assert admin_client.post(f"/people/{membership.id}/remove").status_code == 302
    assert membership_of(officer, council) is None and membership_of(officer, other).role == "admin"


def test_a_network_leads_account_is_not_a_partner_admins_to_disable(council, admin, make_user, sign_in):
    lead = make_user(council, role="officer", email="lee@example.org", lead_of=council.network)
    response = sign_in(admin).post(f"/people/{membership_of(lead, council).id}/disable")
    assert response.status_code == 400 and fresh(lead).active


def test_the_changes_are_in_the_partners_audit_log(council, admin, officer, sign_in):
    client = sign_in(admin)
    membership = membership_of(officer, council)
    client.post(f"/people/{membership.id}/role", data={"role": "viewer"})
    client.post(f"/people/{membership.id}/disable")
    log = page(client.get("/audit-log"))
    assert "Member role changed" in log and "Account disabled" in log and "olly@example.org" in log


def test_a_role_that_is_not_one_is_refused(council, admin, officer, sign_in):
    response = sign_in(admin).post(f"/people/{membership_of(officer, council).id}/role", data={"role": "owner"})
    assert response.status_code == 400
    assert membership_of(officer, council).role == "officer"
    assert db.session.scalar(select(User.session_version).where(User.id == officer.id)) == 1


@pytest.mark.postgres
def test_two_admins_demoting_each_other_at_the_same_moment_leave_one_admin(app, council, admin, make_user):
    from portal.accounts import people
    from tests import settings

    if not settings.ON_POSTGRES:
        pytest.skip("SQLite serialises writers, so the race needs PostgreSQL (the PostgreSQL pass of bin/test runs it)")
    bob = make_user(council, role="admin", email="bob@example.org", name="Bob Admin")
    outcome = {}

    def bob_demotes_ann():
        with app.app_context():
            try:
                people.change_role(db.session, membership_of(admin, council), "officer", db.session.get(User, bob.id))
                db.session.commit()
                outcome["bob"] = "demoted Ann"
            except people.PeopleProblem as problem:
                outcome["bob"] = str(problem)
            finally:
                db.session.remove()

    # Ann's demotion of Bob holds the partner's admin memberships, uncommitted, while Bob demotes Ann:
    # his check waits for her commit, then counts again and finds only himself.
    people.change_role(db.session, membership_of(bob, council), "officer", admin)
    racer = threading.Thread(target=bob_demotes_ann)
    racer.start()
    time.sleep(1.0)
    db.session.commit()
    racer.join(timeout=30)
    assert "the only admin of Rotherham Council" in outcome["bob"]
    assert membership_of(admin, council).role == "admin" and membership_of(bob, council).role == "officer"
