"""How figures are shown on pages: one money format, shares as percentages.

Every template renders money through these filters, so a page never mixes
pounds and pence: whole pounds wherever a person reads (``pounds``), a headline
abbreviated with its exact figure beside it (``headline_pounds``), short amounts
on chart axes (``short_pounds``). Pence are shown only where a person checks one
payment against their own ledger (``exact_pounds``) and for a proxy value per
unit, which is a rate (``proxy_pounds``). Downloads keep exact values.
Arithmetic is Decimal throughout: a float would round 0.5 the banker's way and
drift on billions.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

from portal.spend.normalise import format_pence

NOTHING = "–"
# Abbreviations for headlines and chart axes, largest first.
_SCALES = ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m"), (Decimal(10) ** 3, "k"))
_ONE_PLACE = Decimal("0.1")
ABBREVIATE_FROM = 10_000  # pounds: a headline below this is shown whole


def _whole_pounds(pence) -> int:
    """Pence to whole pounds, a half pound rounded away from zero (50p -> £1, -50p -> -£1)."""
    return int((Decimal(pence) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pounds(pence) -> str:
    """Whole pounds with thousands separators: 42394978550 -> "£423,949,786"; None -> "–"."""
    if pence is None:
        return NOTHING
    whole = _whole_pounds(pence)
    sign = "-" if whole < 0 else ""
    return f"{sign}£{abs(whole):,}"


def exact_pounds(pence) -> str:
    """Pounds and pence, for one payment a person checks against their ledger: -43880 -> "-£438.80"."""
    return NOTHING if pence is None else format_pence(int(pence))


def short_pounds(pence) -> str:
    """An amount abbreviated to one decimal place: "£423.9m", "£79.2k", "£2bn", "£950"."""
    if pence is None:
        return NOTHING
    amount = Decimal(pence) / 100
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for index, (size, suffix) in enumerate(_SCALES):
        if amount >= size:
            value = (amount / size).quantize(_ONE_PLACE, rounding=ROUND_HALF_UP)
            if value >= 1000 and index > 0:
                # £999,960 rounds to "1000.0k": say "£1m" instead.
                size, suffix = _SCALES[index - 1]
                value = (amount / size).quantize(_ONE_PLACE, rounding=ROUND_HALF_UP)
            text = f"{value:f}".removesuffix(".0")
            return f"{sign}£{text}{suffix}"
    return pounds(_whole_pounds(pence) * 100)


def headline_pounds(pence) -> Markup:
    """A headline figure: abbreviated, with the exact whole pounds beside it (machine-readable in ``<data>``).

    Both parts are kept on one line each by the stylesheet (``.app-figure``), so a
    figure is never broken inside a number.
    """
    if pence is None:
        return Markup(NOTHING)
    exact = pounds(pence)
    # Below £10,000 the exact figure is as short as its abbreviation would be.
    short = exact if abs(_whole_pounds(pence)) < ABBREVIATE_FROM else short_pounds(pence)
    figure = Markup('<data class="app-figure" value="{}">{}</data>').format(_whole_pounds(pence), short)
    if short == exact:
        return figure
    return figure + Markup(' <span class="app-figure app-figure__exact">{}</span>').format(exact)


def proxy_pounds(value_pence) -> str:
    """A proxy value per unit (a rate, so pence count): "£24,000.00", or "£0.3525" with fractions of a penny."""
    amount = Decimal(value_pence) / 100
    places = Decimal("0.01") if amount == amount.quantize(Decimal("0.01")) else Decimal("0.0001")
    return f"£{amount.quantize(places):,}"


def quantity(value) -> str:
    """A quantity without trailing zeros: 52, 2.5, 1,000."""
    if value is None:
        return NOTHING
    return f"{Decimal(value).normalize():,f}"


def percent(share: Decimal | None) -> str:
    return NOTHING if share is None else f"{share:.1f}%"


def figure(text) -> Markup:
    """Any figure kept on one line (a share, a count): wrapped in ``.app-figure``."""
    return Markup('<span class="app-figure">{}</span>').format(escape(text))


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
    for name, function in (("pounds", pounds), ("exact_pounds", exact_pounds), ("short_pounds", short_pounds),
                           ("headline_pounds", headline_pounds), ("proxy_pounds", proxy_pounds),
                           ("quantity", quantity), ("percent", percent), ("figure", figure),
                           ("govuk_date", govuk_date), ("govuk_date_time", govuk_date_time)):
        app.add_template_filter(function, name)
