"""A register's line as a contract: each value read the way the Transparency Code writes it.

A register is a list kept by hand, and real ones say "TBC", "Various" or "-" where a value is
not known, and sometimes write a date that does not exist (Salford: "2022-09-31"). Such a
value is kept as unknown (None) and the line carries a *note* saying what the file said; the
line still imports, with its whole row kept as given (``as_given``). A line is an *error*,
and the import waits for a fixed file, only when it cannot be a contract at all: its cells do
not match the header, nothing names it (no title, reference or description), a value is
negative, or a text is too long to keep whole.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from portal.spend.normalise import (
    normalise_company_number,
    normalise_postcode,
    parse_amount,
    parse_date,
    parse_yes_no,
)
from portal.spend.reading import EXTRA, read_spend_file

from .headers import FIELD_LABELS
from .identity import content_key

# Cells that say "not known" rather than giving a value: kept as unknown, without a note.
NOT_KNOWN = {"", "N/A", "NA", "N.A.", "N/K", "NONE", "NULL", "NIL", "-", "--", "UNKNOWN", "TBC", "TBA", "VARIOUS"}
TEXT_LIMITS = {
    "reference": 120, "title": 300, "supplier_name": 300, "category": 200, "category_description": 200,
    "directorate": 200, "procurement_process": 100, "purchasing_body": 200,
}
_TEXT = ("reference", "title", "description", "supplier_name", "category", "category_description", "directorate",
         "procurement_process", "purchasing_body")
_MONEY = ("annual_value", "total_value")
_DATES = ("start_date", "end_date", "expiry_date")
_FLAGS = ("sme", "ojeu_fts", "extension_1_taken", "extension_2_taken")
_MONTHS = ("duration_months", "extension_option_months")


class LineError(ValueError):
    """The line cannot be a contract; the message says why."""


@dataclass
class ContractLine:
    """One contract as a register line (or an OCDS award) gives it."""

    line_number: int
    values: dict  # field -> interpreted value (None: not known)
    as_given: dict  # column -> text, as written
    notes: list[str] = field(default_factory=list)
    ocid: str | None = None
    key: str = ""
    occurrence: int = 1

    @property
    def reference(self) -> str:
        return self.values.get("reference") or ""


def _plain(text: str) -> str:
    return " ".join(text.split())


def _not_known(text: str) -> bool:
    return text.upper() in NOT_KNOWN


def read_values(cells: dict[str, str], line_number: int) -> tuple[dict, list[str]]:
    """Interpret a line's cells (field -> text) into values and notes; raise LineError if it is no contract."""
    values: dict = {}
    notes: list[str] = []

    def note(name: str, text: str, why: str) -> None:
        notes.append(f"{FIELD_LABELS[name]} {text!r} {why}: kept as unknown")

    for name, raw in cells.items():
        text = _plain(raw)
        if name in _TEXT:
            limit = TEXT_LIMITS.get(name)
            if limit and len(text) > limit:
                raise LineError(f"{FIELD_LABELS[name]} is {len(text)} characters long; at most {limit} can be kept")
            values[name] = text or None
        elif _not_known(text) and name not in ("supplier_postcode", "company_number"):
            values[name] = None
        elif name in _MONEY:
            try:
                pence = parse_amount(text)
            except ValueError:
                note(name, text, "is not a sum of money")
                pence = None
            if pence is not None and pence < 0:
                raise LineError(f"{FIELD_LABELS[name]} {text!r} is negative: a contract's value cannot be")
            values[name] = pence
        elif name in _DATES:
            try:
                values[name] = parse_date(text)
            except ValueError:
                note(name, text, "is not a real date")
                values[name] = None
        elif name in _FLAGS:
            try:
                values[name] = parse_yes_no(text)
            except ValueError:
                note(name, text, "is not yes or no")
                values[name] = None
        elif name in _MONTHS:
            try:
                months = Decimal(text)
                if not months.is_finite() or months < 0 or months >= 1_000_000:
                    raise InvalidOperation
                values[name] = months.quantize(Decimal("0.01"))
            except InvalidOperation:
                note(name, text, "is not a number of months")
                values[name] = None
        elif name == "extension_count":
            values[name] = int(text) if text.isdigit() and len(text) < 6 else None
            if values[name] is None:
                note(name, text, "is not a whole number")
        elif name == "supplier_postcode":
            values[name] = None
            if not _not_known(text):
                try:
                    values[name] = normalise_postcode(text)
                except ValueError:
                    note(name, text, "is not a UK postcode")
        elif name == "company_number":
            try:
                values[name] = normalise_company_number(raw)
            except ValueError:
                note(name, text, "is not a Companies House number")
                values[name] = None
    if not (values.get("title") or values.get("reference") or values.get("description")):
        raise LineError("nothing names the contract: no title, reference or description")
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        notes.append(f"{FIELD_LABELS['end_date']} {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}: "
                     "kept as unknown")
        values["end_date"] = None
    return values, notes


def register_lines(path, filename: str, mapping: dict[str, str]) -> Iterator[ContractLine | tuple[int, str, dict]]:
    """Each line of a CSV or XLSX register: a ContractLine, or (line number, reason, row) for an error.

    Occurrences are numbered here, in file order, so two identical lines are two contracts.
    """
    register = read_spend_file(path, filename)
    seen: dict[str, int] = {}
    columns = {name: column for name, column in mapping.items() if column in register.headers}
    for raw in register.rows():
        row = {k: v for k, v in raw.values.items() if k != EXTRA}
        if raw.problem:
            yield (raw.line_number, raw.problem, row)
            continue
        try:
            values, notes = read_values({name: row.get(column, "") for name, column in columns.items()}, raw.line_number)
        except LineError as error:
            yield (raw.line_number, str(error), row)
            continue
        line = ContractLine(raw.line_number, values, row, notes)
        number(line, seen)
        yield line


def number(line: ContractLine, seen: dict[str, int]) -> None:
    """Give the line its identity: the key of its content and its occurrence among identical lines."""
    line.key = content_key(line.values, line.ocid)
    line.occurrence = seen[line.key] = seen.get(line.key, 0) + 1


def text_of(value) -> str:
    """A value as the key and the comparison see it."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
