"""``flask --app wsgi import-social-value``: the bulk import of commitments or delivery reports, from a shell."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import Organisation, User

from . import bulk_import


@click.command("import-social-value")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_slug", required=True, help="The partner's slug")
@click.option("--kind", type=click.Choice(["commitments", "delivery"]), required=True)
@click.option("--as", "email", help="The person recorded as reporting the delivery (their email)")
def import_social_value_command(path: Path, organisation_slug: str, kind: str, email: str | None):
    """Import a CSV or XLSX file of commitments or delivery reports for one partner: all its lines, or none."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == organisation_slug))
    if organisation is None:
        raise click.ClickException(f"no partner with slug {organisation_slug}")
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if email and user is None:
        raise click.ClickException(f"no user with email {email}")
    organisation_id = organisation.id
    db.session.commit()
    with tenant_context(organisation_id):
        try:
            with path.open("rb") as stream:
                bulk = bulk_import.store_upload(db.session, kind, user, path.name, stream, organisation_id)
        except bulk_import.ImportRefused as problem:
            raise click.ClickException(str(problem)) from None
        db.session.commit()
        outcome = bulk_import.run_bulk_import(db.session, bulk.id)
        db.session.commit()
        problems = list(bulk.problems or [])
    for number, reason in problems:
        click.echo(f"line {number}: {reason}", err=True)
    if outcome.status != "imported":
        raise click.ClickException(f"nothing imported: {len(problems)} line(s) with problems")
    click.echo(f"Imported {outcome.imported} {kind}, {outcome.already_held} already held"
               + (f", {outcome.earliest_edition} valued at the earliest edition" if outcome.earliest_edition else ""))
