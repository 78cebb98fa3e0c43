"""Does upgrading an empty database give exactly the models' schema?"""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from portal.extensions import db


def test_upgraded_schema_equals_the_models(app):
    # The session's `app` fixture upgraded an empty database from nothing.
    with app.app_context():
        engine = create_engine(app.config["MIGRATION_DATABASE_URL"])
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        engine.dispose()
    assert differences == []
