"""Does the partner's dashboard show the figures its lines add up to, and lead back to those lines?"""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.formatting import percent, pounds
from portal.spend.queries import share

from .pages import Page, bars
from .world import CATEGORIES, YEAR, by, headline, import_lines, in_year, partner_a_lines

HEADLINES = ("total", "procurable", "local", "based", "branched", "wider", "region", "unplaced", "sme", "vcse",
             "employee_owned", "living_wage")


def dashboard(world, sign_in, query: str = "") -> Page:
    response = sign_in(world.a_viewer).get("/spend" + query)
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def test_the_headline_figures_equal_the_lines_added_up(spend_world, sign_in):
    page = dashboard(spend_world, sign_in)
    expected = headline(in_year(spend_world.a_lines, YEAR))
    assert set(expected) == set(HEADLINES) and all(expected.values())
    # Tax is left out of procurable spend, and each share is of procurable spend, not of the total.
    assert 0 < expected["procurable"] < expected["total"]
    assert expected["local"] == expected["based"] + expected["branched"]
    assert page.text("headline-procurable-share") == f"{percent(share(expected['procurable'], expected['total']))} of total spend"
    for key in HEADLINES:
        assert page.text(f"headline-{key}-pence").split()[-1] == pounds(expected[key]), key
        if key not in ("total", "procurable"):
            assert page.text(f"headline-{key}-share") == f"{percent(share(expected[key], expected['procurable']))} of procurable spend"
    summary = page.text("procurable-summary")
    assert pounds(expected["total"]) in summary and pounds(expected["procurable"]) in summary
    assert "2024 to 2025" in page.text("headlines") or "Headline figures, 2024 to 2025" in page.html


def test_the_month_table_and_chart_match_the_lines(spend_world, sign_in):
    page = dashboard(spend_world, sign_in)
    lines = in_year(spend_world.a_lines, YEAR)
    monthly = by(lines, lambda line: line.month)
    rows = page.table("table-months")
    assert [r[0][0] for r in rows][:2] == ["April 2024", "May 2024"] and len(rows) == 12
    for row in rows:
        (label, _), (amount, _), (procurable, _), _ = row
        month = date(int(label.split()[1]), [date(2000, m, 1).strftime("%B") for m in range(1, 13)].index(label.split()[0]) + 1, 1)
        assert amount == pounds(monthly.get(month, 0)), label
        assert procurable == pounds(headline([line for line in lines if line.month == month])["procurable"]), label
    assert rows[10][1][0] == "£0"  # February 2025: nothing paid, still shown
    months_chart = page.charts()[0]
    assert months_chart.get("role") == "img" and months_chart.get("aria-label") == "Spend by month, 2024 to 2025"
    assert len(bars(months_chart)) == 12


def test_categories_show_the_top_ten_with_a_bar_each_and_the_largest_leaving(spend_world, sign_in):
    page = dashboard(spend_world, sign_in)
    lines = in_year(spend_world.a_lines, YEAR)
    spend = by(lines, lambda line: line.category)
    top = sorted(spend, key=lambda c: (-spend[c], c))[:10]
    assert len(spend) == len(CATEGORIES) == 12
    rows = page.table("table-categories")
    assert [(r[0][0], r[1][0]) for r in rows] == [(c, pounds(spend[c])) for c in top]
    chart = page.charts()[2]
    assert len(bars(chart)) == 10 and len(bars(chart, "app-chart__bar-part")) == 10
    # Leaving the area: procurable spend not known to be local (tax, say, is not counted as leaving).
    figures = {c: headline([line for line in lines if line.category == c]) for c in spend}
    leaving = {c: figures[c]["procurable"] - figures[c]["local"] for c in spend}
    assert [r[3][0] for r in rows] == [percent(share(figures[c]["local"], figures[c]["procurable"])) for c in top]
    expected = sorted(leaving, key=lambda c: (-leaving[c], c))[:10]
    assert [(r[0][0], r[1][0]) for r in page.table("table-leaving")] == [(c, pounds(leaving[c])) for c in expected]


def test_top_suppliers_are_grouped_in_the_database_and_largest_first(spend_world, sign_in):
    page = dashboard(spend_world, sign_in)
    spend = by(in_year(spend_world.a_lines, YEAR), lambda line: line.supplier)
    rows = page.table("table-suppliers")
    assert [(r[0][0], r[3][0]) for r in rows] == [(s, pounds(spend[s])) for s in sorted(spend, key=lambda s: -spend[s])]
    assert "Secret Supplier of B" not in page.html


def test_local_share_over_time_has_a_point_per_quarter(spend_world, sign_in):
    page = dashboard(spend_world, sign_in)
    rows = page.table("table-quarters")
    # January to March 2024 (the year before) and the four quarters of 2024 to 2025.
    assert [r[0][0] for r in rows] == ["January to March 2024", "April to June 2024", "July to September 2024",
                                       "October to December 2024", "January to March 2025"]
    lines = spend_world.a_lines
    q3 = headline([line for line in lines if date(2024, 7, 1) <= line.month < date(2024, 10, 1)])
    assert rows[2][2][0] == pounds(q3["procurable"])
    assert rows[2][4][0] == percent(share(q3["local"], q3["procurable"]))
    chart = page.charts()[1]
    points = list(chart.iter("{http://www.w3.org/2000/svg}circle"))
    assert len(points) == 5 and chart.get("role") == "img"


