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


def test_lines_from_before_content_keys_get_the_key_a_reimport_computes():
    """Does the migration that introduced content keys give old lines the key the import now computes from the same fields?"""
    import datetime as dt
    import importlib.util
    from pathlib import Path

    from portal.spend.identity import content_key

    path = next(Path(__file__).resolve().parents[1].glob("migrations/versions/*_spend_line_identity_by_content.py"))
    spec = importlib.util.spec_from_file_location("identity_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for line in [(dt.date(2024, 4, 1), 270, "ACME  Ltd", "T1", "Food", None, None),
                 (dt.date(2022, 8, 31), -4_388_000, "Redacted Personal Information", None, None, "Care", "Cat")]:
        # SQLite hands the migration a date as text, PostgreSQL as a date: both the same key
        assert migration._content_key(*line) == migration._content_key(line[0].isoformat(), *line[1:]) == content_key(*line)
