"""How figures are shown on pages: money from pence, shares as percentages, dates as GOV.UK writes them."""
from __future__ import annotations

from datetime import date, datetime
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


# The portal keeps times in UTC; people read them in UK time.
UK_TIME = ZoneInfo("Europe/London")


def govuk_date(value: date | datetime | None) -> str:
    """"2 December 2026", GOV.UK's style for dates (no leading zero, the month in full)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UK_TIME)
    return f"{value.day} {value:%B %Y}"


def govuk_date_time(value: datetime | None) -> str:
    """"2 December 2026 at 3:04pm" in UK time; GOV.UK writes 12-hour times, "midday" and "midnight"."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UK_TIME)
    if (value.hour, value.minute) == (0, 0):
        time = "midnight"
    elif (value.hour, value.minute) == (12, 0):
        time = "midday"
    else:
        time = f"{value.hour % 12 or 12}:{value.minute:02d}{'am' if value.hour < 12 else 'pm'}"
    return f"{govuk_date(value)} at {time}"


def init_app(app: Flask) -> None:
    app.add_template_filter(pounds)
    app.add_template_filter(percent)
    app.add_template_filter(govuk_date)
    app.add_template_filter(govuk_date_time)
