"""On PostgreSQL a run's rows are written by a thread while the run scores the next: same rows, and all or nothing."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.matching import services, writing
from portal.matching.models import OpportunityMatch
from tenants.models import utcnow
from tests import settings

from .test_runs import network_world, run, stored  # noqa: F401  (the fixture, shared)

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _on_postgres_only():
    if not settings.ON_POSTGRES:
        pytest.skip("the writing thread is PostgreSQL's (SQLite writes with plain statements; the PostgreSQL pass runs these)")


def test_many_small_batches_store_what_one_batch_stores(network_world, monkeypatch):
    network, *_ = network_world
    run(services.match_network, network.id)
    whole = stored(network)
    with services.opened_network(db.session, network.id):
        db.session.execute(OpportunityMatch.__table__.delete())
    db.session.commit()
    monkeypatch.setattr(services, "BATCH_ROWS", 1)
    run(services.match_network, network.id)
    assert stored(network) == whole and len(whole) > 2


def test_a_batch_the_database_refuses_fails_the_run_and_leaves_nothing(network_world):
    network, council, _, firms, opportunities = network_world
    with services.opened_network(db.session, network.id):
        writer = writing.MatchWriter(db.session, network.id, utcnow())
        good = (None, opportunities["roof"], firms["roofer"].id, council.id, 0.9, "[]", "{}")
        writer.write([good])
        writer.write([(None, 999_999, firms["builder"].id, council.id, 0.9, "[]", "{}")])  # no such opportunity
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            writer.close()
    db.session.rollback()
    with services.opened_network(db.session, network.id):
        assert db.session.scalar(select(func.count()).select_from(OpportunityMatch)) == 0
    db.session.rollback()


def test_a_run_that_fails_while_scoring_stops_the_writer_and_leaves_nothing(network_world, monkeypatch):
    network, *_ = network_world
    monkeypatch.setattr(services, "BATCH_ROWS", 1)
    real = services.Scorer.matches

    def fails_halfway(self, *args, **kwargs):
        for n, match in enumerate(real(self, *args, **kwargs)):
            if n == 2:
                raise RuntimeError("scoring failed")
            yield match

    monkeypatch.setattr(services.Scorer, "matches", fails_halfway)
    with pytest.raises(RuntimeError, match="scoring failed"):
        services.match_network(db.session, network.id)
    db.session.rollback()
    with services.opened_network(db.session, network.id):
        assert db.session.scalar(select(func.count()).select_from(OpportunityMatch)) == 0
    db.session.rollback()
