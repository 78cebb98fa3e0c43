"""Are the server-drawn charts valid SVG that the Content-Security-Policy lets through?"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from portal.dashboard import charts

from .pages import SVG_NS, bars


def parse(markup) -> ET.Element:
    """The chart's SVG (it is followed by its list with bars, for narrow screens)."""
    root = ET.fromstring(re.search(r"<svg .*</svg>", str(markup), re.DOTALL).group(0))
    assert root.tag == f"{SVG_NS}svg" and root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG_NS}title").text == root.get("aria-label")
    assert not [e for e in root.iter() if e.get("style") is not None], "the CSP forbids inline styles"
    return root


def test_a_bar_chart_has_one_bar_per_value_and_negative_bars_go_below_zero():
    chart = parse(charts.bar_chart("Spend by month", [("Apr", 100_000), ("May", -40_000), ("Jun", 0)]))
    rects = bars(chart)
    assert len(rects) == 3
    zero = next(float(line.get("y1")) for line in chart.iter(f"{SVG_NS}line") if line.get("stroke") == charts.TEXT)
    april, may, june = rects
    assert float(april.get("y")) + float(april.get("height")) == pytest.approx(zero, abs=0.1)
    assert float(may.get("y")) == pytest.approx(zero, abs=0.1) and float(may.get("height")) > 0
    assert float(june.get("height")) == 0
    assert [t.text for t in chart.iter(f"{SVG_NS}text") if t.get("class") == "app-chart__label"] == ["Apr", "May", "Jun"]


def test_a_withheld_value_keeps_its_label_but_has_no_bar():
    chart = parse(charts.bar_chart("Combined", [("Apr", None), ("May", 5)]))
    assert len(bars(chart)) == 1
    labels = [t.text for t in chart.iter(f"{SVG_NS}text") if t.get("class") == "app-chart__label"]
    assert labels == ["Apr", "*", "May"]


def test_labels_are_escaped_so_a_category_cannot_break_the_markup():
    name = '<script>alert("x")</script> & "Sons"'
    chart = parse(charts.horizontal_bar_chart("Categories", [(name, 300, 100), ("Food", 200, 0)]))
    assert len(bars(chart)) == 2 and len(bars(chart, "app-chart__bar-part")) == 2
    assert "<script>" not in str(charts.horizontal_bar_chart("x", [(name, 1, 1)]))
    titles = [t.text for t in chart.iter(f"{SVG_NS}title")]
    assert any(name in (t or "") for t in titles)


def test_the_part_of_a_horizontal_bar_is_never_longer_than_the_bar():
    chart = parse(charts.horizontal_bar_chart("Categories", [("IT", 1000, 250)]))
    (whole,), (part,) = bars(chart), bars(chart, "app-chart__bar-part")
    assert float(part.get("width")) == pytest.approx(float(whole.get("width")) / 4, abs=0.2)


def test_a_line_chart_breaks_where_a_value_is_missing():
    points = [("Q1", Decimal("40.0")), ("Q2", Decimal("45.5")), ("Q3", None), ("Q4", Decimal(50)), ("Q5", Decimal(52))]
    chart = parse(charts.line_chart("Local share", points))
    assert len(list(chart.iter(f"{SVG_NS}circle"))) == 4
    assert len(list(chart.iter(f"{SVG_NS}polyline"))) == 2


def test_empty_charts_still_draw():
    parse(charts.bar_chart("Nothing", []))
    parse(charts.line_chart("Nothing", []))
    parse(charts.horizontal_bar_chart("Nothing", []))


@pytest.mark.parametrize("pence, text", [(0, "£0"), (99_00, "£99"), (3_500_000, "£35k"), (123_456_789, "£1.2m"),
                                         (-250_000_00, "-£250k"), (2_000_000_000_00, "£2bn")])
def test_axis_amounts_are_short(pence, text):
    assert charts.short_pounds(pence) == text


def test_ticks_are_round_and_cover_the_values():
    assert charts.nice_ticks(0, 9_500) == [0, 2500, 5000, 7500, 10000]
    ticks = charts.nice_ticks(-300, 1000)
    assert ticks[0] <= -300 and ticks[-1] >= 1000 and 0 in ticks
