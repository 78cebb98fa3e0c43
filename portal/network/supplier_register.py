"""The lead's changes to the network's supplier register: plain functions on a session; the caller commits.

Every change is written to the audit log of the lead's own partner in this
network (usually the council). Audit events belong to one partner; the
register belongs to the network, so the lead's home partner is the honest
place. A lead with no partner in the network cannot change the register:
an unrecorded change to figures every partner reports is not allowed.
Every change that can move a total (flags, locality, merges, splits) queues a
full recompute of the network's totals once the transaction commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from portal.accounts.services import record
from portal.spend.normalise import normalise_supplier_name
from portal.spend.tasks import recompute_network_spend_totals
from portal.suppliers.merges import CannotUndo, merge_recorded, undo_merge
from portal.suppliers.models import Supplier, SupplierAlias, SupplierMatchCandidate, SupplierMerge
from portal.suppliers.services import split_alias
from tenants import tenant_context
from tenants.models import Membership, Network, Organisation, User, utcnow
from workers import enqueue_after_commit

EDITABLE = ("is_sme", "kind", "employee_owned", "living_wage_accredited", "local_override")


class NotRecordable(PermissionError):
    """The lead has no partner in this network whose audit log could record the change."""


class RegisterProblem(ValueError):
    """The change cannot be made; the message says why."""


def home_partner(session: Session, network: Network, user: User, preferred_id: int | None = None) -> Organisation | None:
    """The partner of this network the user belongs to (the one they work as, if it is in the network)."""
    partners = session.scalars(
        select(Organisation).join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id, Organisation.network_id == network.id)
        .order_by(Organisation.name)
    ).all()
    for partner in partners:
        if partner.id == preferred_id:
            return partner
    return partners[0] if partners else None


@dataclass(frozen=True)
class LeadAction:
    """Who is changing the register, and where the change is recorded."""

    session: Session
    network: Network
    user: User
    home: Organisation

    def record(self, action: str, **detail) -> None:
        with tenant_context(self.home.id):
            record(self.session, action, self.user, network_id=self.network.id, **detail)
            self.session.flush()

    def recompute_after_commit(self) -> None:
        enqueue_after_commit(self.session, recompute_network_spend_totals, self.network.id)


def lead_action(session: Session, network: Network, user: User, preferred_id: int | None = None) -> LeadAction:
    """:raise NotRecordable: when the lead belongs to no partner of the network."""
    home = home_partner(session, network, user, preferred_id)
    if home is None:
        raise NotRecordable(
            f"Changes to the supplier register are recorded in the audit log of your own partner in {network.name}. "
            "You are not a member of any of its partners: ask the portal's administrators to add you to yours."
        )
    return LeadAction(session, network, user, home)


def search_suppliers(session: Session, network: Network, text: str | None):
    """The network's suppliers whose name (or a spelling of it) contains the text, by name."""
    query = select(Supplier).where(Supplier.network_id == network.id)
    text = (text or "").strip()
    if text:
        try:
            key = normalise_supplier_name(text)
        except ValueError:  # no letter or digit ("[]"): only the name as typed can match
            key = text.lower()
        wanted = f"%{key}%"
        spelled = select(SupplierAlias.supplier_id).where(
            SupplierAlias.network_id == network.id, SupplierAlias.normalised_name.like(wanted)
        )
        query = query.where(or_(
            Supplier.normalised_name.like(wanted), func.lower(Supplier.name).like(f"%{text.lower()}%"),
            Supplier.id.in_(spelled),
        ))
    return query.order_by(Supplier.name, Supplier.id)


def supplier_of(session: Session, network: Network, supplier_id: int) -> Supplier | None:
    # An id typed into a form may be any size; no row has one beyond a 64-bit integer.
    if not 0 < supplier_id < 2**63:
        return None
    supplier = session.get(Supplier, supplier_id)
    return supplier if supplier is not None and supplier.network_id == network.id else None


def flags(supplier: Supplier) -> dict:
    return {name: getattr(supplier, name) for name in EDITABLE} | {"is_local": supplier.is_local}


# A form answer meaning "hand this back to the registers" (``kind`` or ``is_sme``).
AUTOMATIC = "automatic"
_BY_LEAD = {"kind": "kind_by_lead", "is_sme": "sme_by_lead"}


