"""Checking each line of a bulk file against the partner's contracts and the network's catalogue.

Everything a line needs is loaded once (contracts by reference, measures by code, each
measure's editions, what the partner already holds), so a line costs dictionary look-ups.
A line is identified by its content and its occurrence among identical lines of the file
(as spend lines are, ``portal.spend.identity``): the same file imported again finds every
line held, and two identical delivery lines are two reports.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.query_args import whole_number
from portal.spend.normalise import parse_date

from .beneficiaries import reasons_refused
from .commitments import _quantity
from .forms.fields import MOST_QUANTITY
from .measures import value_of
from .models import Commitment, Contract, DeliveryReport, Measure, ProxyValue
from .problems import SocialValueProblem


class LineProblem(ValueError):
    """What is wrong with one line, in words for the officer."""


class Occurrences:
    """Keys for a file's lines: the content hash of a line's normalised parts, and its occurrence among identical lines."""

    def __init__(self):
        self._seen: dict[str, int] = {}  # by digest, not by parts: a million lines' parts would not fit

    def key(self, parts: tuple) -> str:
        digest = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=12).hexdigest()
        self._seen[digest] = occurrence = self._seen.get(digest, 0) + 1
        return f"{digest}:{occurrence}"


@dataclass(frozen=True)
class Edition:
    valid_from: date
    proxy_value_id: int
    edition: str
    value_pence: Decimal


@dataclass
class Catalogue:
    """The partner's contracts and the network's measures, as one import needs them."""

    # reference -> every contract with it as (id, start, end): a register may repeat a reference,
    # and a line naming one of those cannot say which contract it means.
    contracts: dict[str, list[tuple[int, date | None, date | None]]]
    measures: dict[str, tuple[int, bool]]  # code -> (id, in use)
    editions: dict[int, list[Edition]]  # measure id -> editions by valid_from

    @classmethod
    def load(cls, session: Session, network_id: int) -> Catalogue:
        contracts: dict[str, list] = {}
        for cid, ref, start, end in session.execute(
                select(Contract.id, Contract.reference, Contract.start_date, Contract.end_date).order_by(Contract.id)):
            contracts.setdefault(ref.strip().casefold(), []).append((cid, start, end))
        measures = {code.strip().casefold(): (mid, in_use) for mid, code, in_use in session.execute(
            select(Measure.id, Measure.code, Measure.in_use).where(Measure.network_id == network_id))}
        editions: dict[int, list[Edition]] = {}
        for measure_id, valid_from, pid, edition, pence in session.execute(
            select(ProxyValue.measure_id, ProxyValue.valid_from, ProxyValue.id, ProxyValue.edition, ProxyValue.value_pence)
            .where(ProxyValue.network_id == network_id).order_by(ProxyValue.valid_from, ProxyValue.id)
        ):
            editions.setdefault(measure_id, []).append(Edition(valid_from, pid, edition, Decimal(pence)))
        return cls(contracts, measures, editions)

    def contract(self, reference: str) -> tuple[int, date, date | None]:
        if not reference.strip():
            raise LineProblem("The contract reference is blank")
        found = self.contracts.get(reference.strip().casefold(), [])
        if not found:
            raise LineProblem(f"No contract has the reference '{reference.strip()}'")
        if len(found) > 1:
            raise LineProblem(f"{len(found)} contracts have the reference '{reference.strip()}', so the line cannot say "
                              "which one it means: give those contracts references of their own first")
        return found[0]

    def measure(self, code: str) -> int:
        found = self.measures.get(code.strip().casefold())
        if found is None:
            raise LineProblem(f"The network has no measure with the code '{code.strip()}'" if code.strip()
                              else "The measure code is blank")
        if not found[1]:
            raise LineProblem(f"Measure {code.strip()} is not one the network uses")
        return found[0]

    def known_measure(self, code: str) -> int:
        """A measure of the catalogue, in use or not (delivery against a measure since taken out of use still counts)."""
        found = self.measures.get(code.strip().casefold())
        return found[0] if found else self.measure(code)

    def edition_on(self, measure_id: int, code: str, day: date) -> tuple[Edition, bool]:
        """The edition in force on ``day``; before the first, the earliest (True: marked so)."""
        editions = self.editions.get(measure_id)
        if not editions:
            raise LineProblem(f"Measure {code.strip()} has no proxy value in any edition")
        index = bisect_right([e.valid_from for e in editions], day)
        # Several editions may start the same day: the last loaded wins, as in measures.proxy_in_force.
        return (editions[index - 1], False) if index else (editions[0], True)


def quantity_of(text: str) -> Decimal:
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        raise LineProblem("The quantity is blank")
    try:
        # Too large is said first: _quantity's rounding check cannot take a number past Decimal's precision.
        if Decimal(cleaned).is_finite() and abs(Decimal(cleaned)) > MOST_QUANTITY:
            raise LineProblem(f"The quantity cannot be more than {MOST_QUANTITY:,} (not '{text.strip()}')")
        return _quantity(cleaned)
    except SocialValueProblem as problem:
        raise LineProblem(f"{problem} (not '{text.strip()}')") from None
    except ArithmeticError:
        raise LineProblem(f"The quantity must be a number, not negative (not '{text.strip()}')") from None


def _whole(raw) -> None:
    """A line with more cells than the header lost something (an unquoted comma, say): say so rather than guess.

    Fewer cells are read as blanks: a hand-written CSV often leaves out an empty last column.
    """
    if raw.cell_count > raw.header_count:
        raise LineProblem(raw.problem)


def date_of(text: str, what: str) -> date:
    try:
        return parse_date(text)
    except ValueError as problem:
        raise LineProblem(f"{what}: {problem}") from None


# The columns of the rows pass 1 makes, in their order (tuples: a million dicts would not fit).
COMMITMENT_COLUMNS = (
    "organisation_id", "contract_id", "measure_id", "quantity", "committed_on", "proxy_value_id", "proxy_edition",
    "proxy_value_pence", "committed_value_pence", "valued_at_earliest_edition", "line_key",
)
DELIVERY_COLUMNS = (
    "organisation_id", "commitment_id", "period_start", "period_end", "quantity", "value_pence", "rebased_value_pence",
    "narrative", "status", "reported_via", "reported_by_id", "revision", "line_key",
)


@dataclass
class Checked:
    """Pass 1's findings: the rows to insert, the held lines, and every problem with its line number."""

    rows: list[tuple] = field(default_factory=list)
    already_held: int = 0
    earliest_edition: int = 0
    problems: list[list] = field(default_factory=list)
    days: set[date] = field(default_factory=set)
    lines: int = 0
    beneficiaries: list[tuple] = field(default_factory=list)  # (delivery line key, ward, group, count)


