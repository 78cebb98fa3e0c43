"""Charts as SVG drawn on the server: small pure functions from labelled values to markup.

No JavaScript and no inline ``style``: the Content-Security-Policy forbids
inline styles, so colours are SVG presentation attributes (``fill="#1d70b8"``)
and type sizes come from the stylesheet's ``.app-chart`` rules. Each chart is
``role="img"`` with a ``<title>``; the page puts a table with the same figures
beside it, which is what a screen reader user reads.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup, escape

BLUE = "#1d70b8"  # GOV.UK blue
LIGHT_BLUE = "#d2e2f1"  # blue tint, for the part of a bar outside the area
GREY = "#b1b4b6"
TEXT = "#0b0c0c"
WIDTH = 480  # about the width of half the page at desktop size, so text is drawn near its real size

Number = int | float | Decimal


def short_pounds(pence: Number) -> str:
    """Pence as a short axis label: 123_456_789 -> "£1.2m", 3_500_000 -> "£35k"."""
    pounds = float(pence) / 100
    sign = "-" if pounds < 0 else ""
    pounds = abs(pounds)
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if pounds >= size:
            value = pounds / size
            return f"{sign}£{value:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{sign}£{pounds:,.0f}"


def share_label(value: Number) -> str:
    return f"{float(value):.0f}%"


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round-numbered axis ticks covering low..high (always including 0)."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _open(title: str, height: int, kind: str) -> list[str]:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-chart--{kind}" role="img" '
        f'aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" focusable="false">'
    )
    return [svg, f"<title>{escape(title)}</title>"]


def bar_chart(title: str, bars: Sequence[tuple[str, Number | None]], format_value: Callable[[Number], str] = short_pounds) -> Markup:
    """Vertical bars, one per (label, value), on a zero baseline (negative values go below it).

    A None value (a figure withheld) gets its label and no bar.
    """
    height, left, right, top, bottom = 260, 56, 4, 12, 32
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [float(v) for _, v in bars if v is not None]
    ticks = nice_ticks(min(values, default=0), max(values, default=0))
    low, high = ticks[0], ticks[-1]

    def y(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    out = _open(title, height, "bars")
    out += _axis(ticks, y, left, WIDTH - right, format_value)
    slot = plot_w / max(len(bars), 1)
    bar_w = slot * 0.7
    for index, (label, value) in enumerate(bars):
        x = left + slot * index + (slot - bar_w) / 2
        out.append(
            f'<text class="app-chart__label" x="{x + bar_w / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="{TEXT}">{escape(label)}</text>'
        )
        if value is None:
            # Withheld, not zero: a mark the table beside the chart explains.
            out.append(f'<text class="app-chart__label" x="{x + bar_w / 2:.1f}" y="{y(0) - 6:.1f}" text-anchor="middle" fill="{TEXT}">*</text>')
            continue
        y0, y1 = sorted((y(0), y(float(value))))
        out.append(
            f'<rect class="app-chart__bar" x="{x:.1f}" y="{y0:.1f}" width="{bar_w:.1f}" height="{max(y1 - y0, 0):.1f}" fill="{BLUE}">'
            f"<title>{escape(label)}: {escape(format_value(value))}</title></rect>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def line_chart(title: str, points: Sequence[tuple[str, Number | None]], high: float = 100.0,
               format_value: Callable[[Number], str] = share_label) -> Markup:
    """A line through (label, value) points from 0 to ``high``; a None value breaks the line."""
    height, left, right, top, bottom = 220, 44, 12, 12, 32
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    highest = max((float(v) for _, v in points if v is not None), default=0)
    ticks = nice_ticks(0, max(high, highest))
    top_tick = ticks[-1]

    def y(value: float) -> float:
        return top + plot_h * (top_tick - value) / top_tick

    out = _open(title, height, "line")
    out += _axis(ticks, y, left, WIDTH - right, format_value)
    slot = plot_w / max(len(points), 1)
    segments: list[list[str]] = [[]]
    dots = []
    every = max(1, math.ceil(len(points) / 8))  # keep the labels from running into each other
    for index, (label, value) in enumerate(points):
        x = left + slot * index + slot / 2
        if index % every == 0:
            out.append(
                f'<text class="app-chart__label" x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="{TEXT}">{escape(label)}</text>'
            )
        if value is None:
            segments.append([])
            continue
        segments[-1].append(f"{x:.1f},{y(float(value)):.1f}")
        dots.append(
            f'<circle class="app-chart__point" cx="{x:.1f}" cy="{y(float(value)):.1f}" r="4" fill="{BLUE}">'
            f"<title>{escape(label)}: {escape(format_value(value))}</title></circle>"
        )
    for segment in segments:
        if len(segment) > 1:
            out.append(f'<polyline class="app-chart__line" points="{" ".join(segment)}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    out += dots
    out.append("</svg>")
    return Markup("".join(out))


def horizontal_bar_chart(title: str, rows: Sequence[tuple[str, Number, Number]], part_label: str | None = "local",
                         format_value: Callable[[Number], str] = short_pounds) -> Markup:
    """One bar per (label, whole, part): the whole in a light tint, the part of it in full colour.

    With ``part_label`` None there is no part: each bar is its whole, in full colour, and no key.
    """
    bar_h, gap, top, label_w, value_w = 20, 8, 28, 160, 56
    height = top + len(rows) * (bar_h + gap) + 4
    plot_left, plot_right = label_w, WIDTH - value_w
    values = [float(v) for _, whole, part in rows for v in (whole, part)]
    ticks = nice_ticks(min(values, default=0), max(values, default=0), count=3)
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return plot_left + (plot_right - plot_left) * (float(value) - low) / (high - low)

    out = _open(title, height, "horizontal")
    if part_label is None:
        rows = [(label, whole, whole) for label, whole, _ in rows]
    # The key: what the two shades mean.
    if part_label is not None:
        out += _key(plot_left, part_label)
    for index, (label, whole, part) in enumerate(rows):
        y = top + index * (bar_h + gap)
        x0, x1 = sorted((x(0), x(whole)))
        p0, p1 = sorted((x(0), x(part)))
        out.append(
            f'<text class="app-chart__label" x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_truncate(label, 18))}</text>"
        )
        out.append(
            f'<rect class="app-chart__bar" x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{bar_h}" fill="{LIGHT_BLUE}">'
            f"<title>{escape(label)}: {escape(format_value(whole))}"
            f"{'' if part_label is None else f', {escape(part_label)} {escape(format_value(part))}'}</title></rect>"
        )
        out.append(f'<rect class="app-chart__bar-part" x="{p0:.1f}" y="{y}" width="{p1 - p0:.1f}" height="{bar_h}" fill="{BLUE}"/>')
        out.append(
            f'<text class="app-chart__value" x="{plot_right + 6}" y="{y + bar_h * 0.7:.1f}" fill="{TEXT}">{escape(format_value(whole))}</text>'
        )
    out.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 4}" y2="{height}" stroke="{TEXT}" stroke-width="1"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _key(left: float, part_label: str) -> list[str]:
    """What the two shades of a horizontal bar mean."""
    return [
        f'<rect x="{left}" y="4" width="12" height="12" fill="{BLUE}"/>',
        f'<text class="app-chart__label" x="{left + 18}" y="15" fill="{TEXT}">{escape(part_label.capitalize())}</text>',
        f'<rect x="{left + 90}" y="4" width="12" height="12" fill="{LIGHT_BLUE}"/>',
        f'<text class="app-chart__label" x="{left + 108}" y="15" fill="{TEXT}">Not {escape(part_label)}</text>',
    ]


def place_charts(places, what: str) -> dict:
    """Bar charts of procurable spend by IMD decile and by ward (a withheld figure: no bar)."""
    return {
        "imd": bar_chart(f"{what} by IMD decile, 1 most deprived", [(row.key or "?", row.procurable_pence) for row in places.deciles]),
        "wards": horizontal_bar_chart(f"{what} by ward", [(row.label, row.procurable_pence, 0) for row in places.wards],
                                      part_label=None),
    }


def _axis(ticks: list[float], y: Callable[[float], float], left: float, right: float, format_value) -> list[str]:
    """Horizontal grid lines with their values; the zero line darker."""
    out = []
    for tick in ticks:
        colour = TEXT if tick == 0 else GREY
        out.append(f'<line x1="{left}" x2="{right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{colour}" stroke-width="1"/>')
        out.append(
            f'<text class="app-chart__axis" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{TEXT}">{escape(format_value(tick))}</text>'
        )
    return out
