"""Peak memory of downloading a partner's spend lines, 100k and 1M of them, as CSV and XLSX.

    .venv/bin/python bench/download_memory.py [--sizes 100000,1000000] [--database bench_download]

A fresh database gets 1,000,000 generated lines of the demo council, imported
through portal.spend.importing (``--reuse`` keeps the database of an earlier run).
Then each download runs in its own child process (a fresh interpreter, as a web
worker would be) inside a request for the council, through the lines page's own
query (``dashboard.tables.line_rows``) and ``portal.downloads``, reading every byte
the answer sends, and reports how far its resident memory peaked (VmHWM, reset once
the app has started) above where it stood before the download. The baseline, measured in the same run: the same rows written whole
into memory first, as the downloads were before 2026-11-26.
Goal: the same peak whatever the number of lines.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from itertools import islice
from pathlib import Path

from benchdb import council_upload, fresh_app, machine

WAYS = ("csv", "xlsx", "csv in memory (before)")


def load(database: str, lines: int) -> None:
    """A fresh database with ``lines`` lines of the demo council."""
    from import_vs_copy import write_file

    from portal.extensions import db
    from portal.spend import importing
    from tenants import tenant_context

    with tempfile.TemporaryDirectory(prefix="bench-download-") as tmp:
        tmp = Path(tmp)
        path = tmp / "council-spend.csv"
        write_file(path, lines)
        app, _owner_url, _app_url = fresh_app(database, tmp / "instance")
        with app.app_context():
            council_id, import_id = council_upload(db.session, path)
            with tenant_context(council_id):
                outcome = importing.run_import(db.session, import_id)
                db.session.commit()
            assert outcome.imported == lines, outcome


def in_memory_csv(header, rows) -> bytes:
    """The CSV download as it was: every row written into one string, then sent."""
    from portal.downloads import safe_cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def child(way: str, lines: int, database: str) -> None:
    """One download (or, for 0 lines, only the app started); prints {"maxrss_mb", "bytes", "seconds"}."""
    from sqlalchemy import select

    from portal.dashboard import tables
    from portal.downloads import csv_response, xlsx_response
    from portal.extensions import db
    from portal.spend.lines_filter import LineFilter
    from tenants import tenant_context
    from tenants.models import Organisation

    with tempfile.TemporaryDirectory(prefix="bench-download-") as tmp:
        app, _owner_url, _app_url = fresh_app(database, Path(tmp) / "instance", fresh=False)
        # Starting the app (and its migration check) peaks higher than it then stays: reset the
        # peak, so what is measured is the download's own.
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_kb("VmRSS")
        start, sent = time.perf_counter(), 0
        if lines:
            with app.test_request_context("/spend/lines.csv"):
                council_id = db.session.scalar(select(Organisation.id).order_by(Organisation.id))
                with tenant_context(council_id):
                    rows = islice(tables.line_rows(db.session, LineFilter()), lines)
                    if way == "csv":
                        response = csv_response("spend-lines", tables.LINES_HEADER, rows)
                    elif way == "xlsx":
                        response = xlsx_response("spend-lines", tables.LINES_HEADER, rows)
                    else:
                        response = None
                        sent = len(in_memory_csv(tables.LINES_HEADER, rows))
                    if response is not None:
                        response.direct_passthrough = False  # read the file as the server would send it
                        for chunk in response.iter_encoded():
                            sent += len(chunk)
                        response.close()
                    db.session.rollback()
        peak = _status_kb("VmHWM")
    print(json.dumps({"grown_mb": (peak - before) / 1024, "before_mb": before / 1024, "bytes": sent,
                      "seconds": time.perf_counter() - start}))


def _status_kb(field: str) -> int:
    """Resident memory now (VmRSS) or at its peak since the last reset (VmHWM), in kB, from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def measure(way: str, lines: int, database: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", way, str(lines), "--database", database],
        check=True, capture_output=True, text=True, cwd=Path(__file__).parent,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--database", default="bench_download")
    parser.add_argument("--reuse", action="store_true", help="keep the lines loaded by an earlier run")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child[0], int(args.child[1]), args.database)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{date.today()} on {machine()}")
    if not args.reuse:
        start = time.perf_counter()
        load(args.database, max(sizes))
        print(f"loaded {max(sizes):,} lines in {time.perf_counter() - start:.0f}s")
    results = {(way, lines): measure(way, lines, args.database) for way in WAYS for lines in sizes}
    for way in WAYS:
        smallest = results[(way, sizes[0])]["grown_mb"]
        for lines in sizes:
            r = results[(way, lines)]
            before = results[("csv in memory (before)", lines)]["grown_mb"]
            print(f"{way:<24} {lines:>9,} lines: peak +{r['grown_mb']:5.1f} MB above the app at rest ({r['before_mb']:.0f} MB): "
                  f"{r['grown_mb'] / max(smallest, 0.1):.2f}x the {sizes[0]:,}-line download, "
                  f"{r['grown_mb'] / max(before, 0.1):.2f}x in memory; {r['bytes'] / 1e6:.0f} MB sent in {r['seconds']:.1f}s")
    print("goal: the same peak whatever the number of lines (1.00x)")


if __name__ == "__main__":
    main()
