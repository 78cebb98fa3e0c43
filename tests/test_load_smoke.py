"""A short run of the load test (bench/load_test.py) on PostgreSQL + Redis: every request answered, none failed.

The full run (200 sessions, 5 minutes) is in bench/; its last result is in
docs/load-test.md. Timings are printed for people, never asserted.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from . import settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(600)
def test_a_short_load_run_has_no_failed_requests():
    if not settings.ON_POSTGRES:
        pytest.skip("the load test runs against PostgreSQL + Redis (the PostgreSQL pass of bin/test runs it)")
    result = subprocess.run(
        [sys.executable, "bench/load_test.py", "--users", "20", "--duration", "20", "--baseline-duration", "10",
         "--database", "portal_load_ci", "--redis-dbs", "3,4", "--port", "5078", "--check",
         # Short pauses: twenty sessions in twenty seconds should press imports and pages together.
         "--think", "1,3"],
        cwd=ROOT, capture_output=True, text=True, timeout=560,
    )
    print(result.stdout[-4000:])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
