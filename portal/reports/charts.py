"""The report's charts as PNG images (matplotlib, headless), for the Word document and the PDF.

Each chart is drawn from the rows of the table printed beside it (``chart_data`` reads
the same ``report_tables`` sections the page, the Word document, the PDF and the
workbook show), so a bar can never say something its table does not.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from decimal import Decimal

from .annual import CommitteeReport
from .tables import Section, report_tables


@dataclass(frozen=True)
class ChartData:
    """One chart: the table it is drawn from, its accessible title, and each series' values in pounds."""

    table: str  # the title of the table printed beside it
    title: str
    labels: list[str]
    series: list[tuple[str, list[Decimal | None]]]  # (column heading, a value per label; None: withheld, no bar)
    horizontal: bool  # long labels (wards, themes) read better down the side


def _specs(r: CommitteeReport) -> dict[str, tuple[str, list[str], bool]]:
    """Table title -> (chart title, the columns plotted, horizontal): the page's four charts."""
    sv = r.social_value.label
    return {
        f"Procurable spend by IMD decile {r.label}": (
            f"Procurable spend by IMD decile (1 most deprived), {r.label}", ["Procurable spend (£)"], False),
        f"Procurable spend by ward {r.label}": (f"Procurable spend by ward, {r.label}", ["Procurable spend (£)"], True),
        f"By theme {sv}": (f"Social value committed and delivered by theme, {sv}", ["Committed (£)", "Delivered (£)"], True),
        "Year by year": ("Social value delivered by financial year", ["Delivered (£)"], False),
    }


def chart_data(r: CommitteeReport, tables: list[Section] | None = None) -> list[ChartData]:
    """The charts of the report, in table order, each from its own table's rows (tables with no rows have none)."""
    specs = _specs(r)
    out = []
    for heading, header, rows in tables if tables is not None else report_tables(r):
        if heading not in specs or not rows:
            continue
        title, columns, horizontal = specs[heading]
        series = [(column, [row[header.index(column)] for row in rows]) for column in columns]
        out.append(ChartData(heading, title, [str(row[0]) for row in rows], series, horizontal))
    return out


def whole_pounds(value: float, _position=None) -> str:
    """An axis amount in whole pounds with separators (£1,235)."""
    return f"£{value:,.0f}"


DPI = 120  # 7.5 inches wide: 900 pixels, sharp at the 16 cm the Word document and the PDF show it


def png(chart: ChartData) -> bytes:
    """The chart as a PNG: readable text (10 to 12 pt), amounts in whole pounds, the title on the image."""
    import matplotlib

    matplotlib.use("Agg")  # headless: no display on a worker or web process
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    count = len(chart.labels)
    height = min(max(3.0, 0.3 * count * len(chart.series) + 1.2), 14.0) if chart.horizontal else 4.0
    figure = Figure(figsize=(7.5, height), dpi=DPI)
    # Fixed margins, not constrained layout (which draws the figure twice: most of a chart's time).
    longest = max((len(label) for label in chart.labels), default=0) if chart.horizontal else 0
    left = min(0.45, 0.12 + 0.0115 * longest)
    figure.subplots_adjust(left=left, right=0.97, top=1 - 0.55 / height, bottom=(0.45 if chart.horizontal else 0.7) / height)
    axes = figure.add_subplot()
    width = 0.8 / len(chart.series)
    colours = ["#1d70b8", "#00703c", "#f47738"]
    for n, (name, values) in enumerate(chart.series):
        numbers = [math.nan if v is None else float(v) for v in values]
        places = [i + (n - (len(chart.series) - 1) / 2) * width for i in range(count)]
        draw = axes.barh if chart.horizontal else axes.bar
        draw(places, numbers, width, label=name.replace(" (£)", ""), color=colours[n % len(colours)])
    ticks = list(range(count))
    value_axis, label_axis = (axes.xaxis, axes.yaxis) if chart.horizontal else (axes.yaxis, axes.xaxis)
    value_axis.set_major_formatter(FuncFormatter(whole_pounds))
    if chart.horizontal:
        axes.set_yticks(ticks, chart.labels)
        axes.invert_yaxis()  # the table's first row at the top
    else:
        axes.set_xticks(ticks, chart.labels)
    label_axis.set_tick_params(labelsize=11)
    value_axis.set_tick_params(labelsize=10)
    axes.set_title(chart.title, fontsize=12, loc="left")
    if len(chart.series) > 1:
        axes.legend(fontsize=10)
    axes.grid(axis="x" if chart.horizontal else "y", color="#b1b4b6", linewidth=0.5)
    axes.set_axisbelow(True)
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Title": chart.title})
    return out.getvalue()


def alt_text(chart: ChartData) -> str:
    """What the image shows, for a screen reader: its title and where its figures are."""
    return f"{chart.title}. Bar chart; its figures are in the table that follows it."
