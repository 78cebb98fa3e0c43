"""Does a backup taken as docs/deploy.md says restore into a fresh database with every total equal?

PostgreSQL only: pg_dump of the suite's database holding spend and social value with their totals,
``flask prepare-postgres`` for a new database, pg_restore into it; then every totals table is
compared row for row, and the app reads a partner's totals from the restored database through its
own role and row-level security.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from portal.extensions import db
from portal.social_value.models import SocialValueTotal
from portal.spend import totals as spend_totals
from portal.spend.models import NetworkSpendTotal, SpendTotal
from tenants import network_wide, tenant_context
from tenants.models import Network
from tests import settings
from tests.conftest import _require_or_skip
from tests.faults import scenarios

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(1200)]
REPO_ROOT = Path(__file__).resolve().parents[2]


def _url(url: str, **parts) -> str:
    return make_url(url).set(**parts).render_as_string(hide_password=False)


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as pg_dump and pg_restore take it."""
    return _url(url, drivername="postgresql")


def _totals_tables() -> list[str]:
    return sorted(t.name for t in db.metadata.sorted_tables if "totals" in t.name and not t.name.endswith("_pending"))


def _every_row(url: str, tables: list[str]) -> dict[str, list]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {t: sorted(tuple(map(str, row)) for row in connection.execute(text(f"SELECT * FROM {t}"))) for t in tables}
    finally:
        engine.dispose()


@pytest.fixture
def restored_database(app):
    if not settings.ON_POSTGRES:
        pytest.skip("backup and restore are PostgreSQL's: the PostgreSQL + Redis pass runs this")
    if not settings.ADMIN_DATABASE_URL or not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        _require_or_skip("the restore test needs TEST_ADMIN_DATABASE_URL (a superuser) and pg_dump/pg_restore")
    name = f"portal_restore_{os.getpid()}"
    yield name
    engine = create_engine(_url(settings.ADMIN_DATABASE_URL, database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def test_a_pg_dump_restored_into_a_fresh_database_has_every_total_equal(app, app_ctx, restored_database, tmp_path):
    spend = scenarios.spend_totals_scenario(base_lines=3000)
    spend.setup(spend.state)
    with network_wide(spend.state["partner_ids"], reason="test: totals before the backup"):
        spend_totals.recompute_all(db.session, db.session.get(Network, spend.state["network_id"]))
        db.session.commit()
    social_value = scenarios.social_value_scenario(contracts_each=2)
    social_value.setup(social_value.state)
    db.session.remove()

    tables = _totals_tables()
    assert {"spend_totals", "network_spend_totals", "sv_totals", "sv_network_totals"} <= set(tables)
    before = _every_row(settings.ADMIN_DATABASE_URL, tables)
    assert all(before[t] for t in ("spend_totals", "network_spend_totals", "sv_totals", "sv_network_totals"))

    # The backup, as docs/deploy.md takes it: a superuser (row-level security would hide rows from any other role).
    dump = tmp_path / "portal.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), _libpq(settings.ADMIN_DATABASE_URL)], check=True, timeout=300)
    # The restore: the roles and an empty database (as prepare-postgres makes them), then pg_restore as the superuser.
    admin = _url(settings.ADMIN_DATABASE_URL, database="postgres")
    flask = str(Path(sys.executable).with_name("flask"))
    prepared = subprocess.run([flask, "--app", "wsgi", "prepare-postgres", "--admin-url", admin, "--database", restored_database, "--fresh"],
                              cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=600)
    urls = dict(line.split("=", 1) for line in prepared.stdout.splitlines() if "=" in line)
    restored_admin = _url(settings.ADMIN_DATABASE_URL, database=restored_database)
    subprocess.run(["pg_restore", "--exit-on-error", "--dbname", _libpq(restored_admin), str(dump)], check=True, timeout=300)

    after = _every_row(restored_admin, tables)
    for table in tables:
        assert after[table] == before[table], f"{table}: {len(set(after[table]) ^ set(before[table]))} rows differ after the restore"

    # And the app, through its own role and the restored row-level security, reads the same figures.
    partner_id, network_id = spend.state["partner_ids"][0], spend.state["network_id"]
    sv_partner = social_value.state["partner_ids"][0]

    def figures():
        with tenant_context(partner_id):
            spend_year = db.session.scalar(select(func.sum(SpendTotal.total_pence)).where(
                SpendTotal.period_type == "year", SpendTotal.breakdown == "all"))
        with tenant_context(sv_partner):
            sv = db.session.scalar(select(func.count(SocialValueTotal.id)))
        with network_wide(spend.state["partner_ids"], reason="test: network totals"):
            network = db.session.scalar(select(func.count(NetworkSpendTotal.id)).where(NetworkSpendTotal.network_id == network_id))
        db.session.rollback()
        return spend_year, sv, network

    original = figures()
    assert all(original)
    from celery import current_app as current_celery

    from portal import create_app

    suite_celery = current_celery._get_current_object()
    restored_app = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": urls["DATABASE_URL"],
                               "MIGRATION_DATABASE_URL": urls["MIGRATION_DATABASE_URL"]})
    try:
        with restored_app.app_context():
            assert figures() == original
            db.session.remove()
            db.engine.dispose()
    finally:
        suite_celery.set_current()
        suite_celery.set_default()
