"""What suppliers commit to in a contract, valued when committed, and the lead's re-base.

A commitment is valued once, at the proxy value in force on the day it was
made (``committed_on``), and that valuation is kept: the edition, the proxy
value and the value. A re-base values every commitment of the network again at
another edition into separate columns, so both figures stay side by side.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from portal.formatting import govuk_date
from tenants import network_wide
from tenants.models import Network, Organisation, utcnow

from .measures import proxy_in_force, value_of
from .models import Commitment, CommitmentProfileYear, Contract, DeliveryReport, Measure, ProxyValue
from .problems import SocialValueProblem
from .tasks import queue_network_totals_refresh, queue_totals_refresh

ProfileInput = Iterable[tuple[date, Decimal | int | str]]


def _quantity(value, what: str = "The quantity") -> Decimal:
    try:
        quantity = Decimal(str(value))
    except ArithmeticError:
        raise SocialValueProblem(f"{what} must be a number") from None
    if not quantity.is_finite() or quantity < 0:
        raise SocialValueProblem(f"{what} must be a number, not negative")
    if quantity != quantity.quantize(Decimal("0.001")):
        raise SocialValueProblem(f"{what} can have at most 3 decimal places")
    return quantity


def _profile(contract: Contract, profile: ProfileInput) -> list[tuple[date, Decimal]]:
    rows = sorted((start, _quantity(q, f"The quantity for the year from {govuk_date(start)}")) for start, q in profile)
    starts = [start for start, _ in rows]
    if len(set(starts)) != len(starts):
        raise SocialValueProblem("Each contract year can appear once in the profile")
    for start in starts:
        if (contract.start_date and start < contract.start_date) or (contract.end_date and start > contract.end_date):
            raise SocialValueProblem(f"The profile year from {govuk_date(start)} is outside the contract's dates")
    return rows


def _total(quantity, profile_rows) -> Decimal:
    if profile_rows:
        total = sum((q for _, q in profile_rows), Decimal(0))
        if quantity is not None and _quantity(quantity) != total:
            raise SocialValueProblem(f"The quantity ({quantity}) is not the sum of the profile ({total})")
        return total
    if quantity is None:
        raise SocialValueProblem("Enter the quantity committed, or a profile by contract year")
    return _quantity(quantity)


def record_commitment(
    session: Session, contract: Contract, measure: Measure, *, committed_on: date,
    quantity=None, profile: ProfileInput | None = None,
) -> Commitment:
    """Record what the supplier commits to on this contract, valued at the proxy in force on ``committed_on``.

    ``profile`` (optional) is [(contract year start, quantity)]; the total is its sum.
    The measure must be one the contract's network has in use and has a proxy value for.
    """
    organisation = session.get(Organisation, contract.organisation_id)
    if measure.network_id != organisation.network_id:
        raise SocialValueProblem("That measure is not in your network's catalogue")
    if not measure.in_use:
        raise SocialValueProblem(f"Measure {measure.code} is not one the network uses")
    existing = session.scalars(
        select(Commitment).where(Commitment.contract_id == contract.id, Commitment.measure_id == measure.id)
    ).first()
    if existing is not None:
        raise SocialValueProblem(f"This contract already has a commitment to {measure.code}: change that one")
    profile_rows = _profile(contract, profile or [])
    total = _total(quantity, profile_rows)
    proxy = proxy_in_force(session, measure, committed_on)
    if proxy is None:
        raise SocialValueProblem(f"Measure {measure.code} has no proxy value in force on {govuk_date(committed_on)}")
    commitment = Commitment(
        organisation_id=contract.organisation_id, contract_id=contract.id, measure_id=measure.id,
        quantity=total, committed_on=committed_on, proxy_value_id=proxy.id, proxy_edition=proxy.edition,
        proxy_value_pence=proxy.value_pence, committed_value_pence=value_of(total, proxy.value_pence),
        profile=[
            CommitmentProfileYear(organisation_id=contract.organisation_id, year_start=s, quantity=q)
            for s, q in profile_rows
        ],
    )
    session.add(commitment)
    session.flush()
    queue_totals_refresh(session, commitment.organisation_id, [committed_on])
    return commitment


def update_commitment(session: Session, commitment: Commitment, *, quantity=None, profile: ProfileInput | None = None) -> Commitment:
    """Change the quantity (or the profile, which replaces the old one); values follow at the same proxies.

    ``profile=[]`` removes the profile. The edition it was valued at does not change.
    """
    if profile is not None:
        profile_rows = _profile(commitment.contract, profile)
        commitment.profile.clear()
        session.flush()
        commitment.profile.extend(
            CommitmentProfileYear(organisation_id=commitment.organisation_id, year_start=s, quantity=q)
            for s, q in profile_rows
        )
    else:
        profile_rows = [(p.year_start, p.quantity) for p in commitment.profile]
        if profile_rows and quantity is not None:
            raise SocialValueProblem("This commitment is profiled by year: change the profile")
    commitment.quantity = _total(quantity, profile_rows)
    commitment.committed_value_pence = value_of(commitment.quantity, commitment.proxy_value_pence)
    if commitment.rebased_edition:
        commitment.rebased_value_pence = value_of(commitment.quantity, commitment.rebased_proxy_value_pence)
    session.flush()
    queue_totals_refresh(session, commitment.organisation_id, [commitment.committed_on])
    return commitment


@dataclass
class RebaseResult:
    edition: str
    commitments_rebased: int = 0
    reports_revalued: int = 0
    # Measures with commitments but no proxy value in that edition: left as they were.
    measures_without_edition: list[str] = field(default_factory=list)


def rebase(session: Session, network: Network, edition: str) -> RebaseResult:
    """Value every commitment (and delivery report) of the network again at ``edition``.

    The original valuation (``proxy_edition``, ``committed_value_pence``, a
    report's ``value_pence``) is kept; the re-based figures go beside it.
    Opens a network-wide scope over the network's partners for the writes.
    """
    if not session.scalars(select(ProxyValue.id).where(ProxyValue.network_id == network.id, ProxyValue.edition == edition)).first():
        raise SocialValueProblem(f"The network has no proxy values in edition {edition}")
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
    result = RebaseResult(edition)
    now = utcnow()
    with network_wide(partner_ids, f"re-base network {network.id} to edition {edition}"):
        rows = session.execute(
            select(Commitment, ProxyValue.value_pence)
            .join(Measure, Measure.id == Commitment.measure_id)
            .outerjoin(ProxyValue, and_(ProxyValue.measure_id == Commitment.measure_id, ProxyValue.edition == edition))
            .where(Measure.network_id == network.id)
        ).all()
        proxies: dict[int, Decimal] = {}
        missing: set[str] = set()
        for commitment, proxy_pence in rows:
            if proxy_pence is None:
                missing.add(commitment.measure.code)
                continue
            commitment.rebased_edition = edition
            commitment.rebased_proxy_value_pence = proxy_pence
            commitment.rebased_value_pence = value_of(commitment.quantity, proxy_pence)
            commitment.rebased_at = now
            proxies[commitment.id] = proxy_pence
            result.commitments_rebased += 1
        session.flush()
        reports = session.scalars(
            select(DeliveryReport).join(Commitment, Commitment.id == DeliveryReport.commitment_id)
            .where(Commitment.rebased_edition == edition)
        )
        for report in reports:
            if report.commitment_id in proxies:
                report.rebased_value_pence = value_of(report.quantity, proxies[report.commitment_id])
                result.reports_revalued += 1
        session.flush()
        queue_network_totals_refresh(session, network)
    result.measures_without_edition = sorted(missing)
    return result


def get_commitment(session: Session, commitment_id: int) -> Commitment | None:
    """A commitment visible in the current tenant context, or None."""
    return session.scalars(select(Commitment).where(Commitment.id == commitment_id)).first()
