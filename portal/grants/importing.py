"""Grants from a CSV file: every line checked first, then all recorded, or none.

A file with any line that cannot be read is refused whole, each problem listed with its line
number, so the officer fixes the file and uploads it again: no half-imported file to untangle.
A line that repeats a grant already recorded (same title, recipient, amount and date) is such a
problem too, so uploading the same file twice does not count its grants twice.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.spend.normalise import parse_amount, parse_date

from .models import Grant
from .problems import GrantProblem
from .services import MOST_PENCE, GrantDetails, check_details, record_grant

# The file's columns, by header (any case); the first four are needed on every line.
COLUMNS = {
    "title": "Title", "recipient_name": "Recipient", "amount": "Amount", "awarded_on": "Award date",
    "recipient_charity_number": "Charity number", "recipient_company_number": "Company number",
    "recipient_postcode": "Postcode", "recipient_district": "Postcode district", "programme": "Programme",
    "description": "Description",
}
REQUIRED = ("title", "recipient_name", "amount", "awarded_on")
MAX_LINES = 5000


@dataclass(frozen=True)
class LineProblem:
    line: int
    message: str


class GrantFileProblems(Exception):
    def __init__(self, problems: list[LineProblem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows: the £ sign


def import_grants(session: Session, raw: bytes, recorded_by_id: int | None = None) -> list[Grant]:
    """Record every grant in the file for the current partner, or raise GrantFileProblems and record none."""
    reader = csv.reader(io.StringIO(_text(raw)))
    header = next(reader, None)
    wanted = {label.lower(): name for name, label in COLUMNS.items()}
    positions = {wanted[h.strip().lower()]: i for i, h in enumerate(header or []) if h.strip().lower() in wanted}
    missing = [COLUMNS[name] for name in REQUIRED if name not in positions]
    if missing:
        raise GrantFileProblems([LineProblem(1, "The first line must name the columns; missing: " + ", ".join(missing))])
    held = set(session.execute(select(Grant.title, Grant.recipient_name, Grant.amount_pence, Grant.awarded_on)).all())
    details, problems = [], []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(details) + len(problems) >= MAX_LINES:
            problems.append(LineProblem(number, f"A file can hold at most {MAX_LINES:,} grants: split it"))
            break
        try:
            found = _line(row, positions)
            checked = check_details(found)
        except (GrantProblem, ValueError) as problem:
            problems.append(LineProblem(number, str(problem)))
            continue
        key = (checked["title"], checked["recipient_name"], checked["amount_pence"], checked["awarded_on"])
        if key in held:
            problems.append(LineProblem(number, "This grant is already recorded (same title, recipient, amount and date)"))
            continue
        details.append(found)
    if problems:
        raise GrantFileProblems(problems)
    if not details:
        raise GrantFileProblems([LineProblem(2, "The file has no grants under its first line")])
    return [record_grant(session, d, recorded_by_id) for d in details]


def _line(row: list[str], positions: dict) -> GrantDetails:
    cells = {name: (row[i].strip() if i < len(row) else "") for name, i in positions.items()}
    for name in REQUIRED:
        if not cells.get(name):
            raise GrantProblem(f"{COLUMNS[name]} is blank")
    try:
        pence = parse_amount(cells["amount"])
    except ValueError as error:
        raise GrantProblem(f"Amount: {error}") from None
    if pence > MOST_PENCE:
        raise GrantProblem("Amount: more than £10,000,000,000")
    try:
        awarded_on = parse_date(cells["awarded_on"])
    except ValueError as error:
        raise GrantProblem(f"Award date: {error}") from None
    return GrantDetails(
        title=cells["title"], recipient_name=cells["recipient_name"], amount_pence=pence, awarded_on=awarded_on,
        **{name: cells.get(name, "") for name in COLUMNS if name not in REQUIRED},
    )
