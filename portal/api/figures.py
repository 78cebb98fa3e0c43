"""The figures the API gives: a partner's own totals (the dashboard's), its lines, and the network's public summary.

Each reuses the function the page calls (portal.dashboard.figures, portal.dashboard.public,
portal.spend.lines_search), so the API and the pages cannot disagree. Plain functions on a
session, inside the partner's tenant scope where they read a partner's rows.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.dashboard import figures, public
from portal.spend import lines_search
from portal.spend.models import SpendLine
from tenants.models import Network, Organisation

from .schemas import pounds


def _share(value) -> str | None:
    return None if value is None else str(value)


def partner_totals(session: Session, organisation: Organisation, year: int | None) -> dict | None:
    """The dashboard's headline figures and months for one financial year (None: no totals yet, or not that year)."""
    years = figures.financial_years(session)
    year_start = figures.chosen_year(years, str(year) if year is not None else None)
    if year_start is None or (year is not None and year_start.year != year):
        return None
    dashboard = figures.partner_dashboard(session, organisation, year_start, years)
    if dashboard is None:
        return None
    return {
        "year": dashboard.label,
        "year_start": year_start,
        "years": years,
        "figures": [{"key": h.key, "label": h.label, "pence": h.pence, "pounds": pounds(h.pence),
                     "share": _share(h.share), "share_of": h.share_of} for h in dashboard.headlines],
        "months": [{"month": m.start, "total_pence": m.total_pence, "total": pounds(m.total_pence),
                    "procurable_pence": m.procurable_pence, "local_pence": m.local_pence} for m in dashboard.months],
    }


def lines_page(session: Session, after: str | None) -> lines_search.LinesPage:
    """A page of the partner's lines, newest first, by keyset (the lines page's own paging)."""
    return lines_search.lines_page(session, select(SpendLine), after=after)


PUBLIC_LABELS = {"total": "Total spend", "procurable": "Procurable spend", "local": "Local spend (based or branched)"}


def public_summary(session: Session, network: Network) -> dict:
    """What the network's public summary page shows: combined figures only, one partner's withheld."""
    summary = public.network_summary(session, network)
    if summary is None:
        return {"network": network.name, "year": None, "year_start": None, "partner_count": 0, "figures": [],
                "months": [], "withheld": []}
    values = {"total": (summary.total_pence, None, ""), "procurable": (summary.procurable_pence,
              summary.shares["procurable"], "total spend"), "local": (summary.local_pence, summary.shares["local"],
              "procurable spend")}
    shown = [{"key": key, "label": label, "pence": values[key][0], "pounds": pounds(values[key][0]),
              "share": _share(values[key][1]), "share_of": values[key][2]} for key, label in PUBLIC_LABELS.items()]
    for measure in ("sme", "vcse"):
        shown.append({"key": measure, "label": f"Share of procurable spend with {measure.upper()}s", "pence": None,
                      "pounds": None, "share": _share(summary.shares[measure]), "share_of": "procurable spend"})
    return {
        "network": network.name, "year": summary.label, "year_start": summary.year_start,
        "partner_count": summary.partner_count, "figures": shown,
        "months": [{"month": m.month, "total_pence": m.total_pence, "total": pounds(m.total_pence)} for m in summary.months],
        "withheld": sorted(summary.withheld),
    }
