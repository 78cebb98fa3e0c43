"""The import worker's peak memory for 100k and 1M lines: it should not grow with the file.

    .venv/bin/python bench/import_memory.py [--sizes 100000,1000000]

The files are those of ``import_vs_copy.py`` (the demo council's layout, shaped like a purchase
ledger: ~30% of lines identical to the line before, invoices of several lines sharing a number),
written by the parent beforehand. Each size is imported in its own child process (a fresh
interpreter, as a worker would be) into a fresh PostgreSQL database through
portal.spend.importing, which reports its peak resident memory (ru_maxrss). Nothing is held
for the file's months, so the lines go straight in (``comparing.INSERT_EVERY_LINE``). The
baseline is the smallest size; a child that only starts the app is shown too, for scale.
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
from import_vs_copy import describe_ledger, load_average, write_file


def child(lines: int, database: str, path: Path | None) -> None:
    """Run one import of ``path`` (or, for 0 lines, only start the app) and print {"maxrss_mb": ..., "seconds": ...}."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        tmp = Path(tmp)
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


def measure(lines: int, database: str, path: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--child", str(lines), "--database", database]
    if path:
        command += ["--file", str(path)]
    result = subprocess.run(command, check=True, capture_output=True, text=True, cwd=Path(__file__).parent)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--database", default="bench_memory")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.database, args.file)
        return
    print(f"{date.today()} on {machine()}")
    app_only = measure(0, args.database)
    print(f"app started, no import: peak {app_only['maxrss_mb']:.0f} MB")
    sizes = [int(s) for s in args.sizes.split(",")]
    peaks = []
    with tempfile.TemporaryDirectory(prefix="bench-memory-files-") as tmp:
        for lines in sizes:
            # The file is written here, not in the child: its generator's memory is not the import's.
            path = Path(tmp) / f"council-spend-{lines}.csv"
            ledger = write_file(path, lines)
            print(f"  file of {lines:,} lines: {describe_ledger(lines, ledger)}")
            result = measure(lines, args.database, path)
            path.unlink()
            peaks.append(result["maxrss_mb"])
            print(f"import of {lines:>9,} lines: peak {result['maxrss_mb']:.0f} MB "
                  f"({result['maxrss_mb'] / peaks[0]:.2f}x the {sizes[0]:,}-line import; import took {result['seconds']:.0f}s; "
                  f"load average {load_average()})")
    print(f"peak, {sizes[-1]:,} lines: {peaks[-1]:.0f} MB; {sizes[0]:,} lines: {peaks[0]:.0f} MB; "
          f"ratio {peaks[-1] / peaks[0]:.2f}x (goal: the same peak whatever the file's size, 1.00x)")


if __name__ == "__main__":
    main()
