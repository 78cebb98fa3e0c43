"""Issue 14 (d): a combined row only one partner's spend went into is that partner's own figures.

Row-level security shows it to that partner (or a scope opened over it) only; rows of
several partners stay readable to a signed transaction; nobody writes a row for a
network that is not theirs. Raw SQL here is the app role's, signed by the app's own
scope code: what an injection inside a real request could do.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, select, text

from portal.extensions import db
from portal.spend.models import NetworkSpendTotal
from tenants import TenantScope, rls

from . import settings

pytestmark = pytest.mark.skipif(not settings.ON_POSTGRES, reason="row-level security exists only on PostgreSQL")

YEAR = date(2024, 4, 1)


@pytest.fixture
def combined_rows(app, make_network, make_partner):
    """Two networks; in the first, a row of both partners and a row of partner A alone."""
    network, other_network = make_network(), make_network()
    a, b = make_partner("A", network), make_partner("B", network)
    stranger = make_partner("C", other_network)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        _sign(conn, app, a.id, b.id)
        for key, count, sole in (("", 2, None), ("E05001000", 1, a.id)):
            conn.execute(text(
                "INSERT INTO network_spend_totals (network_id, period_type, period_start, breakdown, key, total_pence, "
                "procurable_pence, local_pence, based_pence, branched_pence, wider_pence, region_pence, unplaced_pence, "
                "sme_pence, vcse_pence, employee_owned_pence, living_wage_pence, line_count, local_line_count, computed_at, "
                "partner_count, sole_partner_id, local_partner_count, sme_partner_count, vcse_partner_count, "
                "procurable_partner_count, based_partner_count, branched_partner_count, wider_partner_count, "
                "region_partner_count, unplaced_partner_count) VALUES (:n, 'year', :y, 'ward', :k, 100, 100, 0, 0, 0, 0, 0, "
                "0, 0, 0, 0, 0, 1, 0, now(), :c, :s, 0, 0, 0, 0, 0, 0, 0, 0, 0)"
            ), {"n": network.id, "y": YEAR, "k": key, "c": count, "s": sole})
    yield engine, network, a, b, stranger, other_network
    engine.dispose()


def _sign(conn, app, *organisation_ids):
    rls.sign_transaction(conn, TenantScope(tuple(organisation_ids), organisation_ids[0], "test"),
                         key=app.config["RLS_SCOPE_KEY"])


def _keys(conn) -> set[str]:
    return set(conn.scalars(text("SELECT key FROM network_spend_totals")))


def test_a_one_partner_row_shows_to_that_partner_only(app, combined_rows):
    engine, _, a, b, stranger, _ = combined_rows
    with engine.begin() as conn:
        _sign(conn, app, a.id)
        assert _keys(conn) == {"", "E05001000"}
    for other in (b, stranger):
        with engine.begin() as conn:
            _sign(conn, app, other.id)
            assert _keys(conn) == {""}, "another partner read partner A's own figures"
    with engine.begin() as conn:  # an anonymous visitor's transaction: signed, no partner
        rls.sign_transaction(conn, None, key=app.config["RLS_SCOPE_KEY"])
        assert _keys(conn) == {""}
    with engine.begin() as conn:  # no signature at all
        assert _keys(conn) == set()


def test_no_one_writes_or_relabels_a_row_of_a_network_not_theirs(app, combined_rows):
    engine, _, a, b, stranger, _ = combined_rows
    with engine.begin() as conn:
        _sign(conn, app, b.id)
        # B cannot see A's row, so cannot change or delete it.
        assert conn.execute(text("UPDATE network_spend_totals SET total_pence = 0 WHERE key = 'E05001000'")).rowcount == 0
        assert conn.execute(text("DELETE FROM network_spend_totals WHERE key = 'E05001000'")).rowcount == 0
    with pytest.raises(Exception, match="row-level security"), engine.begin() as conn:  # B re-labels the shared row as A's alone
        _sign(conn, app, b.id)
        conn.execute(text("UPDATE network_spend_totals SET partner_count = 1, sole_partner_id = :a WHERE key = ''"),
                     {"a": a.id})
    with pytest.raises(Exception, match="row-level security"), engine.begin() as conn:  # the other network's partner edits this network's shared row
        _sign(conn, app, stranger.id)
        conn.execute(text("UPDATE network_spend_totals SET total_pence = 0 WHERE key = ''"))
    with pytest.raises(Exception, match="row-level security|sole_partner_named"), engine.begin() as conn:  # a one-partner row that names nobody would show to nobody
        _sign(conn, app, a.id)
        conn.execute(text("UPDATE network_spend_totals SET sole_partner_id = NULL WHERE key = 'E05001000'"))


def test_the_lead_and_the_public_summary_still_see_what_they_must(app, combined_rows, app_ctx):
    """The lead compares the partners and the public summary withholds one partner's figures itself: both
    read over the network's partners (portal.spend.queries.over_the_network)."""
    from portal.spend.queries import network_totals, over_the_network

    _, network, a, *_ = combined_rows
    db.session.rollback()
    assert {r.key for r in network_totals(db.session, network.id, "year", "ward")} == {""}
    with over_the_network(db.session, network.id, "test"):
        rows = network_totals(db.session, network.id, "year", "ward")
    assert {(r.key, r.sole_partner_id) for r in rows} == {("", None), ("E05001000", a.id)}
    assert db.session.get(NetworkSpendTotal, rows[0].id) is not None


