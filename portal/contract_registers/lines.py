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
from decimal import Decimal, InvalidOperation

from portal.query_args import whole_number
from portal.spend.normalise import (
    normalise_company_number,
    normalise_postcode,
    parse_amount,
    parse_date,
    parse_yes_no,
)
from portal.spend.reading import EXTRA, read_spend_file

from .headers import FIELD_LABELS, FIELDS, HEADER_RULE
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
# Every field, unknown: a line's values start as a copy, so each has every field (a field not mapped is unknown).
NO_VALUES = dict.fromkeys(FIELDS)


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


def _not_known(text: str) -> bool:
    return text.upper() in NOT_KNOWN


def _read_cell(name: str, text: str):
    """One cell's value and, when it cannot be read, the note saying so; raises LineError."""
    if _not_known(text) and name not in ("supplier_postcode", "company_number"):
        return None, None
    label = FIELD_LABELS[name]
    if name in _MONEY:
        try:
            pence = parse_amount(text)
        except ValueError:
            return None, f"{label} {text!r} is not a sum of money: kept as unknown"
        if pence < 0:
            raise LineError(f"{label} {text!r} is negative: a contract's value cannot be")
        return pence, None
    if name in _DATES:
        try:
            return parse_date(text), None
        except ValueError:
            return None, f"{label} {text!r} is not a real date: kept as unknown"
    if name in _FLAGS:
        try:
            return parse_yes_no(text), None
        except ValueError:
            return None, f"{label} {text!r} is not yes or no: kept as unknown"
    if name in _MONTHS:
        try:
            months = Decimal(text)
            if not months.is_finite() or months < 0 or months >= 1_000_000:
                raise InvalidOperation
            return months.quantize(Decimal("0.01")), None
        except InvalidOperation:
            return None, f"{label} {text!r} is not a number of months: kept as unknown"
    if name == "extension_count":
        if whole_number(text, high=99_999) is not None:
            return whole_number(text), None
        return None, f"{label} {text!r} is not a whole number: kept as unknown"
    if name == "supplier_postcode":
        if _not_known(text):
            return None, None
        try:
            return normalise_postcode(text), None
        except ValueError:
            return None, f"{label} {text!r} is not a UK postcode: kept as unknown"
    if name == "company_number":
        try:
            return normalise_company_number(text), None
        except ValueError:
            return None, f"{label} {text!r} is not a Companies House number: kept as unknown"
    raise KeyError(name)


class CellReader:
    """Reads a file's cells, remembering each distinct (field, cell): a register repeats its dates and flags."""

    LIMIT = 200_000

    def __init__(self):
        self._seen: dict = {}

    def read(self, name: str, raw: str):
        """(value, note) for a cell as written; raises LineError."""
        key = (name, raw)
        found = self._seen.get(key)
        if found is None:
            try:
                found = _read_cell(name, " ".join(raw.split()))
            except LineError as error:
                found = error
            if len(self._seen) >= self.LIMIT:
                self._seen.clear()
            self._seen[key] = found
        if found.__class__ is LineError:
            raise found
        return found


def _finish(values: dict, notes: list[str]) -> None:
    if not (values.get("title") or values.get("reference") or values.get("description")):
        raise LineError("nothing names the contract: no title, reference or description")
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        notes.append(f"{FIELD_LABELS['end_date']} {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}: "
                     "kept as unknown")
        values["end_date"] = None


def read_values(cells: dict[str, str], line_number: int, reader: CellReader | None = None) -> tuple[dict, list[str]]:
    """Interpret a line's cells (field -> text) into values and notes; raise LineError if it is no contract."""
    reader = reader or CellReader()
    values = NO_VALUES.copy()
    notes: list[str] = []
    for name, raw in cells.items():
        if name in _TEXT:
            text = " ".join(raw.split())
            limit = TEXT_LIMITS.get(name)
            if limit and len(text) > limit:
                raise LineError(f"{FIELD_LABELS[name]} is {len(text)} characters long; at most {limit} can be kept")
            values[name] = text or None
        else:
            values[name], note = reader.read(name, raw)
            if note:
                notes.append(note)
    _finish(values, notes)
    return values, notes


def register_lines(path, filename: str, mapping: dict[str, str]) -> Iterator[ContractLine | tuple[int, str, dict]]:
    """Each line of a CSV or XLSX register: a ContractLine, or (line number, reason, row) for an error.

    Occurrences are numbered here, in file order, so two identical lines are two contracts.
    """
    register = read_spend_file(path, filename, HEADER_RULE)
    headers = register.headers
    seen: dict[str, int] = {}
    reader = CellReader()
    # Each mapped field's column position, worked out once: a row is read by position, not by name.
    fields = [(name, headers.index(column), name in _TEXT, TEXT_LIMITS.get(name))
              for name, column in mapping.items() if column in headers]
    read = reader.read
    for raw in register.rows():
        cells = raw.cells
        if cells is None:  # a row of another width: its problem, or padded cells by name
            row = {k: v for k, v in raw.values.items() if k != EXTRA}
            if raw.problem:
                yield (raw.line_number, raw.problem, row)
                continue
            cells = [row.get(header, "") for header in headers]
        row = dict(zip(headers, cells))
        values = NO_VALUES.copy()
        notes: list[str] = []
        try:
            for name, position, is_text, limit in fields:
                cell = cells[position]
                if is_text:
                    text = " ".join(cell.split())
                    if limit and len(text) > limit:
                        raise LineError(f"{FIELD_LABELS[name]} is {len(text)} characters long; at most {limit} can be kept")
                    values[name] = text or None
                else:
                    values[name], note = read(name, cell)
                    if note:
                        notes.append(note)
            _finish(values, notes)
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