def held_keys(session: Session, model) -> set[str]:
    return set(session.scalars(select(model.line_key).where(model.line_key.is_not(None))))


def check_commitments(session: Session, catalogue: Catalogue, rows, cell, organisation_id: int) -> Checked:
    """Check each commitment line; a contract takes one commitment per measure (held or in the file)."""
    checked = Checked()
    held = held_keys(session, Commitment)
    taken = {(c, m): "held" for c, m in session.execute(select(Commitment.contract_id, Commitment.measure_id))}
    occurrences = Occurrences()
    for raw in rows:
        checked.lines += 1
        try:
            _whole(raw)
            reference, code = cell(raw, "Contract reference"), cell(raw, "Measure code")
            contract_id, start, _end = catalogue.contract(reference)
            measure_id = catalogue.measure(code)
            quantity = quantity_of(cell(raw, "Quantity"))
            committed = cell(raw, "Committed on").strip()
            committed_on = date_of(committed, "Committed on") if committed else start
            if committed_on is None:  # a register line kept its unreadable start date as unknown
                raise LineProblem(f"Contract {reference.strip()} has no start date on record: give the line a Committed on date")
            parts = (reference.strip().casefold(), code.strip().casefold(), quantity, committed_on.isoformat())
            key = occurrences.key(parts)
            if key in held:
                checked.already_held += 1
                continue
            if (contract_id, measure_id) in taken:
                where = taken[(contract_id, measure_id)]
                raise LineProblem(
                    f"Contract {reference.strip()} already has a commitment to {code.strip()}"
                    + (": change that one" if where == "held" else f" on line {where}"))
            edition, earliest = catalogue.edition_on(measure_id, code, committed_on)
        except LineProblem as problem:
            checked.problems.append([raw.line_number, str(problem)])
            continue
        taken[(contract_id, measure_id)] = raw.line_number
        checked.earliest_edition += earliest
        checked.days.add(committed_on)
        checked.rows.append((
            organisation_id, contract_id, measure_id, quantity, committed_on, edition.proxy_value_id, edition.edition,
            edition.value_pence, value_of(quantity, edition.value_pence), earliest, key,
        ))
    return checked


