"""Importing a measures table (e.g. the National TOMs a network holds a licence for) from CSV.

Every row is checked first and every bad row is reported with its line number
and reason; if any row is bad, nothing is changed. Rows are matched by code
(theme, outcome, measure) and by (measure, edition) for proxy values, so
importing the same file again changes nothing and duplicates nothing. The
licence and attribution of each row are kept on the measure and the proxy
value, for pages to show.

Columns (header names, any order; ``*`` required):
theme_code*, theme*, outcome_code, outcome, outcome_level, measure_code*,
description*, unit*, counting_rules, headline (apprenticeship_weeks,
local_fte or local_sme_spend: the headline figure the measure feeds; a file
without the column leaves each measure's tag as it was), edition*, proxy_value_gbp* (£ per unit,
"£1,234.56" accepted, at most 4 decimal places), valid_from* (YYYY-MM-DD or
DD/MM/YYYY), source, licence*, attribution*, illustrative (yes/no).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants.models import Network

from .measures import upsert_outcome, upsert_theme
from .models import HEADLINES, Measure, ProxyValue

REQUIRED = (
    "theme_code", "theme", "measure_code", "description", "unit", "edition",
    "proxy_value_gbp", "valid_from", "licence", "attribution",
)
OPTIONAL = ("outcome_code", "outcome", "outcome_level", "counting_rules", "headline", "source", "illustrative")
MAX_LINES = 20_000


@dataclass
class RowProblem:
    line_number: int
    reason: str


@dataclass
class MeasureImportResult:
    """What an import did, or (``ok`` false) every reason it did nothing."""

    problems: list[RowProblem] = field(default_factory=list)
    measures_created: int = 0
    measures_updated: int = 0
    proxy_values_created: int = 0
    proxy_values_updated: int = 0
    unchanged_rows: int = 0
    tags_headlines: bool = False  # the file has a headline column

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    line_number: int
    values: dict
    proxy_pence: Decimal
    valid_from: date
    illustrative: bool


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")  # the £ sign from Excel on Windows


def _pounds_to_pence(text: str) -> Decimal:
    cleaned = text.strip().replace("£", "").replace(",", "").strip()
    pounds = Decimal(cleaned)
    if not pounds.is_finite():
        raise InvalidOperation
    return pounds * 100


def _date(text: str) -> date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _check_row(line_number: int, row: dict) -> tuple[_Row | None, list[str]]:
    values = {k: (row.get(k) or "").strip() for k in REQUIRED + OPTIONAL}
    reasons = [f"{name} is empty" for name in REQUIRED if not values[name]]
    proxy_pence, valid_from, illustrative = Decimal(0), None, False
    if values["proxy_value_gbp"]:
        try:
            proxy_pence = _pounds_to_pence(values["proxy_value_gbp"])
            if proxy_pence < 0:
                reasons.append("proxy_value_gbp is negative (social value is never negative)")
            elif proxy_pence != proxy_pence.quantize(Decimal("0.01")):
                reasons.append("proxy_value_gbp has more than 4 decimal places")
            elif proxy_pence >= Decimal("1e12"):
                reasons.append("proxy_value_gbp is too large")
        except InvalidOperation:
            reasons.append(f"proxy_value_gbp {values['proxy_value_gbp']!r} is not an amount in pounds")
    if values["valid_from"]:
        try:
            valid_from = _date(values["valid_from"])
        except ValueError:
            reasons.append(f"valid_from {values['valid_from']!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
    flag = values["illustrative"].lower()
    if flag in ("yes", "y", "true", "1"):
        illustrative = True
    elif flag not in ("", "no", "n", "false", "0"):
        reasons.append(f"illustrative {values['illustrative']!r} is not yes or no")
    if values["headline"] and values["headline"] not in HEADLINES:
        reasons.append(f"headline {values['headline']!r} is not one of " + ", ".join(HEADLINES))
    if values["outcome"] and not values["outcome_code"]:
        reasons.append("outcome is given without an outcome_code")
    for name, limit in (("theme_code", 40), ("outcome_code", 40), ("measure_code", 40), ("edition", 40), ("unit", 60)):
        if len(values[name]) > limit:
            reasons.append(f"{name} is longer than {limit} characters")
    if reasons:
        return None, reasons
    return _Row(line_number, values, proxy_pence.quantize(Decimal("0.01")), valid_from, illustrative), []


def _check_file(text: str, result: MeasureImportResult) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = headers
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        result.problems.append(RowProblem(1, "missing column(s): " + ", ".join(missing)))
        return []
    result.tags_headlines = "headline" in headers
    rows: list[_Row] = []
    seen_proxy: dict[tuple[str, str], int] = {}
    names: dict[tuple[str, str], tuple[str, int]] = {}
    for raw in reader:
        line = reader.line_num
        if line > MAX_LINES:
            result.problems.append(RowProblem(line, f"the file has more than {MAX_LINES} lines"))
            break
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # a blank line
        row, reasons = _check_row(line, raw)
        if row is not None:
            v = row.values
            key = (v["measure_code"], v["edition"])
            if key in seen_proxy:
                reasons.append(f"measure {key[0]} edition {key[1]} is also on line {seen_proxy[key]}")
            seen_proxy.setdefault(key, line)
            # One code, one name, within a file: otherwise which is right?
            pairs = (("theme", v["theme_code"], v["theme"]), ("outcome", v["outcome_code"], v["outcome"]),
                     ("measure", v["measure_code"], v["headline"] or "no headline"))
            for kind, code, name in pairs:
                if not code:
                    continue
                first = names.setdefault((kind, code), (name, line))
                if first[0] != name:
                    what = "tagged" if kind == "measure" else "named"
                    reasons.append(f"{kind} {code} is {what} {name!r} here but {first[0]!r} on line {first[1]}")
        result.problems.extend(RowProblem(line, reason) for reason in reasons)
        if not reasons:
            rows.append(row)
    if not rows and not result.problems:
        result.problems.append(RowProblem(1, "the file has no measures"))
    return rows


def import_measures_csv(session: Session, network: Network, stream, *, in_use: bool = False) -> MeasureImportResult:
    """Load a measures table into the network's catalogue; all rows or none.

    ``stream`` is a binary file-like (an upload) or ``str``. New measures come
    in out of use unless ``in_use`` (the network then narrows with
    ``set_measures_in_use``); existing measures keep their choice.
    """
    raw = stream if isinstance(stream, str) else _decode(stream.read())
    result = MeasureImportResult()
    rows = _check_file(raw, result)
    if result.problems:
        return result
    with session.begin_nested():  # a database error midway leaves nothing behind either
        for row in rows:
            _apply(session, network, row, in_use, result)
        session.flush()
    return result


def _apply(session: Session, network: Network, row: _Row, in_use: bool, result: MeasureImportResult) -> None:
    v = row.values
    provenance = {"source": v["source"], "licence": v["licence"], "attribution": v["attribution"]}
    theme = upsert_theme(session, network, v["theme_code"], v["theme"])
    outcome = None
    if v["outcome_code"]:
        outcome = upsert_outcome(session, network, theme, v["outcome_code"], v["outcome"] or v["outcome_code"], v["outcome_level"] or None)
    fields = {
        "theme_id": theme.id, "outcome_id": outcome.id if outcome else None, "description": v["description"],
        "unit": v["unit"], "counting_rules": v["counting_rules"], **provenance,
    }
    if result.tags_headlines:
        fields["headline"] = v["headline"] or None
    measure = session.scalars(
        select(Measure).where(Measure.network_id == network.id, Measure.code == v["measure_code"])
    ).first()
    changed = False
    if measure is None:
        measure = Measure(network_id=network.id, code=v["measure_code"], in_use=in_use, **fields)
        session.add(measure)
        session.flush()
        result.measures_created += 1
        changed = True
    elif any(getattr(measure, k) != val for k, val in fields.items()):
        for key, value in fields.items():
            setattr(measure, key, value)
        result.measures_updated += 1
        changed = True
    proxy_fields = {
        "value_pence": row.proxy_pence, "valid_from": row.valid_from, "illustrative": row.illustrative, **provenance,
    }
    proxy = session.scalars(
        select(ProxyValue).where(ProxyValue.measure_id == measure.id, ProxyValue.edition == v["edition"])
    ).first()
    if proxy is None:
        session.add(ProxyValue(network_id=network.id, measure_id=measure.id, edition=v["edition"], **proxy_fields))
        result.proxy_values_created += 1
        changed = True
    elif any(getattr(proxy, k) != val for k, val in proxy_fields.items()):
        # A corrected edition: commitments keep the value they were valued at (a snapshot).
        for key, value in proxy_fields.items():
            setattr(proxy, key, value)
        result.proxy_values_updated += 1
        changed = True
    if not changed:
        result.unchanged_rows += 1
