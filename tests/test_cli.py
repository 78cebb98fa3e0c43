"""Can an operator set up a network from the command line, and does the demo print its logins?"""
from sqlalchemy import func, select

from portal.extensions import db
from tenants.models import Membership, Network, NetworkLead, Organisation, User


def test_create_network_organisation_and_user(app, app_ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-network", "Rotherham Anchor Network", "--local-area", "S60-S63, S25"])
    assert result.exit_code == 0, result.output
    assert "S60, S61, S62, S63" in result.output
    network = db.session.scalar(select(Network))
    assert network.local_area == ["S25", "S60", "S61", "S62", "S63"]

    result = runner.invoke(args=["create-organisation", network.slug, "Rotherham Council", "--kind", "council"])
    assert result.exit_code == 0, result.output
    organisation = db.session.scalar(select(Organisation))

    result = runner.invoke(args=["create-user", "Lead@Example.org", "Lee Lead", "--password", "a long enough passphrase here",
                                 "--organisation", organisation.slug, "--role", "admin", "--lead-of", network.slug])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "lead@example.org"
    assert db.session.scalar(select(Membership.role)) == "admin"
    assert db.session.scalar(select(func.count(NetworkLead.id))) == 1


def test_bad_input_on_the_command_line_is_refused_clearly(app, app_ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-network", "Bad", "--local-area", "S60-M3"])
    assert result.exit_code != 0 and "not a range of districts in one postcode area" in result.output
    result = runner.invoke(args=["create-user", "x@example.org", "X", "--password", "password"])
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Network.id))) == 0


def test_error_pages_use_the_portal_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "govuk-template" in page and "Anchor Network Portal" in page


def test_a_server_error_page_says_nothing_was_saved(app):
    from portal import errors

    with app.test_request_context("/"):
        body, status = errors._server_error(RuntimeError("boom"))
    assert status == 500 and "Sorry, there is a problem with the service" in body and "Nothing you entered was saved" in body
    assert "boom" not in body