def update_supplier(action: LeadAction, supplier: Supplier, **changes) -> bool:
    """Set the supplier's flags and local override; True if anything changed (logged, placed again, recompute queued).

    A class or size the lead changes becomes the lead's (``kind_by_lead`` / ``sme_by_lead``):
    automatic classing never overwrites it; ``AUTOMATIC`` hands it back to the registers.
    """
    from portal.registers.placing import place_suppliers

    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise RegisterProblem(f"cannot change {', '.join(sorted(unknown))}")
    before = flags(supplier)
    handed_back = []
    for name, value in changes.items():
        if value == AUTOMATIC and name in _BY_LEAD:
            if getattr(supplier, _BY_LEAD[name]):
                setattr(supplier, _BY_LEAD[name], False)
                handed_back.append(name)
            continue
        if name in _BY_LEAD and getattr(supplier, name) != value:
            setattr(supplier, _BY_LEAD[name], True)
        setattr(supplier, name, value)
    if flags(supplier) == before and not handed_back:
        return False
    action.session.flush()
    place_suppliers(action.session, action.network, [supplier.id], user=action.user)
    action.session.refresh(supplier)
    after = flags(supplier)
    changed = sorted(k for k in after if after[k] != before[k])
    detail = {"automatic": handed_back} if handed_back else {}
    action.record(
        "supplier.changed", supplier_id=supplier.id, supplier=supplier.name,
        before={k: before[k] for k in changed}, after={k: after[k] for k in changed}, **detail,
    )
    action.recompute_after_commit()
    return True


def _conflicting(one, other):
    """Both suppliers carry a company (or charity) number and the numbers differ: two firms, whatever their names."""
    return or_(
        and_(one.company_number.is_not(None), other.company_number.is_not(None), one.company_number != other.company_number),
        and_(one.charity_number.is_not(None), other.charity_number.is_not(None), one.charity_number != other.charity_number),
    )


def _pending(network: Network):
    """Pairs waiting for the lead, most alike first; a pair whose numbers disagree is never offered."""
    one, other = aliased(Supplier), aliased(Supplier)
    return (
        select(SupplierMatchCandidate)
        .join(one, one.id == SupplierMatchCandidate.supplier_id)
        .join(other, other.id == SupplierMatchCandidate.candidate_id)
        .where(SupplierMatchCandidate.network_id == network.id, SupplierMatchCandidate.status == "pending")
        .where(~_conflicting(one, other))
    )


def pending_candidates(session: Session, network: Network) -> list[SupplierMatchCandidate]:
    """Pairs waiting for the lead, most alike first."""
    return list(session.scalars(
        _pending(network).order_by(SupplierMatchCandidate.score.desc(), SupplierMatchCandidate.id)
    ))


def pending_count(session: Session, network: Network) -> int:
    return session.scalar(select(func.count()).select_from(_pending(network).subquery()))


def pending_pair(session: Session, network: Network, position: int) -> SupplierMatchCandidate | None:
    """The pair at this place in the queue (1 is the most alike), or None past its end."""
    if position < 1:
        return None
    return session.scalar(
        _pending(network).order_by(SupplierMatchCandidate.score.desc(), SupplierMatchCandidate.id)
        .offset(position - 1).limit(1)
    )


def numbers_conflict(one: Supplier, other: Supplier) -> bool:
    return any(
        getattr(one, number) and getattr(other, number) and getattr(one, number) != getattr(other, number)
        for number in ("company_number", "charity_number")
    )


def candidate_of(session: Session, network: Network, candidate_id: int) -> SupplierMatchCandidate | None:
    candidate = session.get(SupplierMatchCandidate, candidate_id)
    return candidate if candidate is not None and candidate.network_id == network.id else None


def spellings(session: Session, supplier_ids) -> dict[int, list[str]]:
    """Each supplier's spellings as partners gave them (read by query, never through the
    relationship: a loaded collection would be nulled when a merged supplier is deleted)."""
    found: dict[int, list[str]] = {}
    for supplier_id, name in session.execute(
        select(SupplierAlias.supplier_id, SupplierAlias.name_as_given)
        .where(SupplierAlias.supplier_id.in_(list(supplier_ids))).order_by(SupplierAlias.name_as_given)
    ):
        found.setdefault(supplier_id, []).append(name)
    return found


