"""How figures are shown on pages: money from pence, shares as percentages."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask

from portal.spend.normalise import format_pence


def pounds(pence: int | None, whole: bool = False) -> str:
    if pence is None:
        return "–"
    if whole:
        sign = "-" if pence < 0 else ""
        return f"{sign}£{round(abs(pence) / 100):,}"
    return format_pence(int(pence))


def percent(share: Decimal | None) -> str:
    return "–" if share is None else f"{share:.1f}%"


def init_app(app: Flask) -> None:
    app.add_template_filter(pounds)
    app.add_template_filter(percent)
