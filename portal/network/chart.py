"""The local share chart, drawn on the server as SVG geometry.

Presentation attributes only (no style attributes, no script): the CSP forbids
inline styles, and the chart must work without JavaScript. The template turns
these numbers into <rect>, <line> and <text>.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup

from portal.dashboard.charts import FONT, WIDTH, bar_list, fit_text, text_width
from portal.formatting import percent

# The longest partner name takes up to this much; a longer one is cut, its full name in a <title>.
MAX_LABEL_WIDTH = 240
BAR_HEIGHT = 24
GAP = 12
TOP = 34  # room for the network marker's label
BOTTOM = 28  # room for the axis labels


VALUE_WIDTH = math.ceil(text_width("100.0%")) + 12  # room the value label takes after a bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    y: int
    width: float
    value_x: float = 0.0
    shown_label: str = ""

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5


@dataclass(frozen=True)
class ShareChart:
    bars: list[Bar]
    network_share: Decimal | None
    marker_x: float | None
    width: int
    height: int
    label_width: int = MAX_LABEL_WIDTH
    plot_width: int = WIDTH - MAX_LABEL_WIDTH - VALUE_WIDTH
    top: int = TOP
    bar_height: int = BAR_HEIGHT
    font_size: int = FONT

    def bar_list(self, title: str) -> Markup:
        """The same shares as a list with bars, shown on narrow screens in the chart's place."""
        rows = [(bar.label, bar.value, None) for bar in sorted(self.bars, key=lambda b: -(b.value or 0))]
        return bar_list(title, rows, percent, ranked=True)

    @property
    def axis_y(self) -> int:
        return self.height - BOTTOM

    @property
    def ticks(self) -> list[tuple[float, int]]:
        return [(self.label_width + self.plot_width * p / 100, p) for p in (0, 25, 50, 75, 100)]


def _x(percentage: Decimal | None, plot_width: float) -> float:
    if percentage is None:
        return 0.0
    clamped = min(max(float(percentage), 0.0), 100.0)
    return round(plot_width * clamped / 100, 1)


def local_share_chart(rows, network_share: Decimal | None) -> ShareChart:
    """Bars of each row's ``local_share`` (0–100 %) and a marker at the network's share.

    The label column is as wide as the longest name (measured, up to MAX_LABEL_WIDTH), so
    no name is clipped at the chart's edge; the chart is WIDTH wide like the dashboard's.
    """
    label_width = math.ceil(min(max((text_width(row.name) for row in rows), default=0) + 16, MAX_LABEL_WIDTH))
    plot_width = WIDTH - label_width - VALUE_WIDTH
    marker = None if network_share is None else label_width + _x(network_share, plot_width)
    bars = []
    for i, row in enumerate(rows):
        width = _x(row.local_share, plot_width)
        value_x = label_width + width + 6
        # A value label the network marker would strike through moves to the marker's right.
        if marker is not None and value_x - 8 <= marker <= value_x + VALUE_WIDTH:
            value_x = marker + 6
        bars.append(Bar(row.name, row.local_share, TOP + i * (BAR_HEIGHT + GAP), width, value_x,
                        fit_text(row.name, label_width - 14)))
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) + BOTTOM
    return ShareChart(bars, network_share, marker, WIDTH, height, label_width=label_width, plot_width=plot_width)