def merge(action: LeadAction, candidate: SupplierMatchCandidate, keep_id: int) -> tuple[Supplier, SupplierMerge]:
    """Merge the pair into the supplier the lead chose to keep; every partner's lines follow.
    The merge is written down first (``SupplierMerge``) so the lead can undo it."""
    if candidate.status != "pending":
        raise RegisterProblem("This pair has already been decided")
    if keep_id not in (candidate.supplier_id, candidate.candidate_id):
        raise RegisterProblem("Choose one of the two suppliers to keep")
    merge_id = candidate.candidate_id if keep_id == candidate.supplier_id else candidate.supplier_id
    keep, gone = action.session.get(Supplier, keep_id), action.session.get(Supplier, merge_id)
    if numbers_conflict(keep, gone):
        raise RegisterProblem(f"{keep.name} and {gone.name} have different company or charity numbers: they are different firms")
    detail = {"kept": {"id": keep.id, "name": keep.name}, "merged": {"id": gone.id, "name": gone.name}}
    # The pair's row goes with the merged supplier (ON DELETE CASCADE); the audit log keeps the decision.
    record = merge_recorded(action.session, action.network, keep, gone, action.user)
    _place(action, keep)
    action.record("supplier.merged", merge_id=record.id, **detail)
    action.recompute_after_commit()
    return keep, record


def merge_of(session: Session, network: Network, merge_id: int) -> SupplierMerge | None:
    if not 0 < merge_id < 2**63:
        return None
    record = session.get(SupplierMerge, merge_id)
    return record if record is not None and record.network_id == network.id else None


def undo(action: LeadAction, record: SupplierMerge) -> Supplier:
    """Undo a merge: the merged supplier is back with its spellings and their lines. :raise RegisterProblem: when it cannot be."""
    try:
        restored = undo_merge(action.session, action.network, record, action.user)
    except CannotUndo as problem:
        raise RegisterProblem(str(problem)) from None
    keep = action.session.get(Supplier, record.kept_supplier_id)
    action.record(
        "supplier.merge_undone", merge_id=record.id,
        kept={"id": keep.id, "name": keep.name}, restored={"id": restored.id, "name": restored.name},
    )
    action.recompute_after_commit()
    return restored


def mark_distinct(action: LeadAction, candidate: SupplierMatchCandidate) -> None:
    """The pair are different suppliers: out of the queue, never offered again."""
    if candidate.status != "pending":
        raise RegisterProblem("This pair has already been decided")
    candidate.status, candidate.decided_by_id, candidate.decided_at = "distinct", action.user.id, utcnow()
    action.session.flush()
    action.record(
        "supplier.marked_distinct",
        suppliers=[{"id": s.id, "name": s.name} for s in (candidate.supplier, candidate.candidate)],
    )


def alias_of(session: Session, supplier: Supplier, alias_id: int) -> SupplierAlias | None:
    alias = session.get(SupplierAlias, alias_id)
    return alias if alias is not None and alias.supplier_id == supplier.id else None


def split(action: LeadAction, supplier: Supplier, alias: SupplierAlias) -> Supplier:
    """Make one spelling its own supplier again, with the lines that came in under it."""
    others = action.session.scalar(
        select(func.count(SupplierAlias.id)).where(SupplierAlias.supplier_id == supplier.id, SupplierAlias.id != alias.id)
    )
    if not others:
        raise RegisterProblem(f"{alias.name_as_given} is the only spelling of {supplier.name}: there is nothing to split it from")
    new = split_alias(action.session, action.network, alias)
    _place(action, new)
    action.record(
        "supplier.split", supplier_id=supplier.id, supplier=supplier.name,
        spelling=alias.name_as_given, new_supplier_id=new.id,
    )
    action.recompute_after_commit()
    return new


def _place(action: LeadAction, supplier: Supplier) -> None:
    """Place and class a supplier a merge completed or a split made (its postcode or numbers may be new)."""
    from portal.registers.placing import place_suppliers

    action.session.flush()
    place_suppliers(action.session, action.network, [supplier.id], user=action.user)
    action.session.refresh(supplier)
