"""The network's measures catalogue: what ships with the portal, what is in use, and valuation.

A quantity is valued as quantity x proxy value (pence, two decimal places),
rounded half up to whole pence once, at the end. The proxy value "in force" on
a day is the measure's edition with the latest ``valid_from`` on or before it.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants.models import Network

from .models import Measure, Outcome, ProxyValue, Theme
from .problems import SocialValueProblem

DATA = Path(__file__).resolve().parent / "data"
SOCIAL_VALUE_MODEL_SOURCE = "UK Government Social Value Model (PPN 06/20)"
OGL = "Open Government Licence v3.0"
OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


def value_of(quantity: Decimal, proxy_value_pence: Decimal) -> int:
    """Whole pence that ``quantity`` units are worth at ``proxy_value_pence`` each (rounded half up)."""
    return int((Decimal(quantity) * Decimal(proxy_value_pence)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def proxy_in_force(session: Session, measure: Measure, on: date) -> ProxyValue | None:
    """The measure's proxy value in force on ``on``: the latest edition valid from that day or before."""
    return session.scalars(
        select(ProxyValue)
        .where(ProxyValue.measure_id == measure.id, ProxyValue.valid_from <= on)
        .order_by(ProxyValue.valid_from.desc(), ProxyValue.id.desc())
        .limit(1)
    ).first()


def proxy_for_edition(session: Session, measure: Measure, edition: str) -> ProxyValue | None:
    """The measure's proxy value in the named edition, if the network loaded one."""
    return session.scalars(
        select(ProxyValue).where(ProxyValue.measure_id == measure.id, ProxyValue.edition == edition)
    ).first()


def editions(session: Session, network: Network) -> list[str]:
    """The editions of proxy values the network holds, oldest first (for the re-base choice)."""
    rows = session.execute(
        select(ProxyValue.edition, ProxyValue.valid_from).where(ProxyValue.network_id == network.id)
    ).all()
    first_valid: dict[str, date] = {}
    for edition, valid_from in rows:
        first_valid[edition] = min(valid_from, first_valid.get(edition, valid_from))
    return sorted(first_valid, key=lambda e: (first_valid[e], e))


def measure_by_code(session: Session, network: Network, code: str) -> Measure | None:
    return session.scalars(select(Measure).where(Measure.network_id == network.id, Measure.code == code)).first()


def measures(session: Session, network: Network, in_use_only: bool = False) -> list[Measure]:
    """The network's measures by code; only those in use when asked."""
    query = select(Measure).where(Measure.network_id == network.id).order_by(Measure.code)
    if in_use_only:
        query = query.where(Measure.in_use.is_(True))
    return list(session.scalars(query))


def set_measures_in_use(session: Session, network: Network, codes: Iterable[str]) -> list[Measure]:
    """Narrow the network to exactly these measures; any other is taken out of use.

    Taking a measure out of use keeps its commitments and delivery (they still
    count); it only stops new commitments to it.
    """
    wanted = {c.strip() for c in codes}
    catalogue = measures(session, network)
    unknown = wanted - {m.code for m in catalogue}
    if unknown:
        raise SocialValueProblem("The network has no measure " + ", ".join(sorted(unknown)))
    for measure in catalogue:
        measure.in_use = measure.code in wanted
    session.flush()
    return [m for m in catalogue if m.in_use]


def themes(session: Session, network: Network) -> list[Theme]:
    return list(session.scalars(select(Theme).where(Theme.network_id == network.id).order_by(Theme.code)))


def load_social_value_model(session: Session, network: Network) -> list[Theme]:
    """Give the network the Social Value Model's themes and policy outcomes (OGL; no money values).

    Safe to run again: rows are matched by code and brought up to date.
    """
    with open(DATA / "social_value_model.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    loaded: dict[str, Theme] = {}
    for row in rows:
        theme = loaded.get(row["theme_code"]) or upsert_theme(
            session, network, row["theme_code"], row["theme"],
            source=row.get("source") or SOCIAL_VALUE_MODEL_SOURCE, licence=row.get("licence") or OGL,
            attribution=OGL_ATTRIBUTION,
        )
        loaded[theme.code] = theme
        upsert_outcome(session, network, theme, row["outcome_code"], row["outcome"], row["outcome_level"] or None)
    session.flush()
    return list(loaded.values())


def load_demo_measures(session: Session, network: Network):
    """The Social Value Model plus the illustrative demo measures, all put in use.

    Every demo proxy value is marked illustrative ("not for reporting").
    """
    from .measures_import import import_measures_csv

    load_social_value_model(session, network)
    with open(DATA / "demo_measures.csv", "rb") as handle:
        result = import_measures_csv(session, network, handle, in_use=True)
    if not result.ok:  # pragma: no cover - the shipped file is tested
        raise RuntimeError(f"the demo measures file has problems: {result.problems}")
    return result


def upsert_theme(session: Session, network: Network, code: str, name: str, **fields) -> Theme:
    theme = session.scalars(select(Theme).where(Theme.network_id == network.id, Theme.code == code)).first()
    if theme is None:
        theme = Theme(network_id=network.id, code=code, name=name, **fields)
        session.add(theme)
        session.flush()
    else:
        theme.name = name
        for key, value in fields.items():
            if value:
                setattr(theme, key, value)
    return theme


def upsert_outcome(session: Session, network: Network, theme: Theme, code: str, name: str, level: str | None) -> Outcome:
    outcome = session.scalars(select(Outcome).where(Outcome.network_id == network.id, Outcome.code == code)).first()
    if outcome is None:
        outcome = Outcome(network_id=network.id, theme_id=theme.id, code=code, name=name, level=level)
        session.add(outcome)
        session.flush()
    else:
        outcome.theme_id, outcome.name, outcome.level = theme.id, name, level or outcome.level
    return outcome
