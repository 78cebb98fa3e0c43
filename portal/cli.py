"""``flask --app wsgi ...`` commands: set up networks, partners, people, and the demo."""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from portal.accounts import services as accounts
from portal.extensions import db
from portal.network import services as network_services
from portal.passwords import password_problem
from tenants.models import ORGANISATION_KINDS, ROLES, Membership, Network, NetworkLead, Organisation


def _network(slug: str) -> Network:
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise click.ClickException(f"no network with slug {slug}")
    return network


@click.command("create-network")
@click.argument("name")
@click.option("--area-codes", default="", help='Local authority districts by GSS code, e.g. "E08000018, E08000019"')
@click.option("--local-area", default="", help='Postcode districts, e.g. "S60-S66, S25" (the older form; moved to GSS codes once the postcode directory is loaded)')
@click.option("--fy-start-month", default=4, show_default=True, type=click.IntRange(1, 12))
def create_network_command(name, area_codes, local_area, fy_start_month):
    """Create an anchor network."""
    try:
        network = network_services.create_network(db.session, name, local_area, fy_start_month, area_codes=area_codes)
    except network_services.SetupProblem as problem:
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    click.echo(f"Created network {network.name} ({network.slug}): {', '.join(network.area_codes or network.local_area)}")


@click.command("create-organisation")
@click.argument("network_slug")
@click.argument("name")
@click.option("--kind", type=click.Choice(ORGANISATION_KINDS), required=True)
def create_organisation_command(network_slug, name, kind):
    """Create a partner organisation in a network."""
    try:
        organisation = network_services.create_organisation(db.session, _network(network_slug), name, kind)
    except network_services.SetupProblem as problem:
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    click.echo(f"Created partner {organisation.name} ({organisation.slug})")


@click.command("create-user")
@click.argument("email")
@click.argument("name")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--organisation", "organisation_slug", help="Partner slug to join")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--lead-of", "lead_of", help="Network slug this user leads")
def create_user_command(email, name, password, organisation_slug, role, lead_of):
    """Create a user, optionally a member of a partner and/or a network lead."""
    problem = password_problem(password, [email, name])
    if problem:
        raise click.ClickException(problem)
    if accounts.find_user(db.session, email):
        raise click.ClickException(f"a user with email {email} already exists")
    user = accounts.create_user(db.session, email, name, password)
    if organisation_slug:
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == organisation_slug))
        if organisation is None:
            raise click.ClickException(f"no partner with slug {organisation_slug}")
        db.session.add(Membership(user_id=user.id, organisation_id=organisation.id, role=role))
    if lead_of:
        db.session.add(NetworkLead(user_id=user.id, network_id=_network(lead_of).id))
    db.session.commit()
    click.echo(f"Created user {user.email}")


@click.command("demo")
@click.option("--logins-to", type=click.Path(dir_okay=False), help="Write the logins to this file instead of printing them.")
def demo_command(logins_to: str | None):
    """Fill the database with a demo network like the one in the papers, and print the logins and what to try."""
    import time

    from flask import current_app

    from portal.demo import build_demo
    from portal.demo.logins import login_lines

    started = time.perf_counter()
    logins = build_demo(db.session)
    db.session.commit()
    _vacuum_analyze()
    click.echo(f"Demo network ready in {time.perf_counter() - started:.0f}s")
    lines = login_lines(logins, current_app.config.get("PUBLIC_URL"))
    if logins_to:
        with open(logins_to, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    else:
        click.echo("\n".join(lines))


def _vacuum_analyze() -> None:
    """Give PostgreSQL its statistics for the freshly loaded demo now, as autovacuum would in a minute or so.

    Without them the first minute's plans guess one row per table (the load test starts at once).
    Run as the owner role: the app role may not vacuum tables it does not own.
    """
    from flask import current_app
    from sqlalchemy import create_engine, text

    url = current_app.config["MIGRATION_DATABASE_URL"]
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def init_app(app: Flask) -> None:
    from portal.dbsetup import prepare_postgres_command
    from portal.social_value.bulk_cli import import_social_value_command

    for command in (
        create_network_command, create_organisation_command, create_user_command, demo_command, prepare_postgres_command,
        import_social_value_command,
    ):
        app.cli.add_command(command)
