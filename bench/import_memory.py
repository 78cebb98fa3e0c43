"""The import worker's peak memory for 100k and 1M lines: it should not grow with the file.

    .venv/bin/python bench/import_memory.py [--sizes 100000,1000000]

Each size runs in its own child process (a fresh interpreter, as a worker would be) that
imports one generated council file into a fresh PostgreSQL database through
portal.spend.importing and reports its peak resident memory (ru_maxrss). The baseline
is the smallest size; a child that only starts the app is shown too, for scale.
Goal: the same peak for 1M lines as for 100k.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchdb import council_upload, fresh_app, machine


def child(lines: int, database: str) -> None:
    """Run one import (or, for 0 lines, only start the app) and print {"maxrss_mb": ..., "seconds": ...}."""
    from import_vs_copy import write_file

    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        tmp = Path(tmp)
        path = tmp / "council-spend.csv"
        if lines:
            write_file(path, lines)
        # Generating the file (a generator, written line by line) is not the import's memory:
        # the peak is read before and after, and the import's own peak is what grows.
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        app, _owner_url, _app_url = fresh_app(database, tmp / "instance")
        start = time.perf_counter()
        if lines:
            from portal.extensions import db
            from portal.spend import importing
            from tenants import tenant_context

            with app.app_context():
                council_id, import_id = council_upload(db.session, path)
                with tenant_context(council_id):
                    outcome = importing.run_import(db.session, import_id)
                    db.session.commit()
                assert outcome.imported == lines, outcome
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"maxrss_mb": peak / 1024, "before_mb": before / 1024, "seconds": time.perf_counter() - start}))


def measure(lines: int, database: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(lines), "--database", database],
        check=True, capture_output=True, text=True, cwd=Path(__file__).parent,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--database", default="bench_memory")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.database)
        return
    print(f"{date.today()} on {machine()}")
    app_only = measure(0, args.database)
    print(f"app started, no import: peak {app_only['maxrss_mb']:.0f} MB")
    sizes = [int(s) for s in args.sizes.split(",")]
    baseline = None
    for lines in sizes:
        result = measure(lines, args.database)
        baseline = baseline or result["maxrss_mb"]
        print(f"import of {lines:>9,} lines: peak {result['maxrss_mb']:.0f} MB "
              f"({result['maxrss_mb'] / baseline:.2f}x the {sizes[0]:,}-line import; import took {result['seconds']:.0f}s)")
    print("goal: the same peak whatever the file's size (1.00x)")


if __name__ == "__main__":
    main()