def test_a_partners_own_social_value_row_shows_to_that_partner_only(app, make_network, make_partner, app_ctx):
    """sv_network_totals keeps each partner's own figures as a "partner" row: the same rule."""
    from portal.social_value.models import NetworkSocialValueTotal
    from tenants import network_wide

    network = make_network()
    a, b = make_partner("A", network), make_partner("B", network)
    with network_wide([a.id, b.id], "test: write the network's rows"):
        db.session.add_all([
            NetworkSocialValueTotal(network_id=network.id, year=2024, breakdown="all", key="", partner_count=2),
            NetworkSocialValueTotal(network_id=network.id, year=2024, breakdown="partner", key=str(a.id),
                                    partner_count=1, sole_partner_id=a.id),
        ])
        db.session.commit()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        for partner, expected in ((a, {"all", "partner"}), (b, {"all"})):
            with engine.begin() as conn:
                _sign(conn, app, partner.id)
                assert set(conn.scalars(text("SELECT breakdown FROM sv_network_totals"))) == expected
    finally:
        engine.dispose()


def test_a_ward_count_of_one_partners_people_shows_to_that_partner_only(app, make_network, make_partner, app_ctx):
    """sv_network_beneficiary_totals: the recompute names the partner of a count only its reports went
    into, and row-level security shows that count to that partner only."""
    from portal.social_value.models import (
        NetworkSocialValueBeneficiaryTotal,
        SocialValueBeneficiaryTotal,
    )
    from portal.social_value.totals import recompute_network_totals
    from tenants import network_wide

    network = make_network()
    a, b = make_partner("A", network), make_partner("B", network)
    with network_wide([a.id, b.id], "test: the partners' counts"):
        db.session.add_all([
            SocialValueBeneficiaryTotal(organisation_id=a.id, year=2024, breakdown="ward", key="E05000001", count=7),
            SocialValueBeneficiaryTotal(organisation_id=a.id, year=2024, breakdown="ward", key="E05000002", count=3),
            SocialValueBeneficiaryTotal(organisation_id=b.id, year=2024, breakdown="ward", key="E05000002", count=4),
        ])
        db.session.commit()
    recompute_network_totals(db.session, network)
    db.session.commit()
    with network_wide([a.id, b.id], "test: read the network's counts"):
        rows = db.session.scalars(select(NetworkSocialValueBeneficiaryTotal)).all()
        assert {(r.key, r.count, r.partner_count, r.sole_partner_id) for r in rows} == {
            ("E05000001", 7, 1, a.id), ("E05000002", 7, 2, None)}
    db.session.remove()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        for partner, expected in ((a, {"E05000001", "E05000002"}), (b, {"E05000002"})):
            with engine.begin() as conn:
                _sign(conn, app, partner.id)
                assert set(conn.scalars(text("SELECT key FROM sv_network_beneficiary_totals"))) == expected
    finally:
        engine.dispose()
