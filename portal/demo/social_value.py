"""The demo partners' social value: measures in use, contracts with commitments and their delivery, targets.

Everything goes through the real services (record_commitment, record_delivery, verify_delivery...),
so what the pages show is what a partner would have entered. The measures are the shipped demo
table, whose proxy values are marked illustrative, so every figure here is illustrative too and the
report says so. The contracts are built so each page has something to show: most returns
reported and verified, one waiting to be checked, one rejected, some not sent at all (chased
and, once the network's days have passed, escalated to the contract manager), and one contract
delivering well behind its commitment (flagged). Deterministic; a second run adds nothing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.social_value import chasing, contracts, delivery, measures, partner_measures, targets
from portal.social_value import totals as sv_totals
from portal.social_value.commitments import record_commitment
from portal.social_value.models import Contract
from portal.suppliers.models import Supplier
from tenants import tenant_context
from tenants.models import Network, Organisation, User

from .spend import latest_complete_financial_year, supplier_pool

SEED = "2026-social-value"


@dataclass(frozen=True)
class DemoContract:
    category: str  # the demo supplier pool's category the supplier is picked from
    title: str
    value_pounds: int
    years: int
    commitments: tuple[tuple[str, str], ...]  # (measure code, quantity over the contract)
    # How the supplier's returns went: "good" (all verified), "checking" (the latest waits for
    # a second person), "rejected" (one refused), "behind" (well short), "silent" (the last two never sent).
    returns: str
    rlw_in_scope: bool = False


CONTRACTS = {
    "council": (
        DemoContract("Construction", "Highways maintenance", 4_800_000, 3,
                     (("DEMO-01", "6"), ("DEMO-02", "260"), ("DEMO-06", "120")), "good"),
        DemoContract("Social Community Care Supplies & Services", "Supported living, north of the borough", 2_350_000, 3,
                     (("DEMO-01", "12"), ("DEMO-03", "80"), ("DEMO-08", "900")), "checking", rlw_in_scope=True),
        DemoContract("Environmental Services", "Waste collection and recycling", 6_200_000, 4,
                     (("DEMO-01", "9"), ("DEMO-05", "400000"), ("DEMO-06", "300")), "behind", rlw_in_scope=True),
        DemoContract("Transport", "Home to school transport", 1_150_000, 2,
                     (("DEMO-02", "104"), ("DEMO-08", "400")), "silent"),
        DemoContract("Facilities & Management Services", "Cleaning of council offices", 640_000, 3,
                     (("DEMO-07", "2"), ("DEMO-04", "30000")), "rejected", rlw_in_scope=True),
    ),
    "police": (
        DemoContract("Vehicle Management", "Fleet servicing and repairs", 1_800_000, 3,
                     (("DEMO-02", "156"), ("DEMO-05", "90000")), "good"),
        DemoContract("Information Communication Technology", "Control room software support", 950_000, 3,
                     (("DEMO-03", "40"), ("DEMO-08", "300")), "silent"),
        DemoContract("Facilities & Management Services", "Custody suite cleaning", 420_000, 2,
                     (("DEMO-01", "3"), ("DEMO-07", "1")), "checking", rlw_in_scope=True),
    ),
    "hospital": (
        DemoContract("Catering", "Patient and staff catering", 3_600_000, 3,
                     (("DEMO-01", "10"), ("DEMO-05", "250000"), ("DEMO-04", "40000")), "good", rlw_in_scope=True),
        DemoContract("Facilities & Management Services", "Estates maintenance", 2_100_000, 3,
                     (("DEMO-02", "208"), ("DEMO-06", "90")), "behind"),
        DemoContract("Human Resources", "Agency nursing staff", 5_000_000, 2,
                     (("DEMO-03", "60"), ("DEMO-08", "500")), "rejected"),
    ),
    "chamber": (
        DemoContract("Catering", "Events catering", 90_000, 2, (("DEMO-04", "5000"), ("DEMO-08", "120")), "good"),
    ),
}
# Each partner commits its contracts to a few of the network's measures (its choice); the chamber takes the whole list.
PARTNER_MEASURES = {
    "council": ("DEMO-01", "DEMO-02", "DEMO-03", "DEMO-04", "DEMO-05", "DEMO-06", "DEMO-07", "DEMO-08"),
    "police": ("DEMO-01", "DEMO-02", "DEMO-03", "DEMO-05", "DEMO-07", "DEMO-08"),
    "hospital": ("DEMO-01", "DEMO-02", "DEMO-03", "DEMO-04", "DEMO-05", "DEMO-06", "DEMO-08"),
}
# Targets for the last complete financial year: (partner, measure code, quantity) - some met, some missed.
PARTNER_TARGETS = {
    "council": (("DEMO-02", "60"), ("DEMO-01", "40")),
    "police": (("DEMO-02", "30"),),
    "hospital": (("DEMO-01", "2"), ("DEMO-06", "200")),
}


def load_demo_social_value(session: Session, network: Network, partners: dict[str, Organisation],
                           today: date | None = None) -> int:
    """Give the demo network its measures, contracts, commitments, delivery and targets; the contracts added."""
    today = today or date.today()
    if measures.measure_by_code(session, network, "DEMO-01") is None:
        measures.load_demo_measures(session, network)
        session.commit()
    added = 0
    for short, organisation in partners.items():
        with tenant_context(organisation.id):
            if session.scalar(select(func.count(Contract.id))):
                continue
            added += _add_partner(session, network, organisation, short, today)
            session.commit()
    if added:
        _add_network_targets(session, network)
        for organisation in partners.values():
            chasing.chase_partner(session, organisation.id, today)
        sv_totals.recompute_all(session, network)
        session.commit()
    return added


def _add_partner(session: Session, network: Network, organisation: Organisation, short: str, today: date) -> int:
    officer = session.scalar(select(User).where(User.email == f"officer@{short}.demo"))
    admin = session.scalar(select(User).where(User.email == f"admin@{short}.demo"))
    if short in PARTNER_MEASURES:
        partner_measures.choose_measures(session, network, organisation, PARTNER_MEASURES[short])
    rng = random.Random(f"{SEED}-{short}")
    suppliers = _suppliers_by_category(session, organisation)
    # Contracts began in the last complete financial year, a few months apart, so each has returns due.
    year_start = latest_complete_financial_year(today)
    for number, planned in enumerate(CONTRACTS[short], start=1):
        start = _add_months(year_start, (number - 1) % 4)
        supplier = rng.choice(suppliers.get(planned.category) or suppliers["any"])
        name = supplier.name if isinstance(supplier, Supplier) else supplier
        contract = contracts.create_contract(
            session, reference=f"{short.upper()}-SV-{start.year}-{number:02d}", title=planned.title,
            start_date=start, end_date=_add_months(start, 12 * planned.years) - timedelta(days=1),
            supplier_id=supplier.id if isinstance(supplier, Supplier) else None,
            supplier_name_as_given=None if isinstance(supplier, Supplier) else name, value_pence=planned.value_pounds * 100, category=planned.category,
            rlw_in_scope=planned.rlw_in_scope, supplier_pays_rlw="yes" if planned.rlw_in_scope else "unknown",
            reporting_frequency="quarterly", supplier_contact_email=f"social.value@{_slug(name)}.example",
            contract_manager_id=officer.id,
        )
        for code, quantity in planned.commitments:
            measure = measures.measure_by_code(session, network, code)
            commitment = record_commitment(session, contract, measure, committed_on=start, quantity=quantity)
            _add_returns(session, network, contract, commitment, planned, officer, admin, today)
    for code, quantity in PARTNER_TARGETS.get(short, ()):
        targets.set_partner_target(
            session, subject="measure", measure=measures.measure_by_code(session, network, code),
            period_start=year_start, period_end=_add_months(year_start, 12) - timedelta(days=1),
            target_quantity=quantity, note="Set for the demo",
        )
    return len(CONTRACTS[short])


def _add_returns(session, network, contract, commitment, planned: DemoContract, officer, admin, today: date) -> None:
    """A return a quarter from the contract's start to the last quarter due, as ``planned.returns`` says."""
    quarters = _quarters_due(network, contract, today)
    share = commitment.quantity / (4 * planned.years)  # delivery on profile, evenly
    if planned.returns == "behind":
        share = share * Decimal("0.35")
    if planned.returns == "silent":
        quarters = quarters[:-2]
    for index, (start, end) in enumerate(quarters):
        # A little above or below profile each quarter (85% to 115%), as real returns are.
        quantity = _round(share * (Decimal("0.85") + Decimal("0.075") * ((index * 7) % 5)), commitment.quantity)
        report = delivery.record_delivery(
            session, commitment, period_start=start, period_end=end, quantity=quantity, reported_by=officer,
            narrative=f"Delivered on {contract.title.lower()} from {start:%B} to {end:%B %Y}.",
        )
        last = index == len(quarters) - 1
        if planned.returns == "checking" and last:
            continue  # waits for a second person
        if planned.returns == "rejected" and index == 1:
            delivery.reject_delivery(session, report, admin, "The timesheets sent do not cover the people named: send them again.")
            continue
        delivery.verify_delivery(session, report, admin)


