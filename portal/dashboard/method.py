""""How we count this": the rule behind every share, in words, from the network's own settings.

Procurable spend leaves out the classes the network excludes; places come from the
supplier's registered office (or the branch the lead recorded) looked up in the ONS
postcode directory against the area's local authority districts; the registers' dates
are those of the latest file loaded of each. The dashboards, the lead's comparison, the
public summary and the gap analysis all show this one statement.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.registers.area import area_names
from portal.registers.models import REGISTERS
from portal.registers.services import register_dates
from portal.suppliers.models import SUPPLIER_KINDS
from tenants.models import Network

# Each class in the users' words, as the rule names what it leaves out.
KIND_WORDS = {
    "private": "companies",
    "vcse": "voluntary, community and social enterprise organisations",
    "public": "public bodies (councils, NHS bodies, police, government)",
    "tax": "tax (HMRC)",
    "pension": "pension funds",
    "individual": "individuals and payees not named or redacted",
    "sole_trader": "sole traders",
    "unknown": "suppliers whose class we do not know",
}
REGISTER_WORDS = {
    "companies": "Companies House company data",
    "charities": "Charity Commission register",
    "postcodes": "ONS postcode directory",
    "mutuals": "FCA Mutuals Public Register",
}


@dataclass(frozen=True)
class Area:
    code: str
    name: str | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" if self.name else self.code


@dataclass(frozen=True)
class CountingRule:
    """What procurable spend leaves out, the area and its tiers, and the registers' dates."""

    excluded: list[str]  # in words, in SUPPLIER_KINDS order
    area: list[Area]
    wider_name: str | None
    wider: list[Area]
    region: Area | None
    register_dates: list[tuple[str, date | None]]  # (register in words, published_on or None: not loaded)

    @property
    def excluded_text(self) -> str:
        return in_words(self.excluded) if self.excluded else "nothing: every payment counts"

    @property
    def area_text(self) -> str:
        return in_words([a.label for a in self.area]) if self.area else "not set yet"


def in_words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def counting_rule(session: Session, network: Network) -> CountingRule:
    """The rule behind the network's figures, read from its settings and the registers."""
    excluded = set(network.excluded_kinds or ())
    area_codes, wider_codes = list(network.area_codes or []), list(network.wider_area_codes or [])
    names = area_names(session, [*area_codes, *wider_codes, network.region_code])
    dates = register_dates(session)
    return CountingRule(
        excluded=[KIND_WORDS[k] for k in SUPPLIER_KINDS if k in excluded],
        area=[Area(c, names.get(c)) for c in area_codes],
        wider_name=network.wider_area_name,
        wider=[Area(c, names.get(c)) for c in wider_codes],
        region=Area(network.region_code, names.get(network.region_code)) if network.region_code else None,
        register_dates=[(REGISTER_WORDS[r], dates[r]) for r in REGISTERS],
    )
