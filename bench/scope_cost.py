"""What the tenant scope costs each transaction and each statement: short transactions through the app's session.

Each transaction begins (the scope is set, and since issue 14 signed: one more round trip
to read the transaction's backend and start), reads one partner's spend lines by primary
key, and commits. Run the same script on two checkouts to compare them.

    .venv/bin/python bench/scope_cost.py --transactions 3000
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchdb import demo_network, fresh_app, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=3000)
    parser.add_argument("--database", default="bench_scope_cost")
    args = parser.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')} on {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-scope-") as tmp:
        app, _owner_url, _app_url = fresh_app(args.database, Path(tmp))
        from sqlalchemy import select, text

        from portal.extensions import db
        from portal.spend.models import SpendLine
        from tenants import tenant_context

        with app.app_context():
            _network, partners = demo_network(db.session)
            council = partners["council"].id
            db.session.remove()
            for label, statements in (("empty transaction (begin, commit)", 0), ("one ORM read", 1), ("ten ORM reads", 10)):
                best = None
                for _run in range(3):
                    start = time.perf_counter()
                    with tenant_context(council):
                        for _ in range(args.transactions):
                            db.session.execute(text("SELECT 1"))  # begins the transaction: the scope is set here
                            for _ in range(statements):
                                db.session.execute(select(SpendLine.id).where(SpendLine.id == 1)).first()
                            db.session.commit()
                    took = (time.perf_counter() - start) / args.transactions * 1e6
                    best = took if best is None else min(best, took)
                print(f"{label}: {best:.0f} µs a transaction (best of 3 runs of {args.transactions:,})")
            _extra_round_trip(db, args.transactions)
            db.session.remove()


def _extra_round_trip(db, count: int) -> None:
    """The signed scope's added work, interleaved with a bare round trip so both see the same machine load."""
    from sqlalchemy import text

    from tenants import rls

    if not hasattr(rls, "TRANSACTION_SQL"):
        return  # a checkout from before the signed scope
    timings = {"SELECT 1 (a bare round trip)": [], "read the transaction's pid and start": [],
               "app_scope_is_signed() (the check, once a statement)": []}
    statements = dict(zip(timings, ("SELECT 1", rls.TRANSACTION_SQL, "SELECT app_scope_is_signed()")))
    for _ in range(count):
        for label, statement in statements.items():
            start = time.perf_counter()
            db.session.execute(text(statement)).one()
            timings[label].append(time.perf_counter() - start)
    db.session.commit()
    for label, values in timings.items():
        values.sort()
        print(f"{label}: median {values[len(values) // 2] * 1e6:.0f} µs ({count:,} each, interleaved)")


if __name__ == "__main__":
    main()
