"""The lead's review of register matches, one supplier at a time: plain functions; the caller commits.

The supplier offered next is the one with most spend behind it (then the oldest), so the
lead's first minutes place the most money. The spend shown is the network's: every
partner's lines with the supplier, added up across partners with ``network_wide`` (sums
only, never lines). A partner that shares its lines with the lead is named with its own
share; the others are counted together, as the lead sees only their totals.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.network.supplier_register import LeadAction, RegisterProblem
from portal.spend.models import SpendLine
from portal.suppliers.models import Supplier, SupplierRegisterCandidate
from tenants import network_wide
from tenants.models import Network, Organisation, utcnow

from .applying import match_values
from .entries import Entry, entities_of, entries_for
from .services import register_dates


@dataclass(frozen=True)
class PartnerSpend:
    name: str
    total_pence: int
    line_count: int


@dataclass(frozen=True)
class SpendBehind:
    """A supplier's spend across the network's partners."""

    total_pence: int
    line_count: int
    partner_count: int
    # Partners that share their lines with the lead, each with its own part.
    sharing: list[PartnerSpend]

    @property
    def others_count(self) -> int:
        return self.partner_count - len(self.sharing)


@dataclass(frozen=True)
class ReviewCandidate:
    """A candidate as the lead sees it: the stored offer, and the register entry as it stands now."""

    id: int
    register: str
    number: str
    name: str
    postcode: str | None
    address: str | None
    status: str | None
    method: str
    score: float


def _partners(session: Session, network: Network) -> list[tuple[int, str, bool]]:
    return session.execute(
        select(Organisation.id, Organisation.name, Organisation.shares_lines_with_lead)
        .where(Organisation.network_id == network.id).order_by(Organisation.name)
    ).all()


def _waiting(network: Network):
    """Suppliers of the network with a pending candidate (never one the lead has since placed by hand)."""
    return (
        select(SupplierRegisterCandidate.supplier_id)
        .join(Supplier, Supplier.id == SupplierRegisterCandidate.supplier_id)
        .where(SupplierRegisterCandidate.network_id == network.id, SupplierRegisterCandidate.status == "pending",
               Supplier.place_by_lead.is_(False))
    )


def remaining(session: Session, network: Network) -> int:
    """How many suppliers wait for the lead's review."""
    return session.scalar(select(func.count()).select_from(_waiting(network).distinct().subquery()))


def next_supplier(session: Session, network: Network) -> Supplier | None:
    """The waiting supplier with most spend behind it, then the oldest."""
    waiting = _waiting(network).distinct().subquery()
    partner_ids = [p.id for p in _partners(session, network)]
    with network_wide(partner_ids, reason="lead: order register matches by the spend behind them"):
        biggest = session.execute(
            select(SpendLine.supplier_id).where(SpendLine.supplier_id.in_(select(waiting.c.supplier_id)),
                                                SpendLine.organisation_id.in_(partner_ids))
            .group_by(SpendLine.supplier_id).order_by(func.sum(SpendLine.amount_pence).desc(), SpendLine.supplier_id).limit(1)
        ).scalar()
    supplier_id = biggest or session.scalar(select(func.min(waiting.c.supplier_id)))
    return session.get(Supplier, supplier_id) if supplier_id else None


def spend_behind(session: Session, network: Network, supplier_id: int) -> SpendBehind:
    """The supplier's spend (net of credit notes) and lines across every partner of the network."""
    partners = _partners(session, network)
    with network_wide([p.id for p in partners], reason="lead: spend behind a supplier under review"):
        rows = {row.organisation_id: (int(row.total), row.lines) for row in session.execute(
            select(SpendLine.organisation_id, func.sum(SpendLine.amount_pence).label("total"), func.count().label("lines"))
            .where(SpendLine.supplier_id == supplier_id, SpendLine.organisation_id.in_([p.id for p in partners]))
            .group_by(SpendLine.organisation_id)
        )}
    sharing = [PartnerSpend(p.name, *rows[p.id]) for p in partners if p.id in rows and p.shares_lines_with_lead]
    return SpendBehind(sum(t for t, _ in rows.values()), sum(n for _, n in rows.values()), len(rows), sharing)


