"""Helpers for the SME tests: registering through the real form, and reading the emails it sends."""
from __future__ import annotations

import pytest

from tests.test_accounts import delivered, emails_to, link_in  # noqa: F401 (re-exported for the SME tests)

PASSWORD = "a perfectly long business passphrase"


def registration(**changes) -> dict:
    data = {
        "business_name": "Rother Valley Roofing Ltd",
        "organisation_type": "company",
        "name": "Rita Roofer",
        "email": "rita@roofing.example",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "postcode": "s60 1ae",
        "size_band": "micro",
    }
    data.update(changes)
    return data


@pytest.fixture
def network(make_network):
    return make_network("Rotherham Anchor Network", local_area=("S60", "S61", "S62"))


@pytest.fixture
def register(app, network, sign_in):
    """Post the registration form for the network; returns the response (CSRF is off, as for sign_in)."""

    def post(client=None, **changes):
        client = client or app.test_client()
        return client.post(f"/networks/{network.slug}/register", data=registration(**changes))

    return post


def verification_link(email="rita@roofing.example") -> str:
    messages = [m for m in emails_to(email) if m.message == "email-verification"]
    assert messages, f"no verification email to {email}"
    return link_in(messages[-1], "/verify-email/")
