"""``flask --app wsgi people ...``: the operators' way to manage partners' people and lead teams.

The same services as the pages, with the same guard rails; events are logged as made
"via command line". Disabling here is account-wide, for accounts no single admin or lead
answers for (``portal/accounts/disabling.py``).
"""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from tenants.models import ROLES, Membership, Network, NetworkLead, Organisation, User

from . import disabling, lead_team, people
from .services import find_user


def _user(email: str) -> User:
    user = find_user(db.session, email)
    if user is None:
        raise click.ClickException(f"no account with email {email}")
    return user


def _membership(email: str, partner_slug: str) -> Membership:
    user = _user(email)
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == partner_slug))
    if organisation is None:
        raise click.ClickException(f"no partner with slug {partner_slug}")
    membership = people.member_for(db.session, organisation.id, user.id)
    if membership is None:
        raise click.ClickException(f"{user.email} is not a member of {organisation.name}")
    return membership


def _network(slug: str) -> Network:
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise click.ClickException(f"no network with slug {slug}")
    return network


def _commit(work):
    """Run the change and commit it; a refusal is a clear error and changes nothing."""
    try:
        result = work()
    except people.PeopleProblem as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    return result


@click.group("people")
def people_group():
    """Manage partners' people and networks' lead teams."""


@people_group.command("set-role")
@click.argument("email")
@click.argument("partner_slug")
@click.argument("role", type=click.Choice(ROLES))
def set_role_command(email, partner_slug, role):
    """Give a partner's member another role."""
    membership = _membership(email, partner_slug)
    _commit(lambda: people.change_role(db.session, membership, role, None))
    click.echo(f"{membership.user.email} is now {role} of {membership.organisation.name}; their sessions have ended")


@people_group.command("remove")
@click.argument("email")
@click.argument("partner_slug")
def remove_command(email, partner_slug):
    """Remove someone from a partner (their account stays)."""
    membership = _membership(email, partner_slug)
    user, organisation = membership.user, membership.organisation
    _commit(lambda: people.remove_member(db.session, membership, None))
    click.echo(f"{user.email} removed from {organisation.name}; their sessions have ended")


@people_group.command("disable")
@click.argument("email")
@click.option("--even-if-last", is_flag=True, help="Disable it even if a partner is left with no admin or a network with no lead")
def disable_command(email, even_if_last):
    """Disable an account everywhere: it cannot sign in, and every session ends now."""
    user = _user(email)
    changed = _commit(lambda: disabling.disable_account(db.session, user, even_if_last))
    click.echo(f"{user.email} disabled; every session has ended" if changed else f"{user.email} was already disabled")


@people_group.command("enable")
@click.argument("email")
def enable_command(email):
    """Let a disabled account sign in again, with the roles it had."""
    user = _user(email)
    changed = _commit(lambda: disabling.enable_account(db.session, user))
    click.echo(f"{user.email} can sign in again" if changed else f"{user.email} was not disabled")


@people_group.command("add-lead")
@click.argument("email")
@click.argument("network_slug")
def add_lead_command(email, network_slug):
    """Put an existing account on a network's lead team."""
    user, network = _user(email), _network(network_slug)
    _commit(lambda: lead_team.add_lead(db.session, network, user, None))
    click.echo(f"{user.email} now leads {network.name}")


@people_group.command("remove-lead")
@click.argument("email")
@click.argument("network_slug")
def remove_lead_command(email, network_slug):
    """Take someone off a network's lead team (their account stays)."""
    user, network = _user(email), _network(network_slug)
    lead = db.session.scalar(select(NetworkLead).filter_by(network_id=network.id, user_id=user.id))
    if lead is None:
        raise click.ClickException(f"{user.email} is not a lead of {network.name}")
    _commit(lambda: lead_team.remove_lead(db.session, lead, None))
    click.echo(f"{user.email} no longer leads {network.name}; their sessions have ended")


def init_app(app: Flask) -> None:
    app.cli.add_command(people_group)
