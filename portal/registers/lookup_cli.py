"""``flask look-up-suppliers --network SLUG``: queue the live Companies House lookup of a network's unmatched suppliers."""
from __future__ import annotations

import math
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.extensions import db
from tenants.models import Network

from .api_rate_limit import PUBLISHED_LIMIT, PUBLISHED_WINDOW_SECONDS
from .lookup import suppliers_to_look_up
from .lookup_tasks import look_up_unmatched, lookup_is_on


@click.command("look-up-suppliers")
@click.option("--network", "slug", required=True, help="The network's slug")
@click.option("--supplier", "supplier_ids", type=int, multiple=True, help="Only this supplier id (repeatable)")
@click.option("--wait", is_flag=True, help="Run here and now instead of queueing it for a worker")
@with_appcontext
def look_up_suppliers_command(slug, supplier_ids, wait):
    """Look up the suppliers the bulk registers did not match on the Companies House API (needs COMPANIES_HOUSE_API_KEY)."""
    if not lookup_is_on(current_app.config):
        raise click.ClickException("The live Companies House lookup is off: set COMPANIES_HOUSE_API_KEY to turn it on.")
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    if network is None:
        raise click.ClickException(f"no network with slug {slug}")
    again_days = current_app.config.get("COMPANIES_HOUSE_LOOKUP_AGAIN_DAYS", 30)
    count = len(suppliers_to_look_up(db.session, network.id, supplier_ids or None, again_after=timedelta(days=again_days)))
    if count == 0:
        click.echo(f"Nothing to look up for {network.name}: every supplier is matched, waiting for review, "
                   f"or was looked up in the last {again_days} days.")
        return
    # One search each, and a profile for those that match: at most two requests a supplier.
    minutes = math.ceil(2 * count / PUBLISHED_LIMIT) * PUBLISHED_WINDOW_SECONDS / 60
    ids = list(supplier_ids) or None
    if wait:
        click.echo(f"Looking up {count} suppliers of {network.name} (up to {minutes:.0f} minutes)...")
        result = look_up_unmatched(network.id, ids)
        click.echo(", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in result.items()))
        if result.get("status") == "key rejected":
            raise click.ClickException(result["error"])
        return
    task = look_up_unmatched.delay(network.id, ids)
    click.echo(f"Queued the Companies House lookup of {count} suppliers of {network.name} "
               f"(task {task.id}); a worker takes up to {minutes:.0f} minutes at the published rate limit.")


def init_app(app: Flask) -> None:
    app.cli.add_command(look_up_suppliers_command)
