"""A network with partners, businesses and opportunities to match."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.opportunities.models import Opportunity, OpportunityCategory, OpportunityLot
from tenants import tenant_context


@pytest.fixture
def make_opportunity(app_ctx):
    """A partner's opportunity, published and open unless told otherwise."""

    def make(partner, title="Roof repairs", description="", cpv_codes=("45261000",), value_band="10k_to_50k",
             districts=("S60",), status="published", closing_date=None, lots=(), **fields):
        with tenant_context(partner.id):
            opportunity = Opportunity(
                title=title, description=description, value_band=value_band, delivery_districts=list(districts),
                status=status, closing_date=closing_date or date.today() + timedelta(days=30), **fields,
            )
            opportunity.categories = [OpportunityCategory(cpv_code=c) for c in cpv_codes]
            opportunity.lots = [OpportunityLot(number=n, title=t, description=d) for n, (t, d) in enumerate(lots, 1)]
            db.session.add(opportunity)
            db.session.commit()
            return opportunity.id

    return make


@pytest.fixture(autouse=True)
def no_prepared_sides():
    """Each test starts as a fresh worker does: no network's businesses prepared yet."""
    from portal.matching import services

    services._sides.clear()
    yield
    services._sides.clear()
