"""``flask cpv-import FILE``: give this installation the full official CPV 2008 list."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from . import catalogue, instance_catalogue_path
from .importing import CpvFileProblem, read_cpv_file, write_instance_catalogue


@click.command("cpv-import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def cpv_import_command(file: Path):
    """Load the official CPV 2008 spreadsheet or CSV (code, English label) into instance/cpv.csv."""
    try:
        result = read_cpv_file(file)
    except CpvFileProblem as problem:
        raise click.ClickException(str(problem)) from None
    destination = instance_catalogue_path()
    write_instance_catalogue(result.labels, destination)
    for line in result.skipped[:20]:
        click.echo(f"skipped {line}", err=True)
    if len(result.skipped) > 20:
        click.echo(f"... and {len(result.skipped) - 20} more rows skipped", err=True)
    click.echo(f"Imported {len(result.labels):,} CPV codes into {destination}; the catalogue now has {len(catalogue()):,}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(cpv_import_command)
