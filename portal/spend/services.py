"""Spend operations the pages call: plain functions on a session; the caller commits."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.services import record
from portal.suppliers.services import SupplierResolver
from tenants.models import Network, Organisation, utcnow
from workers import due, enqueue_after_commit

from .identity import content_key
from .lines import supplier_key
from .models import SpendImport, SpendLine
from .retiring import retire_where


class DuplicateLine(ValueError):
    """The partner already has this exact line (every field the same)."""


class CannotWithdraw(ValueError):
    """The import is not one that can be withdrawn; the message says why."""


class CannotChoose(ValueError):
    """The import is not waiting for the officer's choice."""


def choose_for_held_months(session: Session, spend_import: SpendImport, choice: str, user) -> None:
    """Record the officer's choice for a file whose months are held ("replace" or "add") and queue the import again.

    The worker compares afresh under the network lock before writing, so a change made meanwhile is never overwritten.
    """
    if spend_import.status != "needs_choice":
        raise CannotChoose("This import is not waiting for a choice.")
    if choice not in ("replace", "add"):
        raise CannotChoose("Choose whether to replace those months or add only the new lines.")
    spend_import.overlap_choice = choice
    spend_import.choice_by_id = user.id if user else None
    queue_import(session, spend_import)


def queue_totals_refresh(session: Session, organisation: Organisation, months) -> None:
    """Mark these months' totals due in this transaction; after the commit, recompute them, then the network's.

    The marks make the refresh survive a lost message (workers.due).
    """
    from .tasks import TOTALS_DUE

    due.mark_due(session, TOTALS_DUE, organisation.network_id, organisation.id, {m.replace(day=1) for m in months})


def add_line(session: Session, organisation: Organisation, *, payment_date: date, amount_pence: int, supplier_name: str,
             transaction_ref: str, supplier_postcode: str | None = None, expense_type: str | None = None,
             service_area: str | None = None, category: str | None = None) -> SpendLine:
    """Record one spend line entered by hand.

    A reference is not a key (an invoice's lines share one), so only the very same line is
    refused: the same form sent twice, not a second line of the same invoice.
    """
    transaction_ref = transaction_ref.strip()
    key = content_key(payment_date, amount_pence, supplier_name.strip(), transaction_ref, expense_type or None,
                      service_area or None, category or None, supplier_postcode or None)
    if session.scalar(select(SpendLine.id).where(SpendLine.content_key == key)):
        raise DuplicateLine(f"You already have this line: {transaction_ref}, the same date, amount and supplier")
    network = session.get(Network, organisation.network_id)
    supplier = supplier_key(supplier_name.strip(), supplier_postcode or None, None, None, None)
    supplier_id, alias_id = SupplierResolver(session, network).resolve(supplier) if supplier else (None, None)
    line = SpendLine(
        transaction_ref=transaction_ref, payment_date=payment_date, month=payment_date.replace(day=1),
        amount_pence=amount_pence, supplier_name=supplier_name.strip(), supplier_id=supplier_id, supplier_alias_id=alias_id,
        expense_type=expense_type or None, service_area=service_area or None, category=category or None,
        content_key=key, occurrence=1, payee_unnamed=supplier is None,
    )
    session.add(line)
    session.flush()
    queue_totals_refresh(session, organisation, [payment_date])
    return line


def withdraw_import(session: Session, spend_import: SpendImport, user) -> int:
    """Make an import's lines stop counting (kept, as withdrawn), and its months' totals due; return the lines withdrawn.

    Lines it replaced stay replaced: importing the earlier file again brings them back.
    """
    if spend_import.status != "imported":
        raise CannotWithdraw("Only an import that finished can be withdrawn.")
    now = utcnow()
    months = session.scalars(select(SpendLine.month).where(SpendLine.spend_import_id == spend_import.id).distinct()).all()
    withdrawn = retire_where(
        session.connection(), spend_import.organisation_id, "spend_import_id = :import_id",
        "withdrawn", spend_import.id, user.id if user else None, now, {"import_id": spend_import.id},
    )
    spend_import.status = "withdrawn"
    spend_import.withdrawn_at = now
    spend_import.withdrawn_by_id = user.id if user else None
    record(session, "spend_import.withdrawn", user, import_id=spend_import.id, filename=spend_import.filename,
           lines=withdrawn, months=[m.isoformat() for m in sorted(months)])
    session.flush()
    if months:
        queue_totals_refresh(session, session.get(Organisation, spend_import.organisation_id), months)
    return withdrawn


def queue_import(session: Session, spend_import: SpendImport) -> None:
    """Mark the import queued and have a worker run it once this transaction commits."""
    from .tasks import import_spend_file

    spend_import.status = "queued"
    spend_import.rows_done = 0
    spend_import.failure_reason = None
    spend_import.heartbeat_at = utcnow()  # the queued lease runs from now
    session.flush()
    enqueue_after_commit(session, import_spend_file, spend_import.organisation_id, spend_import.id)