@pytest.mark.parametrize("key", HEADLINES)
def test_each_headline_links_to_lines_that_add_up_to_it(spend_world, sign_in, key):
    client = sign_in(spend_world.a_viewer)
    page = Page(client.get("/spend").get_data(as_text=True))
    link = next(href for href in page.links(f"headline-{key}") if href.startswith("/spend/lines"))
    args = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert args["start"] == "2024-04-01" and args["end"] == "2025-03-01"
    # The downloaded lines behind the link add up to the figure, to the penny.
    download = client.get("/spend/lines.csv?" + urlsplit(link).query).get_data(as_text=True).lstrip("\ufeff")
    amounts = [Decimal(row.rsplit(",", 1)[1]) for row in download.strip().splitlines()[1:]]
    expected = headline(in_year(spend_world.a_lines, YEAR))[key]
    assert sum(amounts) * 100 == expected
    # And the lines page says as many lines as the download has.
    lines_page = client.get(link).get_data(as_text=True)
    assert f"{len(amounts):,} line" in lines_page


def test_month_and_category_links_lead_to_their_lines(spend_world, sign_in):
    client = sign_in(spend_world.a_viewer)
    page = Page(client.get("/spend").get_data(as_text=True))
    lines = in_year(spend_world.a_lines, YEAR)
    (label, href), *_ = page.table("table-months")[2]  # June 2024, with the credit note
    assert label.startswith("June 2024")
    csv_text = client.get(href.replace("/spend/lines?", "/spend/lines.csv?")).get_data(as_text=True)
    assert sum(Decimal(r.rsplit(",", 1)[1]) for r in csv_text.strip().splitlines()[1:]) * 100 == sum(
        line.pence for line in lines if line.month == date(2024, 6, 1))
    (label, href), *_ = page.table("table-categories")[0]
    csv_text = client.get(href.replace("/spend/lines?", "/spend/lines.csv?")).get_data(as_text=True)
    assert sum(Decimal(r.rsplit(",", 1)[1]) for r in csv_text.strip().splitlines()[1:]) * 100 == sum(
        line.pence for line in lines if line.category == label)


def test_choosing_another_year_works_without_javascript(spend_world, sign_in):
    page = dashboard(spend_world, sign_in)
    form = page.by_testid("year-form")
    assert form.attrs["method"] == "get"
    options = [(o.attrs["value"], o.text(), "selected" in o.attrs) for o in form.find_all("option")]
    assert options == [("2024", "2024 to 2025", True), ("2023", "2023 to 2024", False)]
    earlier = dashboard(spend_world, sign_in, "?year=2023")
    old = [line for line in spend_world.a_lines if line.ref.startswith("A-OLD")]
    assert earlier.text("headline-total-pence").split()[-1] == pounds(sum(line.pence for line in old))
    # A year with no spend falls back to the latest.
    assert dashboard(spend_world, sign_in, "?year=1999").text("headline-total-pence").split()[-1] == pounds(
        headline(in_year(spend_world.a_lines, YEAR))["total"])


def test_every_figure_says_how_it_is_counted(spend_world, sign_in):
    page = dashboard(spend_world, sign_in)
    summaries = [n.text() for n in page.root.walk() if n.attrs.get("class", "").startswith("govuk-details__summary-text")]
    # Each headline, the five tables' own, and the rule for the whole page.
    assert summaries.count("How we count this") == len(HEADLINES) + 5 + 1
    assert "suppliers we could not place: no postcode" in page.text("headline-unplaced")


def test_the_page_has_no_inline_styles_and_only_the_layouts_own_scripts(spend_world, sign_in):
    response = sign_in(spend_world.a_viewer).get("/spend")
    page = Page(response.get_data(as_text=True))
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert not [n for n in page.root.walk() if "style" in n.attrs or n.tag == "style"]
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert all(script.attrs.get("nonce") == nonce for script in page.root.find_all("script"))
    assert len(page.charts()) == 5


def test_with_no_lines_the_page_says_what_to_do_next(make_partner, make_user, sign_in):
    partner = make_partner("New Partner")
    officer, viewer = make_user(partner, "officer"), make_user(partner, "viewer")
    page = Page(sign_in(officer).get("/spend").get_data(as_text=True))
    assert "has not imported any spend" in page.text("dashboard-empty")
    assert "/spend/imports" in page.links("dashboard-empty")
    page = Page(sign_in(viewer).get("/spend").get_data(as_text=True))
    assert "Ask an officer or admin" in page.text("dashboard-empty")


def test_lines_waiting_for_their_totals_are_not_called_missing(make_partner, make_user, sign_in):
    partner = make_partner("Busy Partner")
    import_lines(partner, partner_a_lines()[:2])
    page = Page(sign_in(make_user(partner, "viewer")).get("/spend").get_data(as_text=True))
    assert "still working out your totals" in page.text("dashboard-empty")


def test_the_navigation_and_home_page_lead_to_the_dashboard(spend_world, sign_in):
    client = sign_in(spend_world.a_viewer)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/spend"' in Page(home).html and "See your spend dashboard" in home
    nav = Page(client.get("/spend").get_data(as_text=True)).root
    items = [a.text() for a in nav.walk() if a.tag == "a" and "govuk-service-navigation__link" in a.attrs.get("class", "")]
    assert "Dashboard" in items and "Imports" in items and "Spend" not in items


def test_every_figure_is_in_whole_pounds_and_a_headline_carries_its_exact_figure(spend_world, sign_in):
    """Tables in whole pounds like the headlines; a headline's abbreviation states its exact whole pounds."""
    page = dashboard(spend_world, sign_in)
    assert not re.search(r"£[\d,]+\.\d\d(?!\d)", page.html), "a figure in pence"
    total = headline(in_year(spend_world.a_lines, YEAR))["total"]
    whole = int((Decimal(total) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # worked out apart from the filters
    html = page.html.split('data-testid="headline-total-pence">', 1)[1].split("</p>", 1)[0]
    assert f'<data class="app-figure" value="{whole}">' in html
    if whole >= 10_000:
        assert f'<span class="app-figure app-figure__exact">£{whole:,}</span>' in html
