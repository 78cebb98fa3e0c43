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

from portal.formatting import short_pounds

BLUE = "#1d70b8"  # GOV.UK blue
LIGHT_BLUE = "#d2e2f1"  # blue tint, for the part of a bar outside the area
GREY = "#b1b4b6"
TEXT = "#0b0c0c"
# Drawn at most WIDTH px wide (the stylesheet's max-width), and shown only from GOV.UK's tablet
# breakpoint, where a full-width column is at least 581 px: FONT px type then renders at 14.5 px or
# more. Below the breakpoint the chart's list with bars (``bar_list``) takes its place.
WIDTH = 640
FONT = 16

Number = int | float | Decimal


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


# Advance widths in ems, generous (DejaVu Sans, the widest sans-serif a browser here may fall
# back to), so a label measured to fit does fit: a clipped label is worse than a wide margin.
_NARROW = set("iljtfrI.,:;'|!() ")
_WIDE = set("mwMW%@…—")


def text_width(text: str, size: float = FONT) -> float:
    """How wide ``text`` is drawn at ``size`` px, estimated on the wide side."""
    ems = 0.0
    for ch in text:
        if ch in _NARROW:
            ems += 0.36
        elif ch in _WIDE:
            ems += 1.0
        elif ch.isupper():
            ems += 0.78
        else:
            ems += 0.66
    return ems * size


