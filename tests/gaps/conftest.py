"""Networks with yearly spend by category (the stored totals the gap analysis reads) and local businesses."""
from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.spend.models import NetworkSpendTotal

YEAR = date(2024, 4, 1)


@pytest.fixture
def category_totals(app_ctx):
    """Write a network's yearly totals by category: {category: (total, local, unplaced)} in pence (all procurable)."""

    def write(network, by_category: dict, year_start: date = YEAR):
        for category, (total, local, unplaced) in by_category.items():
            db.session.add(NetworkSpendTotal(
                network_id=network.id, period_type="year", period_start=year_start, breakdown="category", key=category,
                total_pence=total, procurable_pence=total, local_pence=local, unplaced_pence=unplaced, partner_count=1,
            ))
        db.session.add(NetworkSpendTotal(
            network_id=network.id, period_type="year", period_start=year_start, breakdown="all", key="",
            total_pence=sum(t for t, _, _ in by_category.values()),
            procurable_pence=sum(t for t, _, _ in by_category.values()), local_pence=sum(lo for _, lo, _ in by_category.values()),
            unplaced_pence=sum(u for _, _, u in by_category.values()), partner_count=1,
        ))
        db.session.commit()

    return write
