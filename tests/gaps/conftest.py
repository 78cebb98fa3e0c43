"""Networks with yearly spend by category (the stored totals the gap analysis reads) and local businesses."""
from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.spend.models import NetworkSpendTotal
from portal.spend.queries import over_the_network
from portal.suppliers.services import network_partner_ids

YEAR = date(2024, 4, 1)


@pytest.fixture
def category_totals(app_ctx, make_partner):
    """Write a network's yearly totals by category: {category: (total, local, unplaced)} in pence (all procurable).

    As two partners' sums: a combined row is written only for a network of the writer's partners
    (row-level security), and a one-partner row would be that partner's own.
    """

    def write(network, by_category: dict, year_start: date = YEAR):
        while len(network_partner_ids(db.session, network.id)) < 2:
            make_partner(network=network)
        with over_the_network(db.session, network.id, "test: write combined totals"):
            _write(network, by_category, year_start)
            db.session.commit()

    def _write(network, by_category, year_start):
        for category, (total, local, unplaced) in by_category.items():
            db.session.add(NetworkSpendTotal(
                network_id=network.id, period_type="year", period_start=year_start, breakdown="category", key=category,
                total_pence=total, procurable_pence=total, local_pence=local, unplaced_pence=unplaced, partner_count=2,
            ))
        db.session.add(NetworkSpendTotal(
            network_id=network.id, period_type="year", period_start=year_start, breakdown="all", key="",
            total_pence=sum(t for t, _, _ in by_category.values()),
            procurable_pence=sum(t for t, _, _ in by_category.values()), local_pence=sum(lo for _, lo, _ in by_category.values()),
            unplaced_pence=sum(u for _, _, u in by_category.values()), partner_count=2,
        ))

    return write