def _commitments_by_line(session: Session) -> dict[tuple[int, str], tuple]:
    rows = session.execute(
        select(Commitment.contract_id, Measure.code, Commitment.id, Commitment.proxy_value_pence,
               Commitment.rebased_edition, Commitment.rebased_proxy_value_pence)
        .join(Measure, Measure.id == Commitment.measure_id)
    )
    return {(contract_id, code.strip().casefold()): rest for contract_id, code, *rest in rows}


def beneficiaries_of(raw, cell, choices) -> tuple[str, str, int] | None:
    """The line's (ward, group, count), or None when it records none; the same lists the form offers.

    ``choices`` is the network's ``beneficiaries.BeneficiaryChoices`` (None: the file has no such columns).
    """
    if choices is None:
        return None
    ward, group = " ".join(cell(raw, "Ward").split()), " ".join(cell(raw, "Group").split())
    count_text = cell(raw, "Count").strip().replace(",", "")
    if not count_text:
        if ward or group:
            raise LineProblem("Give the Count of people who benefited in that ward or group, or leave both blank")
        return None
    if whole_number(count_text) is None:
        raise LineProblem(f"The Count must be a whole number of people, not negative (not '{count_text}')")
    reasons = reasons_refused(choices, ward, group)
    if reasons:
        raise LineProblem("; ".join(reasons))
    return ward, group, whole_number(count_text)


def check_delivery(session: Session, catalogue: Catalogue, rows, cell, organisation_id: int, reported_by_id,
                   choices=None) -> Checked:
    """Check each delivery line: valued at its commitment's proxy value, and "reported" (never verified here).

    With ``choices`` (the file has Ward, Group or Count columns) a line may say how many people benefited;
    those counts go in ``checked.beneficiaries`` as (line key, ward, group, count).
    """
    checked = Checked()
    held = held_keys(session, DeliveryReport)
    commitments = _commitments_by_line(session)
    occurrences = Occurrences()
    for raw in rows:
        checked.lines += 1
        try:
            _whole(raw)
            reference, code = cell(raw, "Contract reference"), cell(raw, "Measure code")
            contract_id, _start, _end = catalogue.contract(reference)
            catalogue.known_measure(code)
            found = commitments.get((contract_id, code.strip().casefold()))
            if found is None:
                raise LineProblem(f"Contract {reference.strip()} has no commitment to {code.strip()}")
            commitment_id, proxy_pence, rebased_edition, rebased_pence = found
            quantity = quantity_of(cell(raw, "Quantity"))
            start, end = date_of(cell(raw, "Period start"), "Period start"), date_of(cell(raw, "Period end"), "Period end")
            if end < start:
                raise LineProblem("The period ends before it starts")
            narrative = " ".join(cell(raw, "What was delivered").split())
            counted = beneficiaries_of(raw, cell, choices)
            parts = (reference.strip().casefold(), code.strip().casefold(), quantity, start.isoformat(), end.isoformat(), narrative)
            if counted:  # a line without counts keeps the key it had before the columns existed
                parts += counted
            key = occurrences.key(parts)
        except LineProblem as problem:
            checked.problems.append([raw.line_number, str(problem)])
            continue
        if key in held:
            checked.already_held += 1
            continue
        checked.days.add(end)
        if counted:
            checked.beneficiaries.append((key, *counted))
        checked.rows.append((
            organisation_id, commitment_id, start, end, quantity, value_of(quantity, proxy_pence),
            value_of(quantity, rebased_pence) if rebased_edition else None, narrative, "reported", "user",
            reported_by_id, 1, key,
        ))
    return checked
