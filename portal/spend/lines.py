"""Turning one raw row of a spend file into a checked spend line, or a reason it cannot be."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from portal.suppliers.services import SupplierKey

from .normalise import (
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
    normalise_supplier_name,
    parse_amount,
    parse_date,
    parse_yes_no,
    postcode_district,
)

REQUIRED = ("payment_date", "amount", "supplier_name")
TEXT_LIMITS = {"transaction_ref": 120, "expense_type": 200, "service_area": 200, "category": 200, "supplier_name": 300}


class LineProblem(ValueError):
    """Why a line was rejected, in words for the officer."""


@dataclass(frozen=True)
class ParsedLine:
    line_number: int
    transaction_ref: str | None
    payment_date: date
    amount_pence: int
    supplier: SupplierKey
    expense_type: str | None
    service_area: str | None
    category: str | None

    @property
    def month(self) -> date:
        return self.payment_date.replace(day=1)

    @property
    def content_key(self) -> str:
        """Identifies the payment when the file gives no reference: the same line in a
        re-imported file gets the same key (its occurrence number is added in SQL)."""
        parts = [self.payment_date.isoformat(), str(self.amount_pence), self.supplier.normalised_name,
                 self.expense_type or "", self.service_area or "", self.category or ""]
        return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:24]


def _text(values: dict, mapping: dict, field: str) -> str:
    header = mapping.get(field)
    if not header:
        return ""
    return (values.get(header) or "").strip()


def _optional(values, mapping, field) -> str | None:
    value = _text(values, mapping, field)
    if not value:
        return None
    limit = TEXT_LIMITS.get(field)
    if limit and len(value) > limit:
        raise LineProblem(f"{field.replace('_', ' ')} is longer than {limit} characters")
    return value


def parse_line(line_number: int, values: dict, mapping: dict) -> ParsedLine:
    """A checked line, or LineProblem naming every field that is wrong."""
    problems: list[str] = []
    parsed: dict = {}
    for field in REQUIRED:
        if not _text(values, mapping, field):
            problems.append(f"{field.replace('_', ' ')} is missing")
    if not problems:
        for field, parse in (("payment_date", parse_date), ("amount", parse_amount)):
            try:
                parsed[field] = parse(_text(values, mapping, field))
            except ValueError as error:
                problems.append(str(error))
    supplier_fields = {}
    for field, parse in (
        ("supplier_postcode", normalise_postcode),
        ("company_number", normalise_company_number),
        ("charity_number", normalise_charity_number),
        ("vcse_flag", parse_yes_no),
    ):
        raw = _text(values, mapping, field)
        if not raw:
            supplier_fields[field] = None
            continue
        try:
            supplier_fields[field] = parse(raw)
        except ValueError as error:
            problems.append(str(error))
    try:
        texts = {f: _optional(values, mapping, f) for f in ("transaction_ref", "expense_type", "service_area", "category", "supplier_name")}
    except LineProblem as error:
        problems.append(str(error))
    if problems:
        raise LineProblem("; ".join(problems))
    name = texts["supplier_name"]
    postcode = supplier_fields["supplier_postcode"]
    supplier = SupplierKey(
        name=name,
        normalised_name=normalise_supplier_name(name) or name.lower(),
        postcode=postcode,
        postcode_district=postcode_district(postcode) if postcode else None,
        company_number=supplier_fields["company_number"],
        charity_number=supplier_fields["charity_number"],
        vcse=supplier_fields["vcse_flag"],
    )
    return ParsedLine(
        line_number=line_number,
        transaction_ref=texts["transaction_ref"],
        payment_date=parsed["payment_date"],
        amount_pence=parsed["amount"],
        supplier=supplier,
        expense_type=texts["expense_type"],
        service_area=texts["service_area"],
        category=texts["category"],
    )
