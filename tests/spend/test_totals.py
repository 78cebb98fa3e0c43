"""Do the database's totals equal the same sums done line by line in Python, however they were reached?"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.spend import queries, totals
from portal.spend.models import NetworkSpendTotal, SpendLine, SpendPeriod, SpendTotal
from tenants import NoTenantContext, network_wide, tenant_context
from tests import settings

from .totals_fixtures import (
    MEASURES,
    all_partner_ids,
    build_world,
    expected_network_totals,
    expected_partner_totals,
    financial_periods,
    insert_lines,
    random_line,
    stored_network_totals,
    stored_partner_totals,
)


@pytest.fixture
def world(make_network, make_partner):
    return build_world(make_network, make_partner)


def recompute_everything(world):
    for network in world.networks:
        totals.recompute_all(db.session, network)
    db.session.commit()


def assert_matches_oracle(world):
    assert stored_partner_totals(all_partner_ids(world)) == expected_partner_totals(world)
    assert stored_network_totals() == expected_network_totals(world)


# --- the calendar -----------------------------------------------------------

@pytest.mark.parametrize(
    "month, fy_start, quarter, year",
    [
        (date(2024, 4, 1), 4, date(2024, 4, 1), date(2024, 4, 1)),
        (date(2024, 6, 1), 4, date(2024, 4, 1), date(2024, 4, 1)),
        (date(2024, 7, 1), 4, date(2024, 7, 1), date(2024, 4, 1)),
        (date(2025, 3, 1), 4, date(2025, 1, 1), date(2024, 4, 1)),
        (date(2024, 6, 1), 7, date(2024, 4, 1), date(2023, 7, 1)),
        (date(2024, 12, 1), 1, date(2024, 10, 1), date(2024, 1, 1)),
        (date(2024, 1, 1), 12, date(2023, 12, 1), date(2023, 12, 1)),
    ],
)
def test_periods_follow_the_networks_financial_year(month, fy_start, quarter, year):
    assert totals.period_starts(month, fy_start) == (quarter, year)
    assert financial_periods(month, fy_start) == {"month": month, "quarter": quarter, "year": year}


def test_ensure_periods_adds_missing_months_once_and_follows_a_changed_year(make_network):
    network = make_network()
    totals.ensure_periods(db.session, network, [date(2024, 3, 1), date(2024, 4, 1)])
    totals.ensure_periods(db.session, network, [date(2024, 4, 1), date(2024, 5, 17)])
    db.session.commit()
    rows = db.session.execute(
        select(SpendPeriod.month, SpendPeriod.quarter_start, SpendPeriod.year_start).order_by(SpendPeriod.month)
    ).all()
    assert [tuple(r) for r in rows] == [
        (date(2024, 3, 1), date(2024, 1, 1), date(2023, 4, 1)),
        (date(2024, 4, 1), date(2024, 4, 1), date(2024, 4, 1)),
        (date(2024, 5, 1), date(2024, 4, 1), date(2024, 4, 1)),
    ]
    network.financial_year_start_month = 1
    totals.ensure_periods(db.session, network, [date(2024, 3, 1)])
    db.session.commit()
    assert db.session.get(SpendPeriod, (network.id, date(2024, 3, 1))).year_start == date(2024, 1, 1)


# --- totals against the oracle ----------------------------------------------

def test_full_recompute_equals_python_sums_for_every_row_and_measure(world):
    recompute_everything(world)
    expected = expected_partner_totals(world)
    # The data is rich enough to mean something: every kind of row, credits, unplaced spend.
    assert {k[1] for k in expected} == {"month", "quarter", "year"}
    assert any(k[3] == "district" and k[4] == "" for k in expected)
    assert any(k[3] == "category" and k[4] == "" for k in expected)
    assert any(line.amount_pence < 0 for line in world.lines)
    assert any(k[3] == "ward" and k[4] == "" for k in expected) and any(k[3] == "imd" and k[4] == "10" for k in expected)
    # Both networks have spend they exclude, and unnamed payees count only where July's lead said so.
    years = {k: v for k, v in expected.items() if k[1] == "year" and k[3] == "all"}
    assert all(v["procurable_pence"] != v["total_pence"] for v in years.values())
    assert all(any(v[m] for v in years.values()) for m in MEASURES)
    assert stored_partner_totals(all_partner_ids(world)) == expected
    assert stored_network_totals() == expected_network_totals(world)


def test_procurable_spend_follows_the_classes_the_lead_excludes(world):
    """Does editing the excluded classes change procurable spend and every share of it, as the rule says?"""
    recompute_everything(world)
    april, july = world.networks
    for excluded in ([], ["public", "tax", "pension", "individual", "vcse", "unknown"], ["individual"]):
        april.excluded_kinds = excluded
        july.excluded_kinds = list(reversed(excluded))
        db.session.commit()
        recompute_everything(world)
        assert_matches_oracle(world)
        stored = stored_partner_totals(all_partner_ids(world))
        if not excluded:
            # A network that excludes nothing: procurable spend is all spend, row by row.
            assert all(v["procurable_pence"] == v["total_pence"] for v in stored.values())
        else:
            assert any(v["procurable_pence"] != v["total_pence"] for v in stored.values())
        if "vcse" in excluded:
            assert all(v["vcse_pence"] == 0 for v in stored.values())


def test_lines_with_no_supplier_are_individuals(make_network, make_partner):
    """Are unnamed payees left out of procurable spend by default, and counted (unplaced) when the lead includes them?"""
    network = make_network("Payee network")
    partner = make_partner("Payee council", network)
    with tenant_context(partner.id):
        db.session.add_all([
            SpendLine(payment_date=date(2024, 5, 2), month=date(2024, 5, 1), amount_pence=70_00,
                      supplier_name="Redacted", payee_unnamed=True),
            SpendLine(payment_date=date(2024, 5, 3), month=date(2024, 5, 1), amount_pence=30_00, supplier_name="Redacted"),
        ])
        db.session.commit()
    totals.recompute_all(db.session, network)
    db.session.commit()
    with tenant_context(partner.id):
        row = queries.partner_totals(db.session, "year", "all")[0]
        assert (row.total_pence, row.procurable_pence, row.unplaced_pence) == (100_00, 0, 0)
    network.excluded_kinds = ["public"]
    db.session.commit()
    totals.recompute_all(db.session, network)
    db.session.commit()
    with tenant_context(partner.id):
        row = queries.partner_totals(db.session, "year", "all")[0]
        assert (row.total_pence, row.procurable_pence, row.unplaced_pence, row.local_pence) == (100_00, 100_00, 100_00, 0)


def test_the_july_network_groups_quarters_and_years_from_july(world):
    recompute_everything(world)
    july = world.networks[1]
    years = {r.period_start for r in queries.network_totals(db.session, july.id, "year")}
    quarters = {r.period_start.month for r in queries.network_totals(db.session, july.id, "quarter")}
    assert years == {date(2022, 7, 1), date(2023, 7, 1)}
    assert quarters == {1, 4, 7, 10}
    april = world.networks[0]
    assert {r.period_start for r in queries.network_totals(db.session, april.id, "year")} == {
        date(2022, 4, 1), date(2023, 4, 1), date(2024, 4, 1),
    }


def _touch(world, network, organisation_id, months):
    """What an import or edit asks for: one partner's months, then the network's periods."""
    periods = totals.recompute_partner_totals(db.session, network, organisation_id, months)
    totals.recompute_network_totals(db.session, network, periods)
    db.session.commit()


def test_incremental_recomputes_after_imports_and_edits_equal_a_full_recompute(world):
    recompute_everything(world)
    april, july = world.networks
    council, police, _ = world.partners[april.id]
    july_partner = world.partners[july.id][0]

    # An import of 40 lines into one month.
    month = date(2023, 9, 1)
    new = [random_line(world, council, f"NEW-{n}", month) for n in range(40)]
    insert_lines(new)
    world.lines += new
    _touch(world, april, council.id, [month])

    # An import into a month nobody had yet: a new quarter and, for July, a new year.
    month = date(2024, 7, 1)
    new = [random_line(world, july_partner, f"JUL-{n}", month) for n in range(15)]
    insert_lines(new)
    world.lines += new
    _touch(world, july, july_partner.id, [month])

    # An edit: one line's amount and supplier change.
    line = next(l for l in world.lines if l.organisation_id == police.id and l.month == date(2024, 2, 1))
    line.amount_pence, line.supplier = -12_345, world.suppliers[april.id][0]
    with tenant_context(police.id):
        db.session.execute(
            update(SpendLine).where(SpendLine.id == line.id).values(amount_pence=-12_345, supplier_id=line.supplier["id"])
        )
    _touch(world, april, police.id, [line.month])

    # A correction moves a line to another month: both months are touched.
    line = next(l for l in world.lines if l.organisation_id == police.id and l.month == date(2023, 5, 1))
    old_month, line.month = line.month, date(2023, 11, 1)
    with tenant_context(police.id):
        db.session.execute(update(SpendLine).where(SpendLine.id == line.id).values(month=line.month))
    _touch(world, april, police.id, [old_month, line.month])

    # Every line of a partner's month withdrawn: its rows for that month must go.
    month = date(2023, 3, 1)
    gone = [l for l in world.lines if l.organisation_id == council.id and l.month == month]
    assert gone
    world.lines = [l for l in world.lines if l not in gone]
    with tenant_context(council.id):
        db.session.execute(delete(SpendLine).where(SpendLine.month == month))
    _touch(world, april, council.id, [month])

    incremental_partners = stored_partner_totals(all_partner_ids(world))
    incremental_network = stored_network_totals()
    assert incremental_partners == expected_partner_totals(world)
    assert incremental_network == expected_network_totals(world)
    assert not any(k[0] == council.id and k[1] == "month" and k[2] == month for k in incremental_partners)

    recompute_everything(world)
    assert stored_partner_totals(all_partner_ids(world)) == incremental_partners
    assert stored_network_totals() == incremental_network


def test_a_partial_quarter_is_recomputed_from_all_its_months(world):
    recompute_everything(world)
    april = world.networks[0]
    council = world.partners[april.id][0]
    with tenant_context(council.id):
        db.session.execute(delete(SpendTotal))
    db.session.commit()
    # Only February is named; the quarter (Jan-Mar) and the year (Apr 2023-Mar 2024) must be whole.
    totals.recompute_partner_totals(db.session, april, council.id, [date(2024, 2, 1)])
    db.session.commit()
    stored = stored_partner_totals([council.id])
    expected = expected_partner_totals(world)
    wanted = {("month", date(2024, 2, 1)), ("quarter", date(2024, 1, 1)), ("year", date(2023, 4, 1))}
    assert {(k[1], k[2]) for k in stored} == wanted
    assert stored == {k: v for k, v in expected.items() if k[0] == council.id and (k[1], k[2]) in wanted}


def test_a_recompute_touches_only_that_partners_rows_for_those_periods(world):
    recompute_everything(world)
    april = world.networks[0]
    council = world.partners[april.id][0]

    def stamps():
        with network_wide(all_partner_ids(world), reason="test"):
            return {
                (r.organisation_id, r.period_type, r.period_start, r.breakdown, r.key): (r.id, r.computed_at)
                for r in db.session.scalars(select(SpendTotal))
            }

    before = stamps()
    time.sleep(0.01)
    _touch(world, april, council.id, [date(2023, 8, 1)])
    after = stamps()
    rebuilt = {("month", date(2023, 8, 1)), ("quarter", date(2023, 7, 1)), ("year", date(2023, 4, 1))}
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed and all(k[0] == council.id and (k[1], k[2]) in rebuilt for k in changed)
    assert after.keys() == before.keys()


def test_a_partners_context_cannot_read_another_partners_totals(world):
    recompute_everything(world)
    a, b, _ = world.partners[world.networks[0].id]
    with tenant_context(b.id):
        b_row_id = db.session.scalar(select(SpendTotal.id))
    with tenant_context(a.id):
        assert set(db.session.scalars(select(SpendTotal.organisation_id).distinct())) == {a.id}
        assert db.session.scalar(select(SpendTotal).where(SpendTotal.organisation_id == b.id)) is None
        assert db.session.get(SpendTotal, b_row_id) is None
        assert {r.organisation_id for r in queries.partner_totals(db.session, "month", "district")} == {a.id}
        if settings.ON_POSTGRES:
            # Raw SQL skips the ORM filter; row-level security still holds.
            count = text("SELECT count(*) FROM spend_totals WHERE organisation_id = :b")
            assert db.session.scalar(count, {"b": b.id}) == 0
    db.session.rollback()


def test_a_partner_of_another_network_cannot_be_recomputed_as_this_ones(world):
    april, july = world.networks
    with pytest.raises(ValueError):
        totals.recompute_partner_totals(db.session, april, world.partners[july.id][0].id)


def test_network_totals_never_include_another_networks_partners(world):
    april, july = world.networks
    totals.recompute_all(db.session, april)
    db.session.commit()
    stored = stored_network_totals()
    assert {k[0] for k in stored} == {april.id}
    assert stored == {k: v for k, v in expected_network_totals(world).items() if k[0] == april.id}
    april_lines = [l for l in world.lines if l.network_id == april.id]
    whole = sum(v["total_pence"] for k, v in stored.items() if k[1] == "year" and k[3] == "all")
    assert whole == sum(l.amount_pence for l in april_lines)
    assert max(v["partner_count"] for v in stored.values()) == 3


def test_partner_totals_need_a_tenant(app_ctx):
    with pytest.raises(NoTenantContext):
        queries.partner_totals(db.session, "month")


# --- helpers for pages -------------------------------------------------------

def test_share_is_a_decimal_percentage_to_a_tenth():
    assert queries.share(1, 3) == Decimal("33.3")
    assert queries.share(2, 3) == Decimal("66.7")
    assert queries.share(-50, 200) == Decimal("-25.0")
    assert queries.share(5, 0) is None
    assert queries.share(None, 10) is None


def test_page_queries_read_the_right_rows(world):
    recompute_everything(world)
    april = world.networks[0]
    partners = world.partners[april.id]
    expected = expected_partner_totals(world)
    network_expected = expected_network_totals(world)
    year = date(2023, 4, 1)

    with tenant_context(partners[0].id):
        rows = queries.partner_totals(db.session, "quarter", "all", year_start=year)
        assert [r.period_start for r in rows] == [date(2023, 4, 1), date(2023, 7, 1), date(2023, 10, 1), date(2024, 1, 1)]
        mine = queries.largest_categories_leaving(db.session, partners[0], "year", year, limit=3)
        assert [(r.key, r.procurable_pence - r.local_pence) for r in mine] == _largest_leaving(
            {k[4]: v for k, v in expected.items() if k[:4] == (partners[0].id, "year", year, "category")}, 3
        )
        with pytest.raises(PermissionError):
            queries.largest_categories_leaving(db.session, partners[1], "year", year)

    side = queries.partners_side_by_side(db.session, april, "year", year)
    assert [p.organisation_id for p in side] == [p.id for p in sorted(partners, key=lambda p: p.name)]
    for p in side:
        assert p.measures == expected[(p.organisation_id, "year", year, "all", "")]
    assert queries.partners_side_by_side(db.session, april, "month", date(2030, 1, 1))[0].measures is None

    combined = queries.largest_categories_leaving(db.session, april, "year", year)
    assert [(r.key, r.procurable_pence - r.local_pence) for r in combined] == _largest_leaving(
        {k[4]: v for k, v in network_expected.items() if k[:4] == (april.id, "year", year, "category")}, 10
    )
    months = queries.network_totals(db.session, april.id, "month", "district")
    district_months = {k: v for k, v in network_expected.items() if k[:2] == (april.id, "month") and k[3] == "district"}
    # Outside the partners' scope a row only one partner's spend went into does not show (row-level security).
    if settings.ON_POSTGRES:
        assert len(months) == sum(1 for v in district_months.values() if v["partner_count"] > 1) < len(district_months)
    with queries.over_the_network(db.session, april.id, "test: the lead's view"):
        assert len(queries.network_totals(db.session, april.id, "month", "district")) == len(district_months)


def _largest_leaving(by_key, limit):
    leaving = sorted(((key, v["procurable_pence"] - v["local_pence"]) for key, v in by_key.items()), key=lambda kv: (-kv[1], kv[0]))
    return leaving[:limit]


# --- tasks -------------------------------------------------------------------

@pytest.fixture
def tasks(app):
    celery = app.extensions["celery"]
    celery.set_current()
    return celery.tasks


def test_the_task_recomputes_a_partner_and_the_network_and_can_run_twice(world, tasks):
    recompute_everything(world)
    april = world.networks[0]
    council = world.partners[april.id][0]
    new = [random_line(world, council, f"TASK-{n}", date(2024, 1, 1)) for n in range(10)]
    insert_lines(new)
    world.lines += new
    task = tasks["portal.spend.tasks.recompute_spend_totals"]
    assert OperationalError in task.autoretry_for
    for _ in range(2):
        assert task(april.id, council.id, ["2024-01-15"]) == 3
        db.session.rollback()
        assert_matches_oracle(world)


def test_refresh_and_nightly_tasks(world, tasks, monkeypatch):
    for network in world.networks:
        for partner in world.partners[network.id]:
            totals.recompute_partner_totals(db.session, network, partner.id)
    db.session.commit()
    assert stored_network_totals() == {}
    tasks["portal.spend.tasks.refresh_network_totals"](world.networks[0].id)
    tasks["portal.spend.tasks.refresh_network_totals"](world.networks[1].id, [["year", "2023-07-01"]])
    db.session.rollback()
    stored = stored_network_totals()
    assert {(k[0], k[1], k[2]) for k in stored if k[0] == world.networks[1].id} == {
        (world.networks[1].id, "year", date(2023, 7, 1))
    }

    queued = []
    nightly = tasks["portal.spend.tasks.recompute_all_spend_totals"]
    per_network = tasks["portal.spend.tasks.recompute_network_spend_totals"]
    monkeypatch.setattr(per_network, "delay", lambda network_id: queued.append(network_id))
    assert nightly() == 2
    assert queued == [n.id for n in world.networks]
    for network_id in queued:
        per_network(network_id)
    db.session.rollback()
    assert_matches_oracle(world)


def test_the_nightly_job_is_in_the_beat_table(app):
    from workers.schedule import PERIODIC_JOBS

    names = {job["task"] for job in PERIODIC_JOBS.values()}
    assert "portal.spend.tasks.recompute_all_spend_totals" in names
    assert "portal.spend.tasks.recompute_all_spend_totals" in app.extensions["celery"].tasks


@pytest.mark.postgres
def test_concurrent_recomputes_of_one_network_agree_with_the_oracle(world, tasks):
    """Partners' imports and the nightly job at once: locks keep them from writing the same keys."""
    if not settings.ON_POSTGRES:
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one writer)")
    april = world.networks[0]
    partners = world.partners[april.id]
    recompute_everything(world)
    # New months nobody has a calendar row for yet, so the recomputes race to add them too.
    months = [date(2024, 8, 1), date(2024, 9, 1), date(2024, 10, 1)]
    new = [random_line(world, p, f"RACE-{p.id}-{n}", months[n % 3]) for p in partners for n in range(9)]
    insert_lines(new)
    world.lines += new
    db.session.commit()
    calls = [
        (tasks["portal.spend.tasks.recompute_spend_totals"], (april.id, p.id, [m.isoformat() for m in months[i:] + months[:i]]))
        for i, p in enumerate(partners)
    ] + [(tasks["portal.spend.tasks.recompute_network_spend_totals"], (april.id,))]
    barrier = threading.Barrier(len(calls))

    def run(task, args):
        barrier.wait()
        return task(*args)

    with ThreadPoolExecutor(len(calls)) as pool:
        for future in [pool.submit(run, task, args) for task, args in calls]:
            future.result(timeout=120)
    db.session.rollback()
    assert_matches_oracle(world)
