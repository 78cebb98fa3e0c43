"""The full worker fault run: every fault scenario of tests/faults with N kills each, and a summary.

    .venv/bin/python bench/worker_faults.py --kills 10 --database faults_test --redis-db 5

It prepares the database (as bin/test does), then runs tests/faults through pytest
with FAULT_KILLS=N against PostgreSQL and Redis (PORTAL_REQUIRE_SERVICES=1: a missing
service fails), and prints what held for each fault (for each kind of work: kills that landed
mid-task, attempts, seconds). The last result is kept in docs/faults.md.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10, help="kill -9s that must land mid-task, per kind of work")
    parser.add_argument("--database", default="faults_test")
    parser.add_argument("--redis-db", type=int, default=5, help="this db and the next (the fault tests start their own Redis too)")
    args = parser.parse_args()

    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    urls = subprocess.run([*flask, "prepare-postgres", "--database", args.database, "--fresh"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout
    found = dict(line.split("=", 1) for line in urls.splitlines() if "=" in line)
    env = dict(os.environ, FAULT_KILLS=str(args.kills), PORTAL_REQUIRE_SERVICES="1",
               TEST_MIGRATION_DATABASE_URL=found["MIGRATION_DATABASE_URL"], TEST_DATABASE_URL=found["DATABASE_URL"],
               TEST_BROKER_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
               TEST_RESULT_BACKEND=f"redis://127.0.0.1:6379/{args.redis_db + 1}")
    began = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "pytest", "tests/faults", "-q", "-p", "no:cacheprovider", "-o", "timeout=3600"],
                         cwd=REPO, env=env, capture_output=True, text=True, check=False)
    lines = [line.strip() for line in run.stdout.splitlines() if line.endswith("every check held")]
    outcome = [line for line in run.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    print(f"worker faults, {args.kills} kills per kind, {time.monotonic() - began:.0f} s")
    for line in lines:
        print(f"  {line}")
    print(f"  {outcome[-1] if outcome else run.stdout[-3000:]}")
    if run.returncode:
        print(run.stdout[-6000:])
    sys.exit(run.returncode)


if __name__ == "__main__":
    main()
