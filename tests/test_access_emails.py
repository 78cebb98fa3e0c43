"""Is a person told when their access changes, whoever changed it (ASVS 2.2.3 in spirit)?"""
import pytest
from sqlalchemy import select

from portal.accounts.access_emails import SUBJECT
from portal.extensions import db
from portal.mail.models import OutgoingEmail
from tenants.models import Membership

from .test_accounts import page  # noqa: F401
from .test_people_cli import admin, council, officer, run  # noqa: F401 (fixtures used by name)


def told(email: str) -> list[str]:
    """The bodies of the access emails queued for this address, oldest first."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(OutgoingEmail).where(OutgoingEmail.recipient == email, OutgoingEmail.subject == SUBJECT).order_by(OutgoingEmail.id)
    ).all()
    return [row.arguments["body"] if row.arguments else "" for row in rows]


def membership_id(user, partner) -> int:
    return db.session.scalar(select(Membership.id).filter_by(user_id=user.id, organisation_id=partner.id))


def test_a_member_is_told_of_a_new_role_a_removal_and_by_whom(council, admin, officer, sign_in):
    client = sign_in(admin)
    assert client.post(f"/people/{membership_id(officer, council)}/role", data={"role": "viewer"}).status_code == 302
    (body,) = told(officer.email)
    assert "Your role at Rotherham Council is now viewer (it was officer)." in body
    assert "made by Ann Admin (ann@example.org)" in body and "signed out on every device" in body
    assert "http" not in body  # nothing in it grants anything
    assert client.post(f"/people/{membership_id(officer, council)}/remove").status_code == 302
    assert "You no longer have access to Rotherham Council (you were a viewer)." in told(officer.email)[-1]
    assert told(admin.email) == []  # the admin who acted is not told of their own change to someone else


def test_disabling_and_re_enabling_an_account_are_told_to_its_owner(council, admin, officer, sign_in):
    client = sign_in(admin)
    assert client.post(f"/people/{membership_id(officer, council)}/disable").status_code == 302
    assert "Your account has been disabled" in told(officer.email)[-1]
    assert client.post(f"/people/{membership_id(officer, council)}/enable").status_code == 302
    assert "Your account can sign in again" in told(officer.email)[-1]
    assert len(told(officer.email)) == 2


@pytest.mark.parametrize("args, expected", [
    (("set-role", "olly@example.org", "PARTNER", "admin"), "is now admin"),
    (("disable", "olly@example.org"), "Your account has been disabled"),
    (("add-lead", "olly@example.org", "NETWORK"), "You are now on the lead team of South Yorkshire."),
])
def test_changes_by_the_operators_are_told_too(run, council, admin, officer, args, expected):
    slugs = {"PARTNER": council.slug, "NETWORK": council.network.slug}
    args = tuple(slugs.get(a, a) for a in args)
    result = run(*args)
    assert result.exit_code == 0, result.output
    (body,) = told(officer.email)
    assert expected in body and "made by the portal's operators" in body


def test_nothing_is_sent_when_nothing_changed(council, admin, officer, sign_in):
    client = sign_in(admin)
    client.post(f"/people/{membership_id(officer, council)}/role", data={"role": "officer"})
    assert told(officer.email) == []
