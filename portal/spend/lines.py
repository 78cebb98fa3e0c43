"""Turning one raw row of a spend file into a checked spend line, or a reason it cannot be."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from portal.suppliers.services import SupplierKey

from .identity import content_key, key_of, supplier_part
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
from .payees import is_unnamed

REQUIRED = ("payment_date", "amount")  # a blank supplier name is an unnamed payee (payees.py), not a bad line
TEXT_LIMITS = {"transaction_ref": 120, "expense_type": 200, "service_area": 200, "category": 200, "supplier_name": 300}


class LineProblem(ValueError):
    """Why a line was rejected, in words for the officer."""


@dataclass(frozen=True)
class ParsedLine:
    line_number: int
    transaction_ref: str | None
    payment_date: date
    amount_pence: int
    supplier_name: str  # as written; "" when blank
    supplier: SupplierKey | None  # None: the payee is not named or redacted
    expense_type: str | None
    service_area: str | None
    category: str | None
    content_key: str

    @property
    def month(self) -> date:
        return self.payment_date.replace(day=1)


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


def supplier_key(name: str, postcode: str | None, company_number: str | None, charity_number: str | None,
                 vcse: bool | None) -> SupplierKey | None:
    """What the line says about its supplier, or None when it names no one (payees.is_unnamed)."""
    if is_unnamed(name):
        return None
    return SupplierKey(
        name=name, normalised_name=normalise_supplier_name(name), postcode=postcode,
        postcode_district=postcode_district(postcode) if postcode else None,
        company_number=company_number, charity_number=charity_number, vcse=vcse,
    )


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
    name = texts["supplier_name"] or ""
    supplier = supplier_key(name, supplier_fields["supplier_postcode"], supplier_fields["company_number"],
                            supplier_fields["charity_number"], supplier_fields["vcse_flag"])
    key = content_key(
        parsed["payment_date"], parsed["amount"], name, texts["transaction_ref"], texts["expense_type"],
        texts["service_area"], texts["category"], supplier_fields["supplier_postcode"], supplier_fields["company_number"],
        supplier_fields["charity_number"], supplier_fields["vcse_flag"], _text(values, mapping, "supplier_ref"),
        _text(values, mapping, "body_name"),
    )
    return ParsedLine(
        line_number=line_number, transaction_ref=texts["transaction_ref"], payment_date=parsed["payment_date"],
        amount_pence=parsed["amount"], supplier_name=name, supplier=supplier, expense_type=texts["expense_type"],
        service_area=texts["service_area"], category=texts["category"], content_key=key,
    )


# --- the fast path for a whole file -----------------------------------------------------------

# Per-import caches hold at most this many distinct values each, then start again: a year's
# file has ~1,500 supplier spellings and 365 dates, so this never empties in practice, and
# memory stays flat whatever the file.
CACHE_LIMIT = 50_000


class LineChecker:
    """``parse_line`` for every line of one file, fast.

    A file repeats itself: ~1,500 distinct supplier spellings and a few hundred dates in a
    million lines. So each distinct date, and each distinct supplier (name, postcode, company
    and charity numbers, VCSE flag, as written) is checked once and remembered. Anything
    unusual (a blank required cell, a value a parser refuses, a text too long) goes to
    ``parse_line`` itself, so a bad line gets exactly the reasons it always got.
    """

    # The cells the checker reads, in this order, fetched from a row in one C-level pass.
    _FIELDS = ("payment_date", "amount", "supplier_name", "supplier_postcode", "company_number",
               "charity_number", "vcse_flag", "transaction_ref", "expense_type", "service_area", "category",
               "supplier_ref", "body_name")

    def __init__(self, mapping: dict, headers: list[str] | None = None):
        self._mapping = mapping
        self._keys = tuple(mapping.get(f) or None for f in self._FIELDS)  # None: unmapped, reads ""
        self._blanks = ("",) * len(self._keys)
        # By position, for rows that keep their cells as a list: an unmapped field reads the "" put past the last cell.
        self._pick = None
        if headers is not None:
            where = {header: position for position, header in enumerate(headers)}
            self._pick = itemgetter(*(where.get(key, len(headers)) for key in self._keys))
        self._limits = tuple(TEXT_LIMITS[f] for f in self._FIELDS[7:11])
        self._dates: dict = {}  # cell text -> (date, first of its month, ISO text)
        self._suppliers: dict = {}  # supplier cells as written -> (SupplierKey or None, name, its part of the key)

    def check(self, line_number: int, values: dict) -> tuple:
        """(transaction_ref, payment_date, month, amount_pence, supplier or None, supplier name as written,
        expense_type, service_area, category, content_key), or LineProblem with every reason, as ``parse_line`` gives them."""
        return self._check(line_number, map(values.get, self._keys, self._blanks), lambda: values)

    def check_row(self, raw) -> tuple:
        """``check`` for a row of the file (a ``reading.RawRow``), reading its cells by position where it can."""
        cells = raw.cells
        if cells is None or self._pick is None:
            return self.check(raw.line_number, raw.values)
        cells.append("")
        try:
            picked = self._pick(cells)
        finally:
            cells.pop()
        return self._check(raw.line_number, picked, lambda: raw.values)

    def _check(self, line_number: int, picked, values) -> tuple:
        try:
            cells = tuple(map(str.strip, picked))
            day, month, iso = self._day(cells[0])
            amount = parse_amount(cells[1])
            supplier, name, part = self._supplier(cells[2:7])
            texts = [cell or None for cell in cells[7:11]]
            for text, limit in zip(texts, self._limits):
                if text is not None and len(text) > limit:
                    raise ValueError("too long")
        except (ValueError, TypeError):
            line = parse_line(line_number, values(), self._mapping)  # raises with the reasons
            return (line.transaction_ref, line.payment_date, line.month, line.amount_pence, line.supplier,
                    line.supplier_name, line.expense_type, line.service_area, line.category, line.content_key)
        ref, expense, service, category = texts
        key = key_of(iso, amount, part, ref, expense, service, category, cells[11], cells[12])
        return (ref, day, month, amount, supplier, name, expense, service, category, key)

    def _day(self, text: str) -> tuple[date, date, str]:
        found = self._dates.get(text)
        if found is None:
            if not text:
                raise ValueError("date is missing")
            day = parse_date(text)
            found = (day, day.replace(day=1), day.isoformat())
            _remember(self._dates, text, found)
        return found

    def _supplier(self, cells: tuple) -> tuple:
        found = self._suppliers.get(cells)
        if found is None:
            name, postcode, company, charity, vcse = cells
            if len(name) > TEXT_LIMITS["supplier_name"]:
                raise ValueError("supplier name")
            postcode = normalise_postcode(postcode) if postcode else None
            company = normalise_company_number(company) if company else None
            charity = normalise_charity_number(charity) if charity else None
            vcse = parse_yes_no(vcse) if vcse else None
            found = (supplier_key(name, postcode, company, charity, vcse), name,
                     supplier_part(name, postcode, company, charity, vcse))
            _remember(self._suppliers, cells, found)
        return found


def _remember(cache: dict, key, value) -> None:
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value
