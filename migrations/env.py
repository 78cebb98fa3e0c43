"""Alembic environment: migrations run as the table owner (MIGRATION_DATABASE_URL)."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_metadata = current_app.extensions["migrate"].db.metadata
url = current_app.config["MIGRATION_DATABASE_URL"]


def run_migrations_offline():
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection):
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can only alter tables by copying them: batch mode does that.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        # The key the signed tenant scope is checked with, where only the owner reads it:
        # every upgrade (even one with nothing to run) writes the app's current key.
        from tenants import rls

        rls.store_key(connection, current_app.config.get("RLS_SCOPE_KEY"))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
