"""``flask import-contracts PARTNER_SLUG PATH``: import a contracts register (or OCDS package) from the command line."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import Organisation

from . import importing
from .models import ContractRegisterDifference, ContractRegisterProblem


@click.command("import-contracts")
@click.argument("partner_slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_changes", is_flag=True,
              help="Apply the differences with the contracts held (without it, they are listed and left to check)")
@with_appcontext
def import_contracts_command(partner_slug: str, path: Path, apply_changes: bool):
    """Check a register as the page does, print its errors, notes and differences; apply them with --apply."""
    partner = db.session.scalar(select(Organisation).where(Organisation.slug == partner_slug))
    if partner is None:
        raise click.ClickException(f"no partner with slug {partner_slug}")
    with tenant_context(partner.id):
        with path.open("rb") as stream:
            try:
                register_import = importing.store_upload(db.session, partner, None, path.name, stream)
            except importing.ImportRefused as refused:
                raise click.ClickException(str(refused)) from None
        if register_import.kind == "register":
            register_import.column_mapping = importing.headers_and_guess(register_import, db.session)[1]
        db.session.commit()
        import_id = register_import.id
        status = importing.check_import(db.session, import_id)
        db.session.commit()
        for problem in db.session.scalars(select(ContractRegisterProblem).where(ContractRegisterProblem.import_id == import_id)
                                          .order_by(ContractRegisterProblem.line_number)):
            click.echo(f"line {problem.line_number}: {problem.severity}: {problem.reason}")
        for difference in db.session.scalars(select(ContractRegisterDifference)
                                             .where(ContractRegisterDifference.import_id == import_id)
                                             .order_by(ContractRegisterDifference.kind, ContractRegisterDifference.line_number)):
            click.echo(f"{difference.kind}: {difference.reference or '(no reference)'} "
                       f"{difference.title or difference.held_title or ''}")
        if status == "checked" and apply_changes:
            status = importing.apply_import(db.session, import_id, None)
            db.session.commit()
        register_import = db.session.get(importing.ContractRegisterImport, import_id)
        click.echo(f"import {import_id}: {status}; {register_import.line_count:,} lines, "
                   f"{register_import.added_count:,} added, {register_import.changed_count:,} changed, "
                   f"{register_import.removed_count:,} no longer on the register, {register_import.error_count:,} errors, "
                   f"{register_import.note_count:,} values kept as unknown")
        if status == "rejected":
            raise click.ClickException("nothing was imported: correct the lines above and import the register again")


def init_app(app: Flask) -> None:
    app.cli.add_command(import_contracts_command)
