"""Do targets on local, SME and VCSE shares, Real Living Wage coverage and employee-owned spend count what the lines say?

Shares are checked against the spend lines added up in plain Python by the spend
tests' own oracle (tests/spend/procurable_oracle.py), not against the snapshot code.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.social_value import targets
from portal.social_value.problems import SocialValueProblem
from portal.spend import totals as spend_totals
from tenants import tenant_context
from tests.spend.procurable_oracle import line_measures
from tests.spend.totals_fixtures import build_world

H2_2023 = (date(2023, 10, 1), date(2024, 3, 31))  # the second half of April's 2023 to 2024 year


def _oracle(world, network, organisation_ids, start, end) -> dict[str, int]:
    sums: dict[str, int] = {}
    for line in world.lines:
        if line.organisation_id in organisation_ids and start <= line.month <= end:
            for name, value in line_measures(line.amount_pence, line.supplier, network.excluded_kinds).items():
                sums[name] = sums.get(name, 0) + value
    return sums


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.01"))


@pytest.fixture
def spend_world(make_network, make_partner):
    world = build_world(make_network, make_partner, seed=15, lines=800)
    for network in world.networks:
        spend_totals.recompute_all(db.session, network)
    db.session.commit()
    return world


def test_share_and_employee_owned_targets_count_the_same_spend_as_the_lines(spend_world):
    network = spend_world.networks[0]
    council = spend_world.partners[network.id][0]
    everyone = {p.id for p in spend_world.partners[network.id]}
    for subject in ("local_share", "sme_share", "vcse_share"):
        targets.set_network_target(db.session, network, subject=subject, period_start=H2_2023[0],
                                   period_end=H2_2023[1], target_percent=Decimal(30))
    targets.set_network_target(db.session, network, subject="employee_owned_spend", period_start=H2_2023[0],
                               period_end=H2_2023[1], target_value_pence=1)
    with tenant_context(council.id):
        targets.set_partner_target(db.session, subject="local_share", period_start=H2_2023[0], period_end=H2_2023[1],
                                   target_percent=Decimal("99.5"))
    db.session.commit()

    lines = _oracle(spend_world, network, everyone, *H2_2023)
    assert lines["procurable_pence"] > 0
    found = {p.target.subject: p for p in targets.performance_against_targets(db.session, network, as_of=date(2026, 1, 1))}
    for subject, part in (("local_share", "local_pence"), ("sme_share", "sme_pence"), ("vcse_share", "vcse_pence")):
        assert found[subject].achieved_percent == _share(lines[part], lines["procurable_pence"])
        assert found[subject].status == ("met" if found[subject].achieved_percent >= 30 else "missed")
    assert found["employee_owned_spend"].achieved_value_pence == lines["employee_owned_pence"]

    own = targets.performance_against_targets(db.session, network, organisation_id=council.id, as_of=date(2026, 1, 1))
    mine = _oracle(spend_world, network, {council.id}, *H2_2023)
    assert [p.achieved_percent for p in own] == [_share(mine["local_pence"], mine["procurable_pence"])]


def test_real_living_wage_coverage_counts_in_scope_contracts_running_in_the_period(partners, sv_network, make_contract, app_ctx):
    council, police = partners
    make_contract(council, rlw_in_scope=True, supplier_pays_rlw="yes", start=date(2024, 4, 1), end=date(2025, 3, 31))
    make_contract(council, rlw_in_scope=True, supplier_pays_rlw="no", start=date(2024, 1, 1), end=date(2024, 12, 31))
    make_contract(council, rlw_in_scope=True, supplier_pays_rlw="no", start=date(2022, 1, 1), end=date(2023, 3, 31))  # ended
    make_contract(council, rlw_in_scope=False, supplier_pays_rlw="no")  # not in scope
    make_contract(police, rlw_in_scope=True, supplier_pays_rlw="yes")
    with tenant_context(council.id):
        targets.set_partner_target(db.session, subject="rlw_coverage", period_start=date(2024, 4, 1),
                                   period_end=date(2024, 9, 30), target_percent=Decimal(75))
        db.session.commit()
    targets.set_network_target(db.session, sv_network, subject="rlw_coverage", period_start=date(2024, 4, 1),
                               period_end=date(2024, 9, 30), target_percent=Decimal(60))
    db.session.commit()
    [own] = targets.performance_against_targets(db.session, sv_network, organisation_id=council.id, as_of=date(2025, 1, 1))
    assert own.achieved_percent == Decimal("50.00") and own.status == "missed"
    [network] = targets.performance_against_targets(db.session, sv_network, as_of=date(2025, 1, 1))
    assert network.achieved_percent == Decimal("66.67") and network.status == "met"


def test_a_past_target_is_met_or_missed_and_a_current_one_may_be_on_track(partners, sv_network, make_contract, app_ctx):
    council = partners[0]
    make_contract(council, rlw_in_scope=True, supplier_pays_rlw="yes")
    with tenant_context(council.id):
        targets.set_partner_target(db.session, subject="rlw_coverage", period_start=date(2024, 4, 1),
                                   period_end=date(2024, 9, 30), target_percent=Decimal(100))
        targets.set_partner_target(db.session, subject="total_value", period_start=date(2024, 4, 1),
                                   period_end=date(2025, 3, 31), target_value_pence=1_000)
        db.session.commit()
    statuses = {}
    for day in (date(2024, 5, 1), date(2024, 10, 1), date(2025, 4, 1)):
        statuses[day] = [p.status for p in targets.performance_against_targets(
            db.session, sv_network, organisation_id=council.id, as_of=day)]
    assert statuses[date(2024, 5, 1)] == ["on_track", "not_yet_met"]  # nothing delivered a month in
    assert statuses[date(2024, 10, 1)] == ["met", "not_yet_met"]  # H1 has ended: met
    assert statuses[date(2025, 4, 1)] == ["met", "missed"]  # never "not yet met" once ended


def test_a_share_target_is_a_percentage_between_0_and_100(sv_network, app_ctx):
    for fields in ({"target_percent": Decimal(101)}, {"target_percent": None}, {"target_value_pence": 5}):
        with pytest.raises(SocialValueProblem):
            targets.set_network_target(db.session, sv_network, subject="sme_share", period_start=date(2024, 4, 1),
                                       period_end=date(2024, 9, 30), **fields)
    with pytest.raises(SocialValueProblem):
        targets.set_network_target(db.session, sv_network, subject="total_value", period_start=date(2024, 4, 1),
                                   period_end=date(2024, 9, 30), target_value_pence=5, target_percent=Decimal(5))
