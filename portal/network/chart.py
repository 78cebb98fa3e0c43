"""The local share chart, drawn on the server as SVG geometry.

Presentation attributes only (no style attributes, no script): the CSP forbids
inline styles, and the chart must work without JavaScript. The template turns
these numbers into <rect>, <line> and <text>.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

LABEL_WIDTH = 260
PLOT_WIDTH = 420
BAR_HEIGHT = 24
GAP = 12
TOP = 34  # room for the network marker's label
BOTTOM = 28  # room for the axis labels


VALUE_WIDTH = 52  # room the value label takes after a bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    y: int
    width: float
    value_x: float = 0.0

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
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    top: int = TOP
    bar_height: int = BAR_HEIGHT

    @property
    def axis_y(self) -> int:
        return self.height - BOTTOM

    @property
    def ticks(self) -> list[tuple[float, int]]:
        return [(self.label_width + self.plot_width * p / 100, p) for p in (0, 25, 50, 75, 100)]


def _x(percentage: Decimal | None) -> float:
    if percentage is None:
        return 0.0
    clamped = min(max(float(percentage), 0.0), 100.0)
    return round(PLOT_WIDTH * clamped / 100, 1)


def local_share_chart(rows, network_share: Decimal | None) -> ShareChart:
    """Bars of each row's ``local_share`` (0–100 %) and a marker at the network's share."""
    marker = None if network_share is None else LABEL_WIDTH + _x(network_share)
    bars = []
    for i, row in enumerate(rows):
        width = _x(row.local_share)
        value_x = LABEL_WIDTH + width + 6
        # A value label the network marker would strike through moves to the marker's right.
        if marker is not None and value_x - 8 <= marker <= value_x + VALUE_WIDTH:
            value_x = marker + 6
        bars.append(Bar(row.name, row.local_share, TOP + i * (BAR_HEIGHT + GAP), width, value_x))
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) + BOTTOM
    return ShareChart(bars, network_share, marker, LABEL_WIDTH + PLOT_WIDTH + 60, height)
