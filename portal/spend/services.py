"""Spend operations the pages call: plain functions on a session; the caller commits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.suppliers.services import SupplierKey, SupplierResolver
from tenants.models import Network, Organisation, utcnow
from workers import due, enqueue_after_commit

from .models import SpendImport, SpendLine
from .normalise import normalise_supplier_name, postcode_district


class DuplicateLine(ValueError):
    """The partner already has a line with this reference."""


def queue_totals_refresh(session: Session, organisation: Organisation, months) -> None:
    """Mark these months' totals due in this transaction; after the commit, recompute them, then the network's.

    The marks make the refresh survive a lost message (workers.due).
    """
    from .tasks import TOTALS_DUE

    due.mark_due(session, TOTALS_DUE, organisation.network_id, organisation.id, {m.replace(day=1) for m in months})


def add_line(session: Session, organisation: Organisation, *, payment_date: date, amount_pence: int, supplier_name: str,
             transaction_ref: str, supplier_postcode: str | None = None, expense_type: str | None = None,
             service_area: str | None = None, category: str | None = None) -> SpendLine:
    """Record one spend line entered by hand."""
    if session.scalar(select(SpendLine.id).where(SpendLine.transaction_ref == transaction_ref)):
        raise DuplicateLine(f"You already have a line with the reference {transaction_ref}")
    network = session.get(Network, organisation.network_id)
    key = SupplierKey(
        name=supplier_name.strip(), normalised_name=normalise_supplier_name(supplier_name) or supplier_name.lower(),
        postcode=supplier_postcode or None, postcode_district=postcode_district(supplier_postcode) if supplier_postcode else None,
    )
    supplier_id, alias_id = SupplierResolver(session, network).resolve(key)
    line = SpendLine(
        transaction_ref=transaction_ref.strip(), payment_date=payment_date, month=payment_date.replace(day=1),
        amount_pence=amount_pence, supplier_name=key.name, supplier_id=supplier_id, supplier_alias_id=alias_id,
        expense_type=expense_type or None, service_area=service_area or None, category=category or None,
    )
    session.add(line)
    session.flush()
    queue_totals_refresh(session, organisation, [payment_date])
    return line


def queue_import(session: Session, spend_import: SpendImport) -> None:
    """Mark the import queued and have a worker run it once this transaction commits."""
    from .tasks import import_spend_file

    spend_import.status = "queued"
    spend_import.rows_done = 0
    spend_import.failure_reason = None
    spend_import.heartbeat_at = utcnow()  # the queued lease runs from now
    session.flush()
    enqueue_after_commit(session, import_spend_file, spend_import.organisation_id, spend_import.id)
