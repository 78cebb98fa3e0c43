"""Two officers confirming files of the same layout at the same moment: both are remembered, neither gets a 500.

Found by the load test: the second insert of a remembered layout lost on the unique key.
"""
import threading
import time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.spend.importing import header_signature, remember_mapping
from portal.spend.models import SpendColumnMapping
from tenants import tenant_context
from tests import settings

HEADERS = ["Date", "Amount", "Supplier", "Reference"]


def test_remembering_a_layout_twice_updates_the_one_row(make_partner):
    partner = make_partner()
    with tenant_context(partner.id):
        remember_mapping(db.session, HEADERS, {"payment_date": "Date"})
        db.session.commit()
        remember_mapping(db.session, HEADERS, {"payment_date": "Date", "amount": "Amount"})
        db.session.commit()
        rows = db.session.scalars(select(SpendColumnMapping)).all()
    assert [r.mapping for r in rows] == [{"payment_date": "Date", "amount": "Amount"}]


@pytest.mark.postgres
def test_a_layout_confirmed_at_the_same_moment_by_two_officers(app, make_partner):
    if not settings.ON_POSTGRES:
        pytest.skip("SQLite serialises writers, so the race needs PostgreSQL (the PostgreSQL pass of bin/test runs it)")
    partner = make_partner()
    outcome = {}

    def second_officer():
        with app.app_context():
            try:
                with tenant_context(partner.id):
                    remember_mapping(db.session, HEADERS, {"payment_date": "Date", "amount": "Amount"})
                    db.session.commit()
                outcome["ok"] = True
            except Exception as problem:  # the assertion below shows it
                outcome["error"] = repr(problem)
            finally:
                db.session.remove()

    with tenant_context(partner.id):
        # The first officer's insert holds the unique key, uncommitted, while the second looks, finds
        # nothing, and inserts too (blocking on the key until the first commits).
        db.session.add(SpendColumnMapping(header_signature=header_signature(HEADERS), mapping={"payment_date": "Date"}))
        db.session.flush()
        racer = threading.Thread(target=second_officer)
        racer.start()
        time.sleep(1.0)
        db.session.commit()
    racer.join(timeout=30)
    assert outcome == {"ok": True}
    with tenant_context(partner.id):
        assert db.session.scalar(select(func.count()).select_from(SpendColumnMapping)) == 1
        assert db.session.scalar(select(SpendColumnMapping.mapping)) == {"payment_date": "Date", "amount": "Amount"}
