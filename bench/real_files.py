"""Each real council file, imported as an officer would (the proposed columns, then "Import"), against its truth.

For every spend file in ../shared/data/real/ (or PORTAL_REAL_DATA): the truth (lines and net total read
with the csv module and Decimal, and the README's own figures), what the portal shows after the import
and the totals recompute (the import's result and the partner's year totals on the dashboard), the
seconds the import took, and a second import of the same file (it must add nothing). On PostgreSQL
(a fresh bench_real_files database) and, with --sqlite, on SQLite too.

    .venv/bin/python bench/real_files.py [--sqlite]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchdb import ROOT, fresh_app, machine

sys.path.insert(0, str(ROOT))
from tests.spend.test_real_files import REAL_SPEND_FILES, independent_truth  # noqa: E402

REAL = Path(os.environ.get("PORTAL_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))


def sqlite_app(instance_dir: Path):
    from flask_migrate import upgrade

    from portal import create_app

    url = f"sqlite:///{instance_dir / 'bench.db'}"
    app = create_app({"INSTANCE_DIR": str(instance_dir), "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "MIGRATION_DATABASE_URL": url})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def a_council(session, name: str) -> int:
    """A fresh network with one council, for one file: nothing held before it."""
    from portal.network import services

    network = services.create_network(session, f"Network for {name}", "M1, DL1, NE29, HX1, LS1")
    council = services.create_organisation(session, network, f"Council for {name}", "council")
    session.commit()
    return council.id


def import_once(session, council_id: int, path: Path) -> tuple[object, float]:
    from portal.spend import importing
    from portal.spend.models import SpendImport
    from tenants import tenant_context

    with tenant_context(council_id):
        with open(path, "rb") as stream:
            from tenants.models import Organisation

            spend_import = importing.store_upload(session, session.get(Organisation, council_id), None, path.name, stream)
        spend_import.column_mapping = importing.proposed_mapping(session, spend_import)[1]
        session.commit()
        began = time.perf_counter()
        importing.run_import(session, spend_import.id)
        session.commit()
        seconds = time.perf_counter() - began
        return session.get(SpendImport, spend_import.id), seconds


def shown_on_dashboard(session, council_id: int) -> tuple[int, int]:
    """(lines, pence) of the partner's year totals once the workers' recompute has run."""
    from sqlalchemy import func, select

    from portal.spend import totals
    from portal.spend.models import SpendTotal
    from tenants import tenant_context
    from tenants.models import Network, Organisation

    network = session.get(Network, session.get(Organisation, council_id).network_id)
    totals.recompute_all(session, network)
    session.commit()
    with tenant_context(council_id):
        row = session.execute(select(func.sum(SpendTotal.line_count), func.sum(SpendTotal.total_pence))
                              .where(SpendTotal.period_type == "year", SpendTotal.breakdown == "all")).one()
    return int(row[0] or 0), int(row[1] or 0)


def run(app, label: str) -> list[str]:
    from portal.extensions import db

    rows = []
    with app.app_context():
        for name, (lines, pence, amount_column) in sorted(REAL_SPEND_FILES.items()):
            path = REAL / name
            if not path.is_file():
                rows.append(f"| {label} | {name} | not in {REAL} | | | | |")
                continue
            truth = independent_truth(path, amount_column)
            council_id = a_council(db.session, name)
            first, seconds = import_once(db.session, council_id, path)
            again, again_seconds = import_once(db.session, council_id, path)
            shown = shown_on_dashboard(db.session, council_id)
            ok = truth == (lines, pence) == shown == (first.imported_count, first.net_total_pence) and again.imported_count == 0
            rows.append(
                f"| {label} | {name} | {truth[0]:,} lines, £{truth[1] / 100:,.2f} | {shown[0]:,} lines, £{shown[1] / 100:,.2f} "
                f"| {seconds:.2f} s | {again.already_held_count:,} already held, {again.imported_count} added ({again_seconds:.2f} s) "
                f"| {'equal' if ok else 'DIFFERENT'} |"
            )
            db.session.remove()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="also on SQLite")
    args = parser.parse_args()
    print(machine())
    print("| database | file | truth (independent) | the portal shows | import | the same file again | |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as instance:
        app, _owner, _url = fresh_app("bench_real_files", Path(instance))
        for row in run(app, "PostgreSQL"):
            print(row, flush=True)
    if args.sqlite:
        with tempfile.TemporaryDirectory() as instance:
            for row in run(sqlite_app(Path(instance)), "SQLite"):
                print(row, flush=True)


if __name__ == "__main__":
    main()
