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


@pytest.fixture
def partner(make_partner, make_network):
    """A council with its own network."""
    return make_partner("Calderdale Council", make_network("West Yorkshire", local_area=("HX1", "HX2", "HX3", "LS1")))


@pytest.fixture
def officer(make_partner, make_network, make_user):
    """An officer of a council with its own network."""
    partner = make_partner("Rotherham Council", make_network("Demo", local_area=("S60", "S61")))
    return make_user(partner, "officer", email="officer@rmbc.org")
