"""Does the demo give every social value page something to show, through the real services, once?"""
from __future__ import annotations

from sqlalchemy import func, select

from portal.demo import build_demo
from portal.demo.social_value import CONTRACTS, PARTNER_MEASURES
from portal.extensions import db
from portal.opportunities.models import OpportunityAward
from portal.social_value import flags, targets
from portal.social_value.models import (
    Commitment,
    Contract,
    DeliveryReport,
    Measure,
    PartnerMeasure,
    ProxyValue,
    ReturnReminder,
)
from portal.social_value.totals import committed, delivered
from tenants import tenant_context
from tenants.models import Network


def _partners(network: Network) -> dict[str, int]:
    from portal.demo import DEMO_PARTNERS

    by_name = {name: short for name, _kind, short in DEMO_PARTNERS}
    return {by_name[o.name]: o.id for o in network.organisations}


def test_the_demo_fills_contracts_commitments_delivery_and_targets_once(app, app_ctx):
    build_demo(db.session, with_spend=False)
    db.session.commit()
    network = db.session.scalar(select(Network))
    partners = _partners(network)
    assert set(partners) == set(CONTRACTS)

    # Every measure in use carries illustrative values (the report's banner depends on it).
    in_use = db.session.scalars(select(Measure).where(Measure.network_id == network.id, Measure.in_use.is_(True))).all()
    assert len(in_use) == 8
    proxies = db.session.scalars(select(ProxyValue).where(ProxyValue.measure_id.in_([m.id for m in in_use]))).all()
    assert proxies and all(p.illustrative for p in proxies)

    statuses: dict[str, int] = {}
    for short, organisation_id in partners.items():
        with tenant_context(organisation_id):
            # The demo's own contracts; the pipeline's award adds one more to the council's (its own test covers it).
            awarded = select(OpportunityAward.contract_id).where(OpportunityAward.contract_id.is_not(None))
            contracts = db.session.scalars(select(Contract).where(Contract.id.not_in(awarded))).all()
            assert len(contracts) == len(CONTRACTS[short])
            assert all(c.reporting_frequency == "quarterly" and c.contract_manager_id for c in contracts)
            chosen = db.session.scalar(select(func.count(PartnerMeasure.id)))
            assert chosen == len(PARTNER_MEASURES.get(short, ()))
            for status, count in db.session.execute(select(DeliveryReport.status, func.count()).group_by(DeliveryReport.status)):
                statuses[status] = statuses.get(status, 0) + count
            # The figures the report reads add up to the commitments and verified delivery, counted here by hand.
            committed_by_hand = sum(c.committed_value_pence for c in db.session.scalars(select(Commitment)))
            verified_by_hand = sum(r.value_pence for r in db.session.scalars(
                select(DeliveryReport).where(DeliveryReport.status == "verified")))
            assert committed_by_hand > 0 and verified_by_hand > 0
            assert sum(t.value_pence for t in committed(db.session, network, [organisation_id], by=())) == committed_by_hand
            assert sum(t.value_pence for t in delivered(db.session, network, [organisation_id], by=())) == verified_by_hand

    # Verified returns, one waiting for a second person, one rejected: each page's states have a row.
    assert statuses["verified"] > 50 and statuses["reported"] >= 2 and statuses["rejected"] >= 2
    # The silent suppliers were chased; a contract delivering well behind its commitment is flagged.
    with tenant_context(partners["council"]):
        chased = db.session.scalars(select(Contract.title).join(ReturnReminder, ReturnReminder.contract_id == Contract.id)).all()
        assert chased == ["Home to school transport"]
        behind = {f.contract_reference for f in flags.contract_management_flags(db.session)}
        waste = db.session.scalar(select(Contract.reference).where(Contract.title == "Waste collection and recycling"))
        assert waste in behind
    # Targets both met and missed.
    performance = [p for short in ("council", "hospital")
                   for p in targets.performance_against_targets(db.session, network, organisation_id=partners[short])]
    assert {p.met for p in performance} == {True, False}
    assert targets.performance_against_targets(db.session, network)  # and the network's own

    # A second run adds nothing.
    def reports() -> int:
        total = 0
        for organisation_id in partners.values():
            with tenant_context(organisation_id):
                total += db.session.scalar(select(func.count(DeliveryReport.id)))
        return total

    before = reports()
    build_demo(db.session, with_spend=False)
    db.session.commit()
    assert reports() == before
