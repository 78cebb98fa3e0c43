"""Can a network's lead manage the lead team (remove a lead, disable or re-enable a lead's account), safely?"""
import pytest
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import AuditEvent, NetworkLead, User
from tests.test_accounts import (  # noqa: F401 (the fixtures are used by name)
    _own_context_per_request,
    fresh,
    is_signed_in,
    own_context_client,
    page,
)


@pytest.fixture
def network(make_network):
    return make_network("South Yorkshire Anchors")


@pytest.fixture
def partners(network, make_partner):
    return make_partner("Council", network), make_partner("Hospital", network)


@pytest.fixture
def lead(network, partners, make_user):
    return make_user(partners[0], role="officer", email="lee@council.org", name="Lee Lead", lead_of=network)


@pytest.fixture
def co_lead(network, make_user):
    """A lead who belongs to no partner: the lead team is all their account is for."""
    return make_user(None, email="cora@network.org", name="Cora Co-lead", lead_of=network)


def lead_row(user, network) -> NetworkLead | None:
    db.session.expire_all()
    return db.session.scalar(select(NetworkLead).filter_by(user_id=user.id, network_id=network.id))


def events(partner, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    with tenant_context(partner.id):
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_network_page_links_to_the_lead_team_which_lists_its_leads(network, lead, co_lead, sign_in):
    client = sign_in(lead)
    assert f"/network/{network.id}/lead-team" in page(client.get(f"/network/{network.id}"))
    html = page(client.get(f"/network/{network.id}/lead-team"))
    assert "Lee Lead (you)" in html and "Cora Co-lead" in html and 'class="govuk-summary-list' in html
    cora = lead_row(co_lead, network)
    assert f"/network/{network.id}/lead-team/{cora.id}/remove" in html and f"/network/{network.id}/lead-team/{cora.id}/disable" in html


def test_a_lead_removes_another_lead_who_is_signed_out_at_once(network, partners, lead, co_lead, sign_in):
    client, cora_client = sign_in(lead), sign_in(co_lead)
    assert cora_client.get(f"/network/{network.id}").status_code == 200
    cora = lead_row(co_lead, network)
    assert "Remove Cora Co-lead from the lead team?" in page(client.get(f"/network/{network.id}/lead-team/{cora.id}/remove"))

    response = client.post(f"/network/{network.id}/lead-team/{cora.id}/remove")

    assert response.status_code == 302 and response.headers["Location"] == f"/network/{network.id}/lead-team"
    assert lead_row(co_lead, network) is None and fresh(co_lead).active
    assert not is_signed_in(cora_client)
    assert sign_in(co_lead).get(f"/network/{network.id}").status_code == 404
    # Every partner of the network sees who left its lead team, and who did it.
    for partner in partners:
        (event,) = events(partner, "lead.removed")
        assert event.user_id == lead.id and event.detail["email"] == "cora@network.org"


def test_a_lead_disables_and_re_enables_an_account_that_is_only_on_the_lead_team(network, partners, lead, co_lead, sign_in, client):
    lead_client, cora_client = sign_in(lead), sign_in(co_lead)
    cora = lead_row(co_lead, network)

    assert lead_client.post(f"/network/{network.id}/lead-team/{cora.id}/disable").status_code == 302

    assert not fresh(co_lead).active and not is_signed_in(cora_client)
    assert client.post("/sign-in", data={"email": co_lead.email, "password": "a perfectly long test passphrase"}).status_code == 400
    assert "Disabled" in page(lead_client.get(f"/network/{network.id}/lead-team"))
    assert len(events(partners[1], "account.disabled")) == 1

    assert lead_client.post(f"/network/{network.id}/lead-team/{cora.id}/enable").status_code == 302
    assert fresh(co_lead).active and is_signed_in(sign_in(co_lead))
    assert len(events(partners[0], "account.enabled")) == 1


def test_a_lead_who_is_also_a_partners_member_is_removed_from_the_team_not_disabled(network, lead, co_lead, sign_in):
    client = sign_in(co_lead)
    mine = lead_row(lead, network)
    refused = client.post(f"/network/{network.id}/lead-team/{mine.id}/disable")
    assert refused.status_code == 400 and "also used for a partner or another network" in page(refused)
    assert fresh(lead).active
    assert client.post(f"/network/{network.id}/lead-team/{mine.id}/remove").status_code == 302
    assert lead_row(lead, network) is None


def test_the_last_lead_cannot_leave_and_nobody_disables_their_own_account(network, lead, sign_in):
    client = sign_in(lead)
    mine = lead_row(lead, network)
    html = page(client.get(f"/network/{network.id}/lead-team/{mine.id}/remove"))
    assert "the only lead of South Yorkshire Anchors" in html and "Remove from the lead team</button>" not in html
    assert client.post(f"/network/{network.id}/lead-team/{mine.id}/remove").status_code == 400
    disabled = client.post(f"/network/{network.id}/lead-team/{mine.id}/disable")
    assert disabled.status_code == 400 and "cannot disable your own account" in page(disabled)
    assert lead_row(lead, network) is not None and fresh(lead).active and is_signed_in(client)


def test_a_disabled_lead_does_not_count_as_the_lead_a_network_keeps(network, lead, co_lead, sign_in):
    co_lead.active = False
    db.session.commit()
    assert sign_in(lead).post(f"/network/{network.id}/lead-team/{lead_row(lead, network).id}/remove").status_code == 400
    assert lead_row(lead, network) is not None


def test_a_lead_leaves_a_team_that_keeps_another_lead_and_stays_signed_in_here(network, lead, co_lead, sign_in):
    here, elsewhere = sign_in(lead), sign_in(lead)
    response = here.post(f"/network/{network.id}/lead-team/{lead_row(lead, network).id}/remove")
    assert response.headers["Location"] == "/"
    assert is_signed_in(here) and not is_signed_in(elsewhere)
    assert here.get(f"/network/{network.id}/lead-team").status_code == 404


def test_other_networks_leads_and_partner_admins_are_told_the_team_does_not_exist(
    network, partners, lead, co_lead, make_network, make_user, sign_in
):
    other_network = make_network("Elsewhere")
    outsiders = [
        make_user(None, email="olga@elsewhere.org", lead_of=other_network),
        make_user(partners[0], role="admin", email="ada@council.org"),
    ]
    cora = lead_row(co_lead, network)
    for outsider in outsiders:
        client = sign_in(outsider)
        assert client.get(f"/network/{network.id}/lead-team").status_code == 404
        for action in ("remove", "disable", "enable"):
            assert client.get(f"/network/{network.id}/lead-team/{cora.id}/{action}").status_code == 404
            assert client.post(f"/network/{network.id}/lead-team/{cora.id}/{action}").status_code == 404
    # A lead of the other network cannot reach this network's lead through their own network's address either.
    olga_client = sign_in(outsiders[0])
    assert olga_client.post(f"/network/{other_network.id}/lead-team/{cora.id}/remove").status_code == 404
    assert lead_row(co_lead, network) is not None and fresh(co_lead).active
    assert db.session.scalar(select(User.session_version).where(User.id == co_lead.id)) == 1
