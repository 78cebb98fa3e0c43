"""Contract management flags: what a contract manager should chase.

"Behind profile", defined: on day D a commitment is behind when its verified
delivery (all verified reports, whatever their period) is less than the
quantity due by D. The quantity due is, for each profile year starting on S
(running to the day before S + 1 year): the year's whole quantity if the year
is over, nothing if it has not begun, and pro rata by days elapsed (D - S over
the year's length) in the current year. A commitment with no profile is
treated as profiled evenly over the contract's term (start to end date); with
no end date there is no basis to judge, so it is never flagged behind.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.formatting import govuk_date
from tenants import network_wide
from tenants.models import Network, Organisation

from .delivery import delivered_by_commitment
from .models import Commitment, CommitmentProfileYear, Contract, DeliveryReport, Measure

FLAG_KINDS = ("behind_profile", "awaiting_verification", "rejected_report", "rlw_not_paid")
_THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class Flag:
    kind: str
    organisation_id: int
    contract_id: int
    contract_reference: str
    message: str
    commitment_id: int | None = None
    measure_code: str | None = None
    due: Decimal | None = None
    delivered: Decimal | None = None


def _one_year_on(start: date) -> date:
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _share(quantity: Decimal, start: date, end_exclusive: date, on: date) -> Decimal:
    if on >= end_exclusive:
        return quantity
    if on <= start:
        return Decimal(0)
    return quantity * Decimal((on - start).days) / Decimal((end_exclusive - start).days)


def due_by(commitment: Commitment, contract: Contract, profile: list[tuple[date, Decimal]], on: date) -> Decimal | None:
    """The quantity of ``commitment`` due by ``on`` (see the module's definition); None if it cannot be said."""
    if profile:
        due = sum((_share(q, s, _one_year_on(s), on) for s, q in profile), Decimal(0))
    elif contract.end_date is not None and contract.start_date is not None:
        due = _share(Decimal(commitment.quantity), contract.start_date, contract.end_date + timedelta(days=1), on)
    else:
        return None
    return due.quantize(_THOUSANDTH)


def contract_management_flags(session: Session, *, today: date | None = None, contract_id: int | None = None) -> list[Flag]:
    """Every flag on the contracts visible in the current tenant context (a partner, or network-wide).

    ``contract_id`` narrows every query to that one contract (the contract's page): the same flags
    as the full list keeps for it, without reading the partner's other contracts.
    """
    today = today or date.today()
    flags: list[Flag] = []
    commitment_query = (
        select(Commitment, Contract, Measure.code)
        .join(Contract, Contract.id == Commitment.contract_id)
        .join(Measure, Measure.id == Commitment.measure_id)
        .order_by(Contract.organisation_id, Contract.reference, Measure.code)
    )
    profile_query = select(CommitmentProfileYear.commitment_id, CommitmentProfileYear.year_start, CommitmentProfileYear.quantity)
    pending_query = (
        select(Contract.organisation_id, Contract.id, Contract.reference, DeliveryReport.status, func.count())
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .join(Contract, Contract.id == Commitment.contract_id)
        .where(DeliveryReport.status.in_(("reported", "rejected")))
        .group_by(Contract.organisation_id, Contract.id, Contract.reference, DeliveryReport.status)
        .order_by(Contract.organisation_id, Contract.reference)
    )
    rlw_query = (
        select(Contract).where(Contract.rlw_in_scope.is_(True), Contract.supplier_pays_rlw != "yes")
        .where((Contract.end_date.is_(None)) | (Contract.end_date >= today))
        .order_by(Contract.organisation_id, Contract.reference)
    )
    if contract_id is not None:
        commitment_query = commitment_query.where(Contract.id == contract_id)
        profile_query = profile_query.join(Commitment, Commitment.id == CommitmentProfileYear.commitment_id).where(
            Commitment.contract_id == contract_id)
        pending_query = pending_query.where(Contract.id == contract_id)
        rlw_query = rlw_query.where(Contract.id == contract_id)
    commitments = session.execute(commitment_query).all()
    profiles: dict[int, list[tuple[date, Decimal]]] = {}
    for cid, start, quantity in session.execute(profile_query):
        profiles.setdefault(cid, []).append((start, Decimal(quantity)))
    delivered = delivered_by_commitment(session, None if contract_id is None else [c.id for c, _, _ in commitments])
    for commitment, contract, code in commitments:
        due = due_by(commitment, contract, profiles.get(commitment.id, []), today)
        done = delivered[commitment.id].quantity if commitment.id in delivered else Decimal(0)
        if due is not None and done < due:
            flags.append(Flag(
                "behind_profile", contract.organisation_id, contract.id, contract.reference,
                f"{code}: {done.normalize():f} delivered and verified, {due.normalize():f} due by {govuk_date(today)}",
                commitment.id, code, due, done,
            ))
    for organisation_id, found_id, reference, status, count in session.execute(pending_query):
        if status == "reported":
            flags.append(Flag("awaiting_verification", organisation_id, found_id, reference,
                              f"{count} delivery report(s) waiting to be verified"))
        else:
            flags.append(Flag("rejected_report", organisation_id, found_id, reference,
                              f"{count} delivery report(s) rejected and not yet corrected"))
    for contract in session.scalars(rlw_query):
        flags.append(Flag("rlw_not_paid", contract.organisation_id, contract.id, contract.reference,
                          f"In scope for the Real Living Wage; the supplier pays it: {contract.supplier_pays_rlw}"))
    return flags


def network_contract_management_flags(session: Session, network: Network, *, today: date | None = None) -> list[Flag]:
    """Every flag across the network's partners: for the network lead (opens a network-wide read)."""
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
    with network_wide(partner_ids, f"contract management flags of network {network.id}"):
        return contract_management_flags(session, today=today)
