"""One money format: whole pounds where a person reads, headlines abbreviated with the exact figure beside them."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from portal.formatting import exact_pounds, headline_pounds, pounds, proxy_pounds, short_pounds

TEMPLATES = Path(__file__).resolve().parents[1] / "portal" / "templates"


@pytest.mark.parametrize("pence, text", [
    (0, "£0"),
    (49, "£0"),
    (50, "£1"),  # a half pound rounds up, not to the even pound
    (150, "£2"),
    (250, "£3"),
    (-50, "-£1"),  # and away from zero when negative
    (-149, "-£1"),
    (-43_880, "-£439"),
    (123_456_789, "£1,234,568"),
    (42_394_978_500, "£423,949,785"),
    (123_456_789_012_350, "£1,234,567,890,124"),  # billions: no float drift
    (Decimal("12345.5"), "£123"),
    (None, "–"),
])
def test_pounds_are_whole(pence, text):
    assert pounds(pence) == text


@pytest.mark.parametrize("pence, text", [(0, "£0.00"), (-43_880, "-£438.80"), (100_000_001, "£1,000,000.01"), (None, "–")])
def test_exact_pounds_keep_the_pence(pence, text):
    assert exact_pounds(pence) == text


@pytest.mark.parametrize("pence, text", [
    (0, "£0"),
    (95_049, "£950"),
    (7_920_000, "£79.2k"),
    (7_925_000, "£79.3k"),  # half up at one decimal place
    (42_394_978_500, "£423.9m"),
    (99_996_000, "£1m"),  # £999,960 is not "£1000k"
    (200_000_000_000, "£2bn"),
    (123_456_789_000_000, "£1234.6bn"),
    (-25_000_000, "-£250k"),
    (None, "–"),
])
def test_short_pounds_abbreviate(pence, text):
    assert short_pounds(pence) == text


def test_a_headline_shows_the_abbreviation_and_the_exact_figure():
    html = str(headline_pounds(42_394_978_500))
    assert '<data class="app-figure" value="423949785">£423.9m</data>' in html
    assert '<span class="app-figure app-figure__exact">£423,949,785</span>' in html


@pytest.mark.parametrize("pence, text", [(0, "£0"), (999_949, "£9,999"), (-123_400, "-£1,234")])
def test_a_small_headline_is_its_exact_figure_alone(pence, text):
    html = str(headline_pounds(pence))
    assert re.fullmatch(r'<data class="app-figure" value="-?\d+">(.*)</data>', html).group(1) == text


def test_a_negative_headline_keeps_its_sign_in_both_parts():
    html = str(headline_pounds(-7_920_050))
    assert 'value="-79201">-£79.2k</data>' in html and ">-£79,201</span>" in html


def test_a_proxy_value_is_a_rate_and_keeps_its_pence():
    assert proxy_pounds(Decimal(2400000)) == "£24,000.00"
    assert proxy_pounds(Decimal("35.25")) == "£0.3525"


def test_every_template_renders_money_through_the_filters():
    """No template formats pence itself ("%.2f", "/ 100", "{:,}" on a *_pence): every figure goes through portal/formatting.py."""
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"_pence\s*/\s*100|pence\)?\s*\|\s*(round|int|float)|format\([^)]*_pence", line):
                offenders.append(f"{template.relative_to(TEMPLATES)}:{number}")
            if re.search(r"pounds\((whole|true)", line):
                offenders.append(f"{template.relative_to(TEMPLATES)}:{number} (one money format: no whole= switch)")
    assert not offenders, offenders
