"""On PostgreSQL, may the app role read the reference registers and never write them, even after a load?"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from portal.registers import samples
from portal.registers.models import REFERENCE_TABLES
from portal.registers.reading import TABLE_COLUMNS
from tests import settings

pytestmark = pytest.mark.postgres

WRITES = {
    "INSERT": "INSERT INTO {table} SELECT * FROM {table} LIMIT 1",
    "UPDATE": "UPDATE {table} SET {column} = {column}",
    "DELETE": "DELETE FROM {table}",
    "TRUNCATE": "TRUNCATE {table}",
}


def _skip_unless_postgres():
    if not settings.ON_POSTGRES:
        pytest.skip("privileges exist only on PostgreSQL (the PostgreSQL pass runs this)")


def _refused_and_readable(app):
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])  # the app's own role, no ORM
    refused = {}
    try:
        for table in REFERENCE_TABLES:
            with engine.begin() as connection:
                connection.execute(text(f"SELECT count(*) FROM {table}"))
            for kind, statement in WRITES.items():
                sql = statement.format(table=table, column=TABLE_COLUMNS[table][-1])
                try:
                    with engine.begin() as connection:
                        connection.execute(text(sql))
                except DBAPIError as error:
                    assert "permission denied" in str(error.orig)
                    refused[(table, kind)] = True
                else:
                    refused[(table, kind)] = False
    finally:
        engine.dispose()
    return refused


def test_the_app_role_cannot_write_any_reference_table(app, app_ctx):
    _skip_unless_postgres()
    refused = _refused_and_readable(app)
    assert all(refused.values()), [key for key, ok in refused.items() if not ok]


def test_the_tables_a_load_swaps_in_are_read_only_to_the_app_role_too(app, load, tmp_path):
    _skip_unless_postgres()
    load("companies", samples.write_companies(tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip",
                                              [{"name": "ACME LTD", "number": "1", "previous_names": ["ACME 2 LTD"]}]))
    load("charities", samples.write_charities(tmp_path / "publicextract.charity.zip", [{"number": "1123456", "name": "T"}]))
    load("mutuals", samples.write_mutuals(tmp_path / "mutuals.csv", [{"number": "1R", "name": "M"}]))
    load("postcodes", samples.write_postcodes(tmp_path / "NSPL_MAY_2024_UK.zip", [{"postcode": "S60 1AA"}],
                                              area_names={"LA_UA names and codes UK as at 04_24.csv": [("E08000018", "R")]}))
    refused = _refused_and_readable(app)
    assert all(refused.values()), [key for key, ok in refused.items() if not ok]
    owner = create_engine(app.config["MIGRATION_DATABASE_URL"])
    try:
        with owner.connect() as connection:
            # Each table is back under its own names: key, indexes and the names' id sequence.
            names = set(connection.execute(text(
                "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'register_%'")).scalars())
            sequence = connection.scalar(text("SELECT pg_get_serial_sequence('register_company_names', 'id')"))
            leftovers = connection.execute(text("SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_new'")).all()
    finally:
        owner.dispose()
    assert {"pk_register_companies", "pk_register_company_names", "ix_register_company_names_block",
            "ix_register_company_names_normalised_name", "ix_register_company_names_company_number",
            "pk_register_postcodes", "ix_register_postcodes_district_code", "pk_register_area_names",
            "ix_register_charities_block", "ix_register_mutuals_normalised_name"} <= names
    assert not any(name.endswith("_new") for name in names)
    assert sequence == "public.register_company_names_id_seq" and leftovers == []


def test_a_load_run_as_the_app_role_is_refused_and_changes_nothing(app, load, tmp_path):
    _skip_unless_postgres()
    from portal.registers.loading import RegisterLoadFailed

    from .conftest import rows

    load("mutuals", samples.write_mutuals(tmp_path / "mutuals.csv", [{"number": "1R", "name": "First"}]))
    with pytest.raises(RegisterLoadFailed, match="only be loaded as the database's owner"):
        load("mutuals", samples.write_mutuals(tmp_path / "mutuals.csv", [{"number": "2R", "name": "Second"}]),
             owner_url=app.config["SQLALCHEMY_DATABASE_URI"])
    assert rows("SELECT mutual_number, name FROM register_mutuals") == [("IP00001R", "First")]
