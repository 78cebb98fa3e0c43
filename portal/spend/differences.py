"""What an import found against the months already held, read back for its page and downloads."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import totals
from .importing import stored_path
from .models import SpendImport, SpendImportDifference, SpendImportProblem
from .reading import read_spend_file

GROUPS = {
    "already-held": "Lines already held",
    "new": "New lines",
    "missing": "Earlier lines this file does not have",
    "changed": "Lines whose reference matches but whose amount, date, supplier or detail changed",
}
DIFFERENCE_HEADER = ["Line in this file", "Transaction reference", "Date", "Amount (£)", "Supplier",
                     "Held line id", "Held date", "Held amount (£)", "Held supplier"]
ALREADY_HELD_WHY = "An earlier import holds this same line: every column the same, as many times as this file has it"


def _group(spend_import: SpendImport, kind: str):
    """One group of the comparison, in file order (held lines by id)."""
    return (select(SpendImportDifference)
            .where(SpendImportDifference.spend_import_id == spend_import.id, SpendImportDifference.kind == kind)
            .order_by(SpendImportDifference.line_number, SpendImportDifference.held_line_id))


def difference_rows(session: Session, spend_import: SpendImport, kind: str) -> Iterator[list]:
    """Every line of one difference group as download rows."""
    for d in session.scalars(_group(spend_import, kind)).yield_per(2000):
        yield [d.line_number, d.transaction_ref, d.payment_date, _maybe_pounds(d.amount_pence), d.supplier_name,
               d.held_line_id, d.held_payment_date, _maybe_pounds(d.held_amount_pence), d.held_supplier_name]


def first_differences(session: Session, spend_import: SpendImport, kind: str, limit: int = 20) -> list[SpendImportDifference]:
    """The first lines of one difference group, for the page; none read when the comparison found none."""
    if not getattr(spend_import, f"{kind}_count"):
        return []
    return session.scalars(_group(spend_import, kind).limit(limit)).all()


def already_held_rows(session: Session, spend_import: SpendImport) -> tuple[list[str], Iterator[list]]:
    """The header and rows of the file's already-held lines, read again from the stored file.

    A good line of the file is already held unless the comparison recorded it as new or changed, so the
    file is walked beside those line numbers and the rejected ones, all in line order: memory stays flat.
    """
    spend_file = read_spend_file(stored_path(spend_import), spend_import.filename)
    not_held = session.scalars(
        select(SpendImportDifference.line_number).where(SpendImportDifference.spend_import_id == spend_import.id,
                                                        SpendImportDifference.line_number.is_not(None))
        .union(select(SpendImportProblem.line_number).where(SpendImportProblem.spend_import_id == spend_import.id))
        .order_by("line_number").execution_options(yield_per=5000)
    )

    def rows():
        if not spend_import.already_held_count:
            return
        skips = iter(not_held)
        skip = next(skips, None)
        for raw in spend_file.rows():
            while skip is not None and skip < raw.line_number:
                skip = next(skips, None)
            if raw.line_number != skip:
                yield [raw.line_number, ALREADY_HELD_WHY, *(raw.values.get(h, "") for h in spend_file.headers)]

    return ["Line in this file", "Why it was not added", *spend_file.headers], rows()


def _maybe_pounds(pence: int | None) -> Decimal | None:
    # A number, not text: a spreadsheet adds it up, and a credit note's minus is not taken for a formula.
    return None if pence is None else Decimal(pence).scaleb(-2)


def financial_years(months: list[str], fy_start_month: int) -> list[tuple[date, list[date]]]:
    """The financial years (their first day) an import's months fall in, each with its months."""
    years: dict[date, list[date]] = {}
    for month in sorted(date.fromisoformat(m) for m in months):
        years.setdefault(totals.period_starts(month, fy_start_month)[1], []).append(month)
    return sorted(years.items())