def fit_text(text: str, width: float, size: float = FONT) -> str:
    """``text`` cut with an ellipsis to fit ``width`` px (the full text goes in the element's <title>)."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _label(x: float, y: float, text: str, width: float, anchor: str = "middle", css: str = "app-chart__label") -> str:
    """A text label cut to ``width``; a cut label carries its full text as a <title> (a tooltip)."""
    shown = fit_text(text, width)
    title = "" if shown == text else f"<title>{escape(text)}</title>"
    return (f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{TEXT}">'
            f"{title}{escape(shown)}</text>")


def _every(labels: Sequence[str], slot: float) -> int:
    """Label every n-th slot, so that no two labels run into each other."""
    widest = max((text_width(label) for label in labels), default=0)
    return max(1, math.ceil((widest + 8) / max(slot, 1)))


def _percent(part: float, whole: float) -> int:
    return min(max(round(100 * part / whole), 0), 100)


def bar_list(title: str, rows: Sequence[tuple[str, Number | None, Number | None]], format_value, ranked: bool,
             part_label: str | None = None) -> Markup:
    """The chart as a list of rows with CSS bars, for narrow screens (no JavaScript, no inline style).

    Each row is (label, value, part of it or None); a bar's length is one of 101 width
    classes (0-100 % of the largest value), as the CSP forbids a style attribute.
    """
    highest = max((abs(float(v)) for _, v, _ in rows if v is not None), default=0) or 1
    tag = "ol" if ranked else "ul"
    out = [f'<{tag} class="app-bar-list" aria-label="{escape(title)}">']
    if part_label is not None:
        out.append(f'<li class="app-bar-list__key"><span class="app-bar-list__swatch app-bar-list__swatch--part"></span>'
                   f'{escape(part_label.capitalize())} <span class="app-bar-list__swatch"></span>Not {escape(part_label)}</li>')
    for label, value, part in rows:
        shown = "Not shown" if value is None else format_value(value)
        out.append(f'<li class="app-bar-list__row"><span class="app-bar-list__label">{escape(label)}</span> '
                   f'<span class="app-bar-list__value app-figure">{escape(shown)}</span>')
        if value is not None:
            width = _percent(abs(float(value)), highest)
            inner = ""
            if part is not None and part_label is not None and float(value):
                inner = f'<span class="app-bar-list__part app-bar-list__width--{_percent(float(part), float(value))}"></span>'
            out.append(f'<span class="app-bar-list__track"><span class="app-bar-list__bar app-bar-list__width--{width}'
                       f'{" app-bar-list__bar--negative" if float(value) < 0 else ""}">{inner}</span></span>')
        out.append("</li>")
    out.append(f"</{tag}>")
    return Markup("".join(out))


def _open(title: str, height: int, kind: str) -> list[str]:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart app-chart--{kind}" role="img" '
        f'aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" focusable="false">'
    )
    return [svg, f"<title>{escape(title)}</title>"]


def bar_chart(title: str, bars: Sequence[tuple[str, Number | None]], format_value: Callable[[Number], str] = short_pounds) -> Markup:
    """Vertical bars, one per (label, value), on a zero baseline (negative values go below it).

    A None value (a figure withheld) gets its label and no bar.
    """
    values = [float(v) for _, v in bars if v is not None]
    ticks = nice_ticks(min(values, default=0), max(values, default=0))
    low, high = ticks[0], ticks[-1]
    height, right, top, bottom = 300, 8, 14, FONT * 2 + 4
    left = math.ceil(max(text_width(format_value(t)) for t in ticks)) + 12
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def y(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    out = _open(title, height, "bars")
    out += _axis(ticks, y, left, WIDTH - right, format_value)
    slot = plot_w / max(len(bars), 1)
    bar_w = slot * 0.7
    every = _every([label for label, _ in bars], slot)
    for index, (label, value) in enumerate(bars):
        x = left + slot * index + (slot - bar_w) / 2
        if index % every == 0:
            out.append(_label(x + bar_w / 2, height - bottom + FONT + 6, label, slot * every - 4))
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
    rows = [(label, value, None) for label, value in bars]
    return Markup("".join(out)) + bar_list(title, rows, format_value, ranked=False)


def line_chart(title: str, points: Sequence[tuple[str, Number | None]], high: float = 100.0,
               format_value: Callable[[Number], str] = share_label) -> Markup:
    """A line through (label, value) points from 0 to ``high``; a None value breaks the line."""
    highest = max((float(v) for _, v in points if v is not None), default=0)
    ticks = nice_ticks(0, max(high, highest))
    top_tick = ticks[-1]
    height, right, top, bottom = 260, 12, 14, FONT * 2 + 4
    left = math.ceil(max(text_width(format_value(t)) for t in ticks)) + 12
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def y(value: float) -> float:
        return top + plot_h * (top_tick - value) / top_tick

    out = _open(title, height, "line")
    out += _axis(ticks, y, left, WIDTH - right, format_value)
    slot = plot_w / max(len(points), 1)
    segments: list[list[str]] = [[]]
    dots = []
    every = _every([label for label, _ in points], slot)
    for index, (label, value) in enumerate(points):
        x = left + slot * index + slot / 2
        if index % every == 0:
            out.append(_label(x, height - bottom + FONT + 6, label, slot * every - 4))
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
    rows = [(label, value, None) for label, value in points]
    return Markup("".join(out)) + bar_list(title, rows, format_value, ranked=False)


def horizontal_bar_chart(title: str, rows: Sequence[tuple[str, Number, Number]], part_label: str | None = "local",
                         format_value: Callable[[Number], str] = short_pounds) -> Markup:
    """One bar per (label, whole, part): the whole in a light tint, the part of it in full colour.

    With ``part_label`` None there is no part: each bar is its whole, in full colour, and no key.
    Labels are measured: the label column is as wide as the longest (up to 40% of the chart,
    longer ones are cut with their full text in a <title>), the value column as the widest value.
    """
    bar_h, gap = 24, 10
    top = 34 if part_label is not None else 8
    height = top + len(rows) * (bar_h + gap) + 4
    label_w = min(max((text_width(label) for label, _, _ in rows), default=0) + 10, WIDTH * 0.4)
    value_w = max((text_width(format_value(whole)) for _, whole, _ in rows), default=0) + 12
    plot_left, plot_right = label_w, WIDTH - value_w
    values = [float(v) for _, whole, part in rows for v in (whole, part)]
    ticks = nice_ticks(min(values, default=0), max(values, default=0), count=3)
    low, high = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return plot_left + (plot_right - plot_left) * (float(value) - low) / (high - low)

    out = _open(title, height, "horizontal")
    if part_label is None:
        rows = [(label, whole, whole) for label, whole, _ in rows]
    else:
        # The key: what the two shades mean (two series, so a legend).
        out += _key(plot_left, part_label)
    for index, (label, whole, part) in enumerate(rows):
        y = top + index * (bar_h + gap)
        x0, x1 = sorted((x(0), x(whole)))
        p0, p1 = sorted((x(0), x(part)))
        out.append(_label(label_w - 8, y + bar_h * 0.72, label, label_w - 10, anchor="end"))
        out.append(
            f'<rect class="app-chart__bar" x="{x0:.1f}" y="{y}" width="{x1 - x0:.1f}" height="{bar_h}" fill="{LIGHT_BLUE}">'
            f"<title>{escape(label)}: {escape(format_value(whole))}"
            f"{'' if part_label is None else f', {escape(part_label)} {escape(format_value(part))}'}</title></rect>"
        )
        out.append(f'<rect class="app-chart__bar-part" x="{p0:.1f}" y="{y}" width="{p1 - p0:.1f}" height="{bar_h}" fill="{BLUE}"/>')
        out.append(
            f'<text class="app-chart__value" x="{plot_right + 6:.1f}" y="{y + bar_h * 0.72:.1f}" fill="{TEXT}">{escape(format_value(whole))}</text>'
        )
    out.append(f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 4}" y2="{height}" stroke="{TEXT}" stroke-width="1"/>')
    out.append("</svg>")
    ranked = sorted(rows, key=lambda row: -abs(float(row[1])))
    listed = [(label, whole, None if part_label is None else part) for label, whole, part in ranked]
    return Markup("".join(out)) + bar_list(title, listed, format_value, ranked=True, part_label=part_label)


def _key(left: float, part_label: str) -> list[str]:
    """What the two shades of a horizontal bar mean."""
    part = part_label.capitalize()
    second = left + 18 + text_width(part) + 16
    return [
        f'<rect x="{left:.1f}" y="6" width="14" height="14" fill="{BLUE}"/>',
        f'<text class="app-chart__label" x="{left + 20:.1f}" y="19" fill="{TEXT}">{escape(part)}</text>',
        f'<rect x="{second:.1f}" y="6" width="14" height="14" fill="{LIGHT_BLUE}" stroke="{BLUE}" stroke-width="1"/>',
        f'<text class="app-chart__label" x="{second + 20:.1f}" y="19" fill="{TEXT}">Not {escape(part_label)}</text>',
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
