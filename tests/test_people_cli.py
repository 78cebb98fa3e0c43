"""Can an operator manage partners' people and lead teams from the command line, with the same guard rails?"""
import pytest
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import AuditEvent, Membership, NetworkLead, User


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["people", *args])


@pytest.fixture
def council(make_network, make_partner):
    return make_partner("Rotherham Council", make_network("South Yorkshire"))


@pytest.fixture
def admin(council, make_user):
    return make_user(council, role="admin", email="ann@example.org", name="Ann Admin")


@pytest.fixture
def officer(council, make_user):
    return make_user(council, role="officer", email="olly@example.org", name="Olly Officer")


def reloaded(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def role_of(user, partner) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(Membership.role).filter_by(user_id=user.id, organisation_id=partner.id))


def logged(partner, action: str) -> list[dict]:
    db.session.expire_all()
    with tenant_context(partner.id):
        return [e.detail for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_set_role_changes_the_role_ends_the_sessions_and_is_logged(run, council, admin, officer):
    result = run("set-role", "Olly@Example.org", council.slug, "admin")
    assert result.exit_code == 0, result.output
    assert "olly@example.org is now admin of Rotherham Council" in result.output
    assert role_of(officer, council) == "admin" and reloaded(officer).session_version == 2
    assert logged(council, "member.role_changed") == [
        {"email": "olly@example.org", "name": "Olly Officer", "before": "officer", "after": "admin", "via": "command line"}
    ]


def test_the_last_admin_cannot_be_demoted_or_removed_from_the_command_line_either(run, council, admin, officer):
    for args in (("set-role", admin.email, council.slug, "viewer"), ("remove", admin.email, council.slug)):
        result = run(*args)
        assert result.exit_code != 0 and "the only admin of Rotherham Council" in result.output
    assert role_of(admin, council) == "admin" and reloaded(admin).session_version == 1
    # Once someone else is admin, the first can go.
    assert run("set-role", officer.email, council.slug, "admin").exit_code == 0
    assert run("remove", admin.email, council.slug).exit_code == 0
    assert role_of(admin, council) is None and reloaded(admin).active
    assert logged(council, "member.removed")[0]["via"] == "command line"


def test_disable_and_enable_work_on_the_whole_account_and_are_logged_in_each_of_its_partners(
    run, council, admin, officer, make_partner
):
    other = make_partner("Hospital", council.network)
    db.session.add(Membership(user_id=officer.id, organisation_id=other.id, role="viewer"))
    db.session.commit()

    result = run("disable", officer.email)
    assert result.exit_code == 0, result.output
    assert not reloaded(officer).active and reloaded(officer).session_version == 2
    assert logged(council, "account.disabled") == logged(other, "account.disabled") == [
        {"email": "olly@example.org", "name": "Olly Officer", "via": "command line"}
    ]
    assert "already disabled" in run("disable", officer.email).output

    assert run("enable", officer.email).exit_code == 0
    assert reloaded(officer).active and role_of(officer, other) == "viewer"
    assert len(logged(other, "account.enabled")) == 1


def test_disabling_a_partners_only_admin_needs_saying_so(run, council, admin):
    refused = run("disable", admin.email)
    assert refused.exit_code != 0 and "Rotherham Council (its only admin)" in refused.output and "--even-if-last" in refused.output
    assert reloaded(admin).active
    # A compromised account must be stoppable at once, even if it is the last admin.
    assert run("disable", admin.email, "--even-if-last").exit_code == 0
    assert not reloaded(admin).active


def test_add_lead_and_remove_lead_manage_the_lead_team_and_keep_a_lead(run, council, admin, officer):
    network = council.network
    assert run("add-lead", officer.email, network.slug).exit_code == 0
    assert run("add-lead", admin.email, network.slug).exit_code == 0
    assert len(logged(council, "lead.added")) == 2

    assert run("remove-lead", officer.email, network.slug).exit_code == 0
    refused = run("remove-lead", admin.email, network.slug)
    assert refused.exit_code != 0 and "the only lead of South Yorkshire" in refused.output
    db.session.expire_all()
    assert db.session.scalars(select(NetworkLead.user_id)).all() == [admin.id]
    assert [d["email"] for d in logged(council, "lead.removed")] == ["olly@example.org"]


def test_unknown_people_partners_and_networks_are_named_in_the_error(run, council, admin, officer):
    assert "no account with email nobody@example.org" in run("disable", "nobody@example.org").output
    assert "no partner with slug nowhere" in run("remove", officer.email, "nowhere").output
    assert "no network with slug nowhere" in run("add-lead", officer.email, "nowhere").output
    assert "is not a lead of South Yorkshire" in run("remove-lead", officer.email, council.network.slug).output
    assert run("set-role", officer.email, council.slug, "owner").exit_code != 0
    assert role_of(officer, council) == "officer"