def _add_network_targets(session: Session, network: Network) -> None:
    year_start = latest_complete_financial_year()
    year_end = _add_months(year_start, 12) - timedelta(days=1)
    targets.set_network_target(session, network, subject="local_share", period_start=year_start, period_end=year_end,
                               target_percent=30, note="Set for the demo")
    targets.set_network_target(session, network, subject="total_value", period_start=year_start, period_end=year_end,
                               target_value_pence=50_000_000, note="Set for the demo")
    session.flush()


def _quarters_due(network: Network, contract: Contract, today: date) -> list[tuple[date, date]]:
    """The contract's quarters whose return has fallen due by ``today``, oldest first."""
    last = chasing.latest_due_period(today, "quarterly", network.financial_year_start_month)
    period = chasing.period_containing(contract.start_date, "quarterly", network.financial_year_start_month)
    quarters = []
    while period.start <= last.start and period.start <= contract.end_date:
        quarters.append((max(period.start, contract.start_date), min(period.end, contract.end_date)))
        period = chasing.period_containing(period.end + timedelta(days=1), "quarterly", network.financial_year_start_month)
    return quarters


def _suppliers_by_category(session: Session, organisation: Organisation) -> dict[str, list[Supplier | str]]:
    """The partner's own suppliers (those it pays) by the demo pool's category, by name.

    Without a year of spend (``flask demo`` is always given one; a quick test is not) a contract
    names its supplier as typed, from the same pool.
    """
    pool = supplier_pool()
    category_of = {s.normalised_name: s.category for s in pool}
    paid = session.scalars(contracts.own_suppliers(organisation.id).order_by(Supplier.normalised_name)).all()
    if not paid:
        grouped: dict[str, list] = {"any": [s.name for s in pool]}
        for supplier in pool:
            grouped.setdefault(supplier.category, []).append(supplier.name)
        return grouped
    grouped = {"any": list(paid)}
    for supplier in paid:
        grouped.setdefault(category_of.get(supplier.normalised_name, ""), []).append(supplier)
    return grouped


def _round(quantity: Decimal, whole: Decimal) -> Decimal:
    """Whole units for counts, pounds for money measures: as a supplier would report them."""
    return max(quantity.quantize(Decimal(1) if whole >= 10 else Decimal("0.1")), Decimal("0.1"))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())[:30] or "supplier"
