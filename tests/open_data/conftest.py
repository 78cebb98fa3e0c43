"""A network whose council takes one opportunity through every stage, and the helpers to build others."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.opportunities import awards, pipeline, services
from portal.opportunities.awards import Bidder
from portal.opportunities.models import Opportunity
from portal.opportunities.services import LotDetails, OpportunityDetails
from portal.suppliers.models import Supplier
from tenants import tenant_context

# Stage dates ahead of today, so publishing (its closing date must be ahead) comes first, as in life.
TODAY = date.today()
ENGAGED, TENDERED, AWARDED = TODAY + timedelta(days=2), TODAY + timedelta(days=9), TODAY + timedelta(days=60)
CLOSING = TODAY + timedelta(days=40)
AWARD_PENCE = 1_234_567_89  # £1,234,567.89


def details(**given) -> OpportunityDetails:
    values = {
        "title": "Highways resurfacing framework", "description": "Resurfacing of B roads across the borough.",
        "cpv_codes": ["45233140", "45233222"], "value_band": "over_1m", "estimated_value_pence": 1_500_000_00,
        "delivery_location": "Across Rotherham", "delivery_districts": ["S60", "S61"], "suitable_for_sme": True,
        "suitable_for_vcse": False, "closing_date": CLOSING, "contact_name": "Pat Buyer", "contact_email": "pat@council.example",
        "lots": [LotDetails(title="North"), LotDetails(title="South", description="Wath and Maltby")],
    }
    values.update(given)
    return OpportunityDetails(**values)


@pytest.fixture
def network(make_network):
    return make_network("Rotherham Anchors")


@pytest.fixture
def council(network, make_partner):
    return make_partner("Rotherham Council", network)


@dataclass
class Lifecycle:
    opportunity_id: int
    winner_supplier_id: int
    loser_names: tuple[str, ...]


@pytest.fixture
def lifecycle(council, network, make_business) -> Lifecycle:
    """Planned, published, market engagement, tender, three bids (a supplier with a company number wins), award."""
    first, second = make_business("Wath Tarmac Co-operative", network=network), make_business("Dearne Roads", network=network)
    supplier = Supplier(network_id=network.id, name="Maltby Surfacing Ltd", normalised_name="maltby surfacing",
                        company_number="01234567", is_sme=True, kind="private")
    db.session.add(supplier)
    db.session.commit()
    supplier_id = supplier.id
    with tenant_context(council.id):
        opportunity = services.create_opportunity(db.session, details(), stage="planned")
        pipeline.set_expected_dates(db.session, opportunity, market_engagement=ENGAGED, tender=TENDERED,
                                    award=AWARDED)
        services.publish_opportunity(db.session, opportunity)
        pipeline.move_to_stage(db.session, opportunity, "market_engagement", ENGAGED)
        pipeline.move_to_stage(db.session, opportunity, "tender", TENDERED)
        for bidder in (Bidder(business_id=first.id), Bidder(business_id=second.id)):
            awards.record_bid(db.session, opportunity, bidder, TENDERED + timedelta(days=20))
        awards.record_award(db.session, opportunity, Bidder(supplier_id=supplier_id), AWARD_PENCE, AWARDED)
        db.session.commit()
        return Lifecycle(opportunity.id, supplier_id, ("Wath Tarmac Co-operative", "Dearne Roads"))


@pytest.fixture
def make_opportunity(council):
    """An opportunity of the council: published unless ``status`` says otherwise; returns its id."""

    def make(status="published", stage="tender", **given):
        with tenant_context(council.id):
            opportunity = services.create_opportunity(db.session, details(**given), stage=stage)
            if status != "draft":
                services.publish_opportunity(db.session, opportunity)
            if status == "withdrawn":
                services.withdraw_opportunity(db.session, opportunity)
            db.session.commit()
            return opportunity.id

    return make


def opportunity(opportunity_id: int) -> Opportunity:
    return db.session.get(Opportunity, opportunity_id)