def pending_candidates(session: Session, supplier: Supplier) -> list[ReviewCandidate]:
    """The supplier's pending candidates, best first, with each entry's address and status as the register has them now."""
    offers = session.scalars(
        select(SupplierRegisterCandidate)
        .where(SupplierRegisterCandidate.supplier_id == supplier.id, SupplierRegisterCandidate.status == "pending")
        .order_by(SupplierRegisterCandidate.score.desc(), SupplierRegisterCandidate.name, SupplierRegisterCandidate.id)
    ).all()
    entries = entries_for(session, {(o.register, o.number) for o in offers})
    found = []
    for offer in offers:
        entry = entries.get((offer.register, offer.number))
        found.append(ReviewCandidate(
            offer.id, offer.register, offer.number, entry.name if entry else offer.name,
            entry.postcode if entry else offer.postcode, entry.address if entry else None,
            entry.status if entry else "No longer in the register", offer.method, offer.score,
        ))
    return found


def _pending_rows(session: Session, supplier: Supplier) -> list[SupplierRegisterCandidate]:
    return list(session.scalars(
        select(SupplierRegisterCandidate).where(SupplierRegisterCandidate.supplier_id == supplier.id,
                                                SupplierRegisterCandidate.status == "pending")
    ))


def accept(action: LeadAction, supplier: Supplier, candidate_id: int) -> SupplierRegisterCandidate:
    """Match the supplier to the chosen candidate, as matching would (the lead's word settles namesakes);
    the other candidates are refused. Returns the accepted candidate.

    :raise RegisterProblem: when the candidate is not one of the supplier's pending ones.
    """
    session = action.session
    rows = _pending_rows(session, supplier)
    chosen = next((row for row in rows if row.id == candidate_id), None)
    if chosen is None:
        raise RegisterProblem("That candidate is no longer waiting for a decision")
    entries = entries_for(session, [(chosen.register, chosen.number)])
    entry = entries.get((chosen.register, chosen.number)) or Entry(chosen.register, chosen.number, chosen.name, chosen.postcode, None)
    companies = {n: e for (r, n), e in entries.items() if r == "companies"}
    entity = entities_of([entry], companies)[0]
    before = {k: getattr(supplier, k) for k in ("company_number", "charity_number", "mutual_number", "postcode")}
    values = match_values(supplier, entity, chosen.method, round(chosen.score), register_dates(session), action.user.id)
    for column, value in values.items():
        setattr(supplier, column, value)
    now = utcnow()
    for row in rows:
        row.status = "accepted" if row is chosen else "refused"
        row.decided_by_id, row.decided_at = action.user.id, now
    session.flush()
    action.record(
        "supplier.register_match_accepted", supplier_id=supplier.id, supplier=supplier.name,
        register=chosen.register, number=chosen.number, name=chosen.name, method=chosen.method, score=chosen.score,
        before=before, after={k: getattr(supplier, k) for k in before},
    )
    _place(session, action.network, [supplier.id])
    action.recompute_after_commit()
    return chosen


def refuse_all(action: LeadAction, supplier: Supplier) -> int:
    """None of the candidates is this supplier: all are refused and never offered again. Returns how many."""
    rows = _pending_rows(action.session, supplier)
    if not rows:
        raise RegisterProblem("This supplier has no candidates waiting for a decision")
    now = utcnow()
    for row in rows:
        row.status, row.decided_by_id, row.decided_at = "refused", action.user.id, now
    action.session.flush()
    action.record(
        "supplier.register_matches_refused", supplier_id=supplier.id, supplier=supplier.name,
        refused=[{"register": r.register, "number": r.number, "name": r.name} for r in rows],
    )
    return len(rows)


def _place(session: Session, network: Network, supplier_ids: list[int]) -> None:
    """Place the matched supplier now (district, ward, locality, class)."""
    from portal.registers.placing import place_suppliers

    place_suppliers(session, network, supplier_ids)
