"""Spend categories and their CPV codes: suggested from the words, or chosen by the lead.

Plain functions on a session; the caller commits. A lead's choice is never
overwritten by a suggestion.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.cpv import InvalidCpvCode, ancestors, catalogue, label, parse_code, significant
from portal.matching.models import CategoryCpv
from tenants.models import Network

from . import queries, suggest

SUGGESTED, CHOSEN = "suggested", "lead"


class NotACategory(ValueError):
    """The text is not a spend category of this network."""


@dataclass(frozen=True)
class CategoryCode:
    """One spend category of the network, its spend in all years, and its CPV code if it has one."""

    category: str
    total_pence: int
    cpv_code: str | None
    source: str | None
    note: str

    @property
    def cpv_label(self) -> str | None:
        return None if self.cpv_code is None else f"{significant(self.cpv_code)} {label(self.cpv_code)}"

    @property
    def chosen_by_lead(self) -> bool:
        return self.source == CHOSEN


def _mappings(session: Session, network: Network) -> dict[str, CategoryCpv]:
    return {m.category: m for m in session.scalars(select(CategoryCpv).where(CategoryCpv.network_id == network.id))}


def category_codes(session: Session, network: Network) -> list[CategoryCode]:
    """Every spend category in the network's totals, largest spend first, with its code."""
    mappings = _mappings(session, network)
    spend = queries.spend_categories(session, network)
    rows = []
    for category, total in sorted(spend.items(), key=lambda item: (-item[1], item[0].lower())):
        m = mappings.get(category)
        rows.append(CategoryCode(category, total, m.cpv_code if m else None, m.source if m else None, m.note if m else ""))
    return rows


def category_code(session: Session, network: Network, category: str) -> CategoryCode:
    """One category of the network; raises NotACategory when its totals do not name it."""
    for row in category_codes(session, network):
        if row.category == category:
            return row
    raise NotACategory(f"“{category}” is not a spend category in {network.name}'s totals")


def suggest_codes(session: Session, network: Network, categories=None) -> int:
    """Suggest a code for each category (default: all in the network's totals) the lead has not chosen.

    Returns how many categories got a new or changed suggestion.
    """
    wanted = list(queries.spend_categories(session, network)) if categories is None else list(categories)
    mappings = _mappings(session, network)
    changed = 0
    for category in wanted:
        existing = mappings.get(category)
        if not category.strip() or (existing is not None and existing.source == CHOSEN):
            continue
        best = suggest.suggest(category)
        if best is None or (existing is not None and existing.cpv_code == best.cpv_code):
            continue
        if existing is None:
            existing = CategoryCpv(network_id=network.id, category=category, source=SUGGESTED, note="")
            session.add(existing)
            mappings[category] = existing
        existing.cpv_code = best.cpv_code
        changed += 1
    session.flush()
    return changed


def choose_code(session: Session, network: Network, category: str, code_text: str, note: str = "") -> CategoryCpv:
    """The lead's code for a category; it stands until the lead changes it.

    Raises InvalidCpvCode for text that is not a CPV code, NotACategory for an unknown category.
    """
    category_code(session, network, category)
    code = parse_code(code_text)
    # The catalogue may hold divisions only: a code beneath a labelled one is known too.
    if not any(a in catalogue() for a in ancestors(code)):
        raise InvalidCpvCode(f"{code} is not in the CPV catalogue the portal knows")
    mapping = _mappings(session, network).get(category)
    if mapping is None:
        mapping = CategoryCpv(network_id=network.id, category=category)
        session.add(mapping)
    mapping.cpv_code, mapping.source, mapping.note = code, CHOSEN, note.strip()
    session.flush()
    return mapping

