"""Which backends the suite runs on, read from the environment once.

With no variables set the suite runs on SQLite and the embedded broker. With
TEST_DATABASE_URL (the app role), TEST_MIGRATION_DATABASE_URL (the owner) and
TEST_BROKER_URL it runs on PostgreSQL and Redis. PORTAL_REQUIRE_SERVICES=1
turns every "service missing" skip into a failure (``.ci/run`` sets it).
"""
from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
MIGRATION_DATABASE_URL = os.environ.get("TEST_MIGRATION_DATABASE_URL", DATABASE_URL)
# A superuser on the same database, for emptying tables fast between tests (optional).
ADMIN_DATABASE_URL = os.environ.get("TEST_ADMIN_DATABASE_URL")
BROKER_URL = os.environ.get("TEST_BROKER_URL")
RESULT_BACKEND = os.environ.get("TEST_RESULT_BACKEND", BROKER_URL)
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
REQUIRE_BROWSER = os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"
REQUIRE_REAL_DATA = os.environ.get("PORTAL_REQUIRE_REAL_DATA") == "1"
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
REAL_DATA = Path(os.environ.get("PORTAL_REAL_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"))
ARTIFACTS = Path(os.environ.get("PORTAL_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "test-artifacts"))

# The key the test apps sign their row-level-security scope with (tenants/rls.py).
RLS_SCOPE_KEY = "test-row-level-security-scope-key"

ON_POSTGRES = bool(DATABASE_URL and DATABASE_URL.startswith("postgresql"))
