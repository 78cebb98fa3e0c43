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

_SEPARATOR = "\x1f"
_blake2b = hashlib.blake2b


def supplier_part(name: str, postcode: str | None = None, company_number: str | None = None,
                  charity_number: str | None = None, vcse: bool | None = None) -> str:
    """What a line says of its supplier, as it goes into the key (a file repeats a few thousand of these: cached)."""
    flag = "" if vcse is None else ("Y" if vcse else "N")
    return _SEPARATOR.join((" ".join(name.split()).casefold(), postcode or "", company_number or "", charity_number or "", flag))


def key_of(iso_date: str, amount_pence: int, supplier: str, transaction_ref: str | None, expense_type: str | None,
           service_area: str | None, category: str | None, supplier_ref: str | None, body_name: str | None) -> str:
    """The key from a line's parts, the date as ISO text and the supplier as ``supplier_part`` gives it."""
    text = (f"{iso_date}\x1f{amount_pence}\x1f{supplier}\x1f{transaction_ref or ''}\x1f{expense_type or ''}\x1f"
            f"{service_area or ''}\x1f{category or ''}\x1f{supplier_ref or ''}\x1f{body_name or ''}")
    return _blake2b(text.encode(), digest_size=12).hexdigest()


def content_key(payment_date: date, amount_pence: int, supplier_name: str, transaction_ref: str | None = None,
                expense_type: str | None = None, service_area: str | None = None, category: str | None = None,
                postcode: str | None = None, company_number: str | None = None, charity_number: str | None = None,
                vcse: bool | None = None, supplier_ref: str | None = None, body_name: str | None = None) -> str:
    """24 hex characters naming the line's content: equal for equal lines, whatever their spelling of a date or amount."""
    return key_of(payment_date.isoformat(), amount_pence,
                  supplier_part(supplier_name, postcode, company_number, charity_number, vcse),
                  transaction_ref, expense_type, service_area, category, supplier_ref, body_name)
