"""Two partners of one network, a partner of another, and a factory for opportunities."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.opportunities import services
from portal.opportunities.services import LotDetails, OpportunityDetails
from tenants import tenant_context

SOON = date.today() + timedelta(days=10)


def details(**given) -> OpportunityDetails:
    """An opportunity's details, with plain defaults for what the test does not care about."""
    values = dict(
        title="Resurfacing school playgrounds", description="Tarmac and markings for six primary schools.",
        cpv_codes=["45233000"], value_band="50k_to_214k", estimated_value_pence=None,
        delivery_location="Schools across Rotherham", delivery_districts=["S60"], suitable_for_sme=True,
        suitable_for_vcse=False, closing_date=SOON, contact_name="Pat Buyer", contact_email="pat@council.example",
        lots=[],
    )
    values.update(given)
    values["lots"] = [LotDetails(**lot) if isinstance(lot, dict) else lot for lot in values["lots"]]
    return OpportunityDetails(**values)


@pytest.fixture
def network(make_network):
    return make_network("Rotherham Anchors", local_area=("S60", "S61", "S62"))


@pytest.fixture
def council(network, make_partner):
    return make_partner("Rotherham Council", network)


@pytest.fixture
def police(network, make_partner):
    return make_partner("South Yorkshire Police", network, kind="police")


@pytest.fixture
def make_opportunity(app_ctx):
    """Create an opportunity for a partner in the given status (committed); returns its id."""

    def make(partner, status="published", **given):
        with tenant_context(partner.id):
            opportunity = services.create_opportunity(db.session, details(**given))
            if status != "draft":
                services.publish_opportunity(db.session, opportunity, today=given.get("closing_date", SOON) - timedelta(days=1))
            if status == "closed":
                services.close_opportunity(db.session, opportunity)
            if status == "withdrawn":
                services.withdraw_opportunity(db.session, opportunity)
            db.session.commit()
            return opportunity.id

    return make
