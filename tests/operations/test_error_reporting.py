"""Is Sentry loaded only when SENTRY_DSN is set, and then set up to report without personal data?"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys, tempfile
from portal import create_app
create_app({"INSTANCE_DIR": tempfile.mkdtemp(), "SENTRY_DSN": sys.argv[1]})
if "sentry_sdk" not in sys.modules:
    print("not loaded")
else:
    import sentry_sdk
    client = sentry_sdk.get_client()
    print("active" if client.is_active() else "inactive", client.options["send_default_pii"],
          sorted(i for i in client.integrations if i in ("flask", "celery")))
"""


def probe(dsn: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, dsn], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_without_a_dsn_sentry_is_not_even_imported():
    assert probe("") == "not loaded"


def test_with_a_dsn_errors_of_requests_and_tasks_are_reported_without_personal_data():
    assert probe("https://public@sentry.example.org/1") == "active False ['celery', 'flask']"
