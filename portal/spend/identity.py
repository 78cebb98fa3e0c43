"""What makes a spend line the same line: its whole content, then its place among identical lines.

A transaction number is not a key: an invoice's lines share it, and a purchase ledger lists
identical item lines (370 lines of £2.70 on one invoice) that are separate payments. So a
line is identified by a hash of every field its file maps, normalised (a date is a date
however written, an amount is pence), plus its occurrence number among identical lines of
the same file. Importing the same file again finds every (content, occurrence) held already
and adds nothing; every line of a file counts, identical ones included.
"""
from __future__ import annotations

import hashlib
from datetime import date

# The order the fields go into the hash: fixed, so the key does not depend on the file's column order.
IDENTITY_FIELDS = (
    "payment_date", "amount", "supplier_name", "transaction_ref", "expense_type", "service_area", "category",
    "supplier_postcode", "company_number", "charity_number", "vcse_flag", "supplier_ref", "body_name",
)
_SEPARATOR = "\x1f"


def content_key(payment_date: date, amount_pence: int, supplier_name: str, transaction_ref: str | None = None,
                expense_type: str | None = None, service_area: str | None = None, category: str | None = None,
                postcode: str | None = None, company_number: str | None = None, charity_number: str | None = None,
                vcse: bool | None = None, supplier_ref: str | None = None, body_name: str | None = None) -> str:
    """24 hex characters naming the line's content: equal for equal lines, whatever their spelling of a date or amount."""
    parts = (
        payment_date.isoformat(), str(amount_pence), " ".join(supplier_name.split()).casefold(), transaction_ref or "",
        expense_type or "", service_area or "", category or "", postcode or "", company_number or "",
        charity_number or "", "" if vcse is None else ("Y" if vcse else "N"), supplier_ref or "", body_name or "",
    )
    return hashlib.blake2b(_SEPARATOR.join(parts).encode(), digest_size=12).hexdigest()
