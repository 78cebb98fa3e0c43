"""How figures are shown on pages: money from pence, shares as percentages, times in UK time."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

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


UK_TIME = ZoneInfo("Europe/London")


def local_time(moment: datetime) -> str:
    """A stored UTC time as people in the UK read it: "Tuesday 9 June 2026, 09:30"."""
    from tenants.models import as_utc

    local = as_utc(moment).astimezone(UK_TIME)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M}"


def init_app(app: Flask) -> None:
    app.add_template_filter(pounds)
    app.add_template_filter(percent)
    app.add_template_filter(local_time)
