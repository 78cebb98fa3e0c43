"""A fresh PostgreSQL database with the portal's schema, and a network of demo partners, for one benchmark run."""
from __future__ import annotations

import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
OWNER, APP_ROLE = "bench_owner", "bench_app"


def fresh_app(database: str, instance_dir: Path, fresh: bool = True):
    """Recreate ``database`` (names start bench_), migrate it as the owner, return (app, owner_url, app_url)."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.dbsetup import prepare_postgres

    assert database.startswith("bench_"), "benchmarks only touch databases named bench_*"
    owner_url, app_url = prepare_postgres(ADMIN_URL, database, OWNER, APP_ROLE, fresh=fresh)
    app = create_app({
        "INSTANCE_DIR": str(instance_dir), "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": app_url,
        "MIGRATION_DATABASE_URL": owner_url,
    })
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app, owner_url, app_url


def demo_network(session, local_area: str = "S60-S66, S25, S26, S35"):
    """A network with the four demo partners; returns (network, {short: organisation})."""
    from portal.demo import DEMO_NETWORK, DEMO_PARTNERS
    from portal.network import services

    network = services.create_network(session, DEMO_NETWORK, local_area)
    partners = {short: services.create_organisation(session, network, name, kind) for name, kind, short in DEMO_PARTNERS}
    session.commit()
    return network, partners


def council_upload(session, path: Path) -> tuple[int, int]:
    """The demo network's council stores this spend file with the proposed columns confirmed: (council id, import id).

    Run ``importing.run_import`` on the import id inside ``tenant_context(council id)`` to import it.
    """
    from portal.spend import importing
    from tenants import tenant_context

    _network, partners = demo_network(session)
    council = partners["council"]
    with tenant_context(council.id):
        with open(path, "rb") as stream:
            spend_import = importing.store_upload(session, council, None, path.name, stream)
        spend_import.column_mapping = importing.proposed_mapping(session, spend_import)[1]
        session.commit()
        return council.id, spend_import.id

def psycopg_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def timed(results: dict, name: str):
    start = time.perf_counter()
    yield
    results[name] = time.perf_counter() - start


def machine() -> str:
    import psycopg

    with psycopg.connect(psycopg_url(ADMIN_URL)) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {server}"


def open_scope(conn, partner_ids=(), business_networks=()) -> None:
    """On a raw psycopg connection: open these partners (and networks' businesses) for its open
    transaction, signed as the app signs (tenants/rls.py) with fresh_app's key. Row-level
    security binds even the tables' owner, and refuses a scope that is not signed."""
    from portal.config import derived_scope_key
    from tenants import TenantScope, rls

    scope = TenantScope(tuple(partner_ids), None, "benchmark", business_network_ids=tuple(business_networks))
    settings = rls.scope_settings(scope)
    pid, start = conn.execute(rls.TRANSACTION_SQL).fetchone()
    conn.execute(
        "SELECT set_config(%s, %s, true), set_config(%s, %s, true), set_config(%s, %s, true), set_config(%s, %s, true)",
        (rls.SETTING, settings[0], rls.BUSINESS_SETTING, settings[1], rls.BUSINESS_NETWORK_SETTING, settings[2],
         rls.SIGNATURE_SETTING, rls.signature(derived_scope_key("bench"), settings, pid, start)),
    )
