"""``flask load-register companies|charities|postcodes|mutuals PATH``: load an official register file."""
from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from portal.extensions import db

from .loading import RegisterLoadFailed, load_register
from .models import REGISTERS, RegisterLoad
from .settling import after_register_load


@click.command("load-register")
@click.argument("register", type=click.Choice(REGISTERS))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--published-on", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The date the publisher gives the file, when its name does not carry it (YYYY-MM-DD).")
@with_appcontext
def load_register_command(register: str, path: Path, published_on):
    """Load an official register file whole (Companies House, Charity Commission, ONS postcodes, FCA mutuals)."""
    published: date | None = published_on.date() if published_on else None
    record = RegisterLoad(register=register, file_name=path.name[:300], published_on=published, status="queued")
    db.session.add(record)
    db.session.commit()
    load_id = record.id
    db.session.remove()
    done = threading.Event()
    watcher = threading.Thread(target=_show_progress, args=(db.engine, load_id, done), daemon=True)
    watcher.start()
    try:
        result = load_register(db.engine, register, path, load_id, published_on=published)
    except RegisterLoadFailed as failed:
        raise click.ClickException(str(failed)) from None
    finally:
        done.set()
        watcher.join()
    click.echo(f"Loaded {result.rows_loaded:,} {register} from {path.name}"
               + (f" (published {result.published_on:%-d %B %Y})" if result.published_on else "")
               + (f"; {result.rows_skipped:,} rows skipped" if result.rows_skipped else "") + ".")
    click.echo(f"{len(result.changed_keys):,} of the numbers or postcodes suppliers hold changed in this load.")
    moved = after_register_load(db.session, result)
    db.session.commit()
    click.echo(f"{moved:,} suppliers placed again; their partners' totals are due a refresh.")


def _show_progress(engine, load_id: int, done: threading.Event) -> None:
    """Print the load's progress from its RegisterLoad row every few seconds, as the page shows it."""
    while not done.wait(5):
        with engine.connect() as connection:
            row = connection.execute(db.select(RegisterLoad.bytes_read, RegisterLoad.bytes_total, RegisterLoad.rows_loaded)
                                     .where(RegisterLoad.id == load_id)).first()
        if row and row.bytes_total:
            click.echo(f"  {row.bytes_read / row.bytes_total:6.1%} of the file read, {row.rows_loaded:,} rows in", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(load_register_command)
