"""Merges the lead can undo: what a merge changes is written down first, so an undo puts it back exactly."""
from __future__ import annotations

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from tenants import network_wide
from tenants.models import Network, User, utcnow

from .links import put_links_back
from .links import row_as_json as _snapshot
from .links import row_from_json as _restored
from .models import Supplier, SupplierAlias, SupplierMatchCandidate, SupplierMerge
from .services import merge_suppliers, network_partner_ids


class CannotUndo(ValueError):
    """The merge cannot be undone any more; the message says why."""


def merge_recorded(session: Session, network: Network, keep: Supplier, gone: Supplier, user: User | None) -> SupplierMerge:
    """``merge_suppliers``, after writing down what it will change (call before anything else touches the pair)."""
    from portal.spend.models import SpendLine

    session.flush()
    alias_ids = list(session.scalars(select(SupplierAlias.id).where(SupplierAlias.supplier_id == gone.id).order_by(SupplierAlias.id)))
    with network_wide(network_partner_ids(session, network.id), reason="a supplier merge notes the lines it moves"):
        other_lines = list(session.scalars(select(SpendLine.id).where(
            SpendLine.supplier_id == gone.id,
            or_(SpendLine.supplier_alias_id.is_(None), SpendLine.supplier_alias_id.not_in(alias_ids or [-1])),
        )))
    pairs = [_snapshot(pair) for pair in session.scalars(select(SupplierMatchCandidate).where(
        or_(SupplierMatchCandidate.supplier_id == gone.id, SupplierMatchCandidate.candidate_id == gone.id)
    ).order_by(SupplierMatchCandidate.id))]
    record = SupplierMerge(
        network_id=network.id, kept_supplier_id=keep.id, merged_supplier_id=gone.id, merged_supplier=_snapshot(gone),
        kept_before=_snapshot(keep), alias_ids=alias_ids, other_line_ids=other_lines, pairs=pairs,
        merged_by_id=user.id if user else None,
    )
    record.moved_links, record.removed_rows = merge_suppliers(session, network, keep, gone)
    session.add(record)
    session.flush()
    return record


def undo_merge(session: Session, network: Network, record: SupplierMerge, user: User | None) -> Supplier:
    """Put the merged supplier back under its id, with its spellings, their lines, its review pairs, the rows
    that pointed at it (contracts, bids, businesses ...) and its own rows, and the kept supplier as it was
    before. :raise CannotUndo: when later changes stand in the way."""
    from portal.spend.models import SpendLine

    if record.network_id != network.id:
        raise CannotUndo("That merge is not this network's")
    if record.undone_at is not None:
        raise CannotUndo("That merge has already been undone")
    keep = session.get(Supplier, record.kept_supplier_id) if record.kept_supplier_id else None
    if keep is None:
        raise CannotUndo("The supplier it was merged into has since been merged into another: undo that first")
    if session.get(Supplier, record.merged_supplier_id) is not None:
        raise CannotUndo("The merged supplier is already back")
    moved = session.execute(select(SupplierAlias.id, SupplierAlias.supplier_id).where(SupplierAlias.id.in_(record.alias_ids or [-1]))).all()
    if len(moved) != len(record.alias_ids) or any(owner != keep.id for _, owner in moved):
        raise CannotUndo("A spelling it brought has since been split out or merged again")

    gone = Supplier(**_restored(Supplier, record.merged_supplier))
    session.add(gone)
    session.flush()
    session.execute(update(SupplierAlias).where(SupplierAlias.id.in_(record.alias_ids or [-1])).values(supplier_id=gone.id))
    with network_wide(network_partner_ids(session, network.id), reason="undoing a supplier merge moves every partner's lines back"):
        session.execute(
            update(SpendLine).where(
                SpendLine.supplier_id == keep.id,
                or_(SpendLine.supplier_alias_id.in_(record.alias_ids or [-1]), SpendLine.id.in_(record.other_line_ids or [-1])),
            ).values(supplier_id=gone.id),
            execution_options={"synchronize_session": False},
        )
    with network_wide(network_partner_ids(session, network.id), business_networks=(network.id,),
                      reason="undoing a supplier merge points every partner's and business's rows back"):
        put_links_back(session, keep.id, gone.id, record.moved_links, record.removed_rows)
    for key, value in _restored(Supplier, record.kept_before).items():
        if key != "id":
            setattr(keep, key, value)
    for pair in record.pairs:
        values = _restored(SupplierMatchCandidate, pair)
        if values["supplier_id"] in (keep.id, gone.id) and values["candidate_id"] in (keep.id, gone.id):
            values.update(status="pending", decided_by_id=None, decided_at=None)  # the pair is in the queue again
        session.add(SupplierMatchCandidate(**values))
    record.undone_at, record.undone_by_id = utcnow(), user.id if user else None
    session.flush()
    return gone


def recent_merges(session: Session, network: Network, limit: int = 10) -> list[SupplierMerge]:
    """The network's merges not yet undone, newest first."""
    return list(session.scalars(
        select(SupplierMerge)
        .where(and_(SupplierMerge.network_id == network.id, SupplierMerge.undone_at.is_(None)))
        .order_by(SupplierMerge.merged_at.desc(), SupplierMerge.id.desc()).limit(limit)
    ))
