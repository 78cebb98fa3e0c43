"""What a supplier goes through whenever something about it may have changed: matched, then placed.

A new supplier from a spend import, a register refreshed, the network's area edited: each
ends here. Matching ties suppliers to the registers (portal/registers/matching.py), placing
reads their place and class from what they are tied to (portal/registers/placing.py), and
placing marks the totals of every partner whose figures moved as due, so the workers follow.
Plain functions on a session; the caller commits.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier
from tenants.models import Network

from .area import migrate_every_area
from .loading import LoadResult
from .matching import match_suppliers
from .placing import place_suppliers, replace_changed

MATCHED_BY_REGISTERS = ("companies", "charities", "mutuals")


def unmatched_supplier_ids(session: Session, network: Network) -> list[int]:
    """Suppliers no register, API lookup or lead has tied to an entry yet: the only ones matching need read again."""
    return list(session.scalars(
        select(Supplier.id).where(Supplier.network_id == network.id, Supplier.match_method.is_(None),
                                  Supplier.place_by_lead.is_(False)).order_by(Supplier.id)
    ))


def settle_suppliers(session: Session, network: Network, supplier_ids: Iterable[int] | None = None) -> set[int]:
    """Match these suppliers (None: every one not yet matched), then place and class the network's; ids that moved."""
    wanted = unmatched_supplier_ids(session, network) if supplier_ids is None else sorted(set(supplier_ids))
    report = match_suppliers(session, network, wanted)
    session.flush()
    # Placing is cheap and set-based: the whole register, so an edited area or exclusion reaches everyone.
    return place_suppliers(session, network, None if supplier_ids is None else set(wanted) | set(report.changed_ids))


def after_register_load(session: Session, result: LoadResult) -> int:
    """Follow a register refresh: only suppliers whose register row changed are placed again, then
    (for a company, charity or mutuals register) the still unmatched are matched against the new entries.

    A new postcode directory also gives networks still defined by postcode districts their districts by GSS code
    (area_from_districts places such a network's suppliers again itself, and logs it).
    Returns how many suppliers were placed again for a changed register row or a new match.
    """
    if result.register == "postcodes":
        migrate_every_area(session)
    moved = replace_changed(session, result.register, result.changed_keys)
    if result.register in MATCHED_BY_REGISTERS:
        for network in session.scalars(select(Network).order_by(Network.id)):
            unmatched = unmatched_supplier_ids(session, network)
            if unmatched:
                moved += len(settle_suppliers(session, network, unmatched))
    return moved
