"""Do targets for the network and for a partner count what was delivered (or committed) in their period?"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery, targets
from tenants import tenant_context

YEAR = (date(2024, 4, 1), date(2025, 3, 31))


def deliver(partner, make_contract, measure, officer, quantity, period_end=date(2024, 9, 30)):
    contract_id = make_contract(partner)
    with tenant_context(partner.id):
        c = commitments.record_commitment(db.session, contracts.get_contract(db.session, contract_id), measure("DEMO-02"),
                                          committed_on=date(2024, 4, 1), quantity=100)
        r = delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=period_end, quantity=quantity)
        delivery.verify_delivery(db.session, r, officer)
        db.session.commit()


def test_network_and_partner_targets_are_met_from_verified_delivery_in_the_period(partners, sv_network, make_contract, measure, make_user, app_ctx):
    council, police = partners
    deliver(council, make_contract, measure, make_user(council), 30)
    deliver(police, make_contract, measure, make_user(police), 20)
    deliver(police, make_contract, measure, make_user(police), 99, period_end=date(2025, 4, 30))  # next year
    weeks = measure("DEMO-02")
    targets.set_network_target(db.session, sv_network, subject="measure", measure=weeks, period_start=YEAR[0],
                               period_end=YEAR[1], target_quantity=40)
    targets.set_network_target(db.session, sv_network, subject="total_value", period_start=YEAR[0],
                               period_end=YEAR[1], target_value_pence=2_000_000)
    targets.set_network_target(db.session, sv_network, subject="total_value", basis="committed",
                               period_start=YEAR[0], period_end=YEAR[1], target_value_pence=1)
    with tenant_context(council.id):
        targets.set_partner_target(db.session, subject="theme", theme=weeks.theme, period_start=YEAR[0],
                                   period_end=YEAR[1], target_value_pence=700_000)
    db.session.commit()
    network = targets.performance_against_targets(db.session, sv_network)
    assert [(p.achieved_quantity, p.achieved_value_pence, p.met) for p in network] == [
        (Decimal(50), 50 * 21_000, True), (None, 50 * 21_000, False), (None, 3 * 100 * 21_000, True)]
    assert network[1].percent == Decimal("52.5")
    own = targets.performance_against_targets(db.session, sv_network, organisation_id=council.id)
    assert [(p.achieved_value_pence, p.met, p.percent) for p in own] == [(30 * 21_000, False, Decimal("90.0"))]
    assert targets.performance_against_targets(db.session, sv_network, organisation_id=police.id) == []
