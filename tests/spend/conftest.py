"""Fixtures for the spend tests: the real councils' files, found where tests.settings says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import settings


@pytest.fixture
def real_file():
    """Return a function giving the path of one real file; skip (or fail if required) if absent."""

    def find(name: str) -> Path:
        path = Path(settings.REAL_DATA) / name
        if not path.is_file():
            reason = f"real data file {name} is not in {settings.REAL_DATA} (set PORTAL_REAL_DATA)"
            if settings.REQUIRE_REAL_DATA:
                pytest.fail(f"{reason}; PORTAL_REQUIRE_REAL_DATA=1: not skipping")
            pytest.skip(reason)
        return path

    return find
