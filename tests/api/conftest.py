"""Fixtures for the API tests: a partner's token, and running the import a push queued as its worker would."""
from __future__ import annotations

import pytest

from portal.api import tokens
from portal.extensions import db
from portal.spend import totals
from portal.spend.tasks import import_spend_file
from tenants import tenant_context
from tenants.models import Network, Organisation
from tests.spend.conftest import real_file  # noqa: F401  (the real councils' files, skipped when absent)


@pytest.fixture
def make_token(app_ctx):
    """Return a function making a live token for a partner; it gives the whole token (as the page shows it once)."""

    def make(partner, scopes=("read", "import_spend"), name="Finance system"):
        with tenant_context(partner.id):
            made = tokens.create_token(db.session, partner, None, name, list(scopes))
            db.session.commit()
            return made.secret

    return make


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def run_queued_import(organisation_id: int, import_id: int) -> dict:
    """The queued task, run here as the worker runs it (the same function), then the partner's totals."""
    outcome = import_spend_file(organisation_id, import_id)
    organisation = db.session.get(Organisation, organisation_id)
    totals.recompute_partner_totals(db.session, db.session.get(Network, organisation.network_id), organisation_id)
    db.session.commit()
    return outcome
