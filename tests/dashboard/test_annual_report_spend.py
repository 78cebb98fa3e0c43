"""Does the annual report's spend equal the lines added up, this year and last, in the page, the Word document and the workbook?

The spend world has no social value and no illustrative measure values, so no format
may carry the illustrative-values warning.
"""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from docx import Document
from openpyxl import load_workbook

from portal.dashboard import figures
from portal.dashboard.tables import pounds_number
from portal.extensions import db
from portal.reports import annual
from portal.reports.files import cell_text
from portal.spend.queries import share
from tenants import tenant_context
from tests.cross_tenant.annual_report import text_of

from .world import YEAR, headline, in_year

LAST_YEAR = date(2023, 4, 1)


def _check_spend(section, lines):
    now, before = headline(in_year(lines, YEAR)), headline(in_year(lines, LAST_YEAR))
    got = {f.key: f for f in section.figures}
    assert set(got) == set(now)
    for key, pence in now.items():
        f = got[key]
        assert f.pence == pence, key
        assert f.previous_pence == before[key], key
        assert f.change_pence == pence - before[key], key
        whole = now["total"] if key == "procurable" else now["procurable"]
        if key != "total":
            assert f.share == share(pence, whole), key


def test_the_partners_spend_this_year_and_last_equals_its_lines(spend_world, app_ctx):
    r = annual.partner_report(db.session, spend_world.a, "2024")
    assert r.year_start == YEAR and r.previous_label == "2023 to 2024"
    _check_spend(r.spend, spend_world.a_lines)
    assert sum(f.previous_pence for f in r.spend.figures if f.key == "total") > 0  # last year had lines
    # By ward and IMD decile: the dashboard's own figures for the year.
    with tenant_context(spend_world.a.id):
        dashboard = figures.partner_dashboard(db.session, spend_world.a, YEAR, figures.financial_years(db.session))
    def rows(place_rows):
        return [(row.key, row.label, row.procurable_pence, row.share) for row in place_rows]

    assert rows(r.spend.places.deciles) == rows(dashboard.places.deciles)
    assert rows(r.spend.places.wards) == rows(dashboard.places.wards)
    assert any(row.procurable_pence for row in r.spend.places.deciles)
    assert not r.illustrative and not r.is_network


def test_the_networks_spend_and_each_partners_figure_equal_their_lines(spend_world, app_ctx):
    r = annual.network_report(db.session, spend_world.network, "2024")
    _check_spend(r.spend, spend_world.a_lines + spend_world.b_lines)
    combined = {row.name: row for row in r.combined}
    for partner, lines in ((spend_world.a, spend_world.a_lines), (spend_world.b, spend_world.b_lines)):
        want = headline(in_year(lines, YEAR))
        row = combined[partner.name]
        assert (row.total_pence, row.procurable_pence, row.local_pence) == (want["total"], want["procurable"], want["local"])
        assert row.threshold == annual.THRESHOLD_NOT_RECORDED


def test_a_partner_reading_the_network_report_sees_its_own_row_and_no_one_partner_cells(spend_world, app_ctx):
    r = annual.network_report(db.session, spend_world.network, "2024", reader_id=spend_world.a.id)
    assert [row.name for row in r.combined] == [spend_world.a.name]
    got = {f.key: f for f in r.spend.figures}
    both = headline(in_year(spend_world.a_lines + spend_world.b_lines, YEAR))
    assert got["total"].pence == both["total"]  # both partners spent: the network's total stands
    assert got["employee_owned"].pence is None and got["living_wage"].pence is None
    # B paid no supplier based in the area: the network's "based" figure is A's alone, so withheld.
    assert got["based"].pence is None and got["based"].share is None
    for key, f in got.items():
        assert f.pence is None or f.pence == both[key], key
    assert any(topic == "A partner's view" for topic, _ in r.notes)


def test_the_word_document_has_the_pages_headings_and_tables(spend_world, sign_in, app_ctx):
    client = sign_in(spend_world.a_viewer)
    page = client.get("/report?year=2024")
    assert page.status_code == 200
    response = client.get("/report.docx?year=2024")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == f"{spend_world.a.name}: annual report 2024 to 2025"
    for heading in ("Spend", "Spend 2024 to 2025", "Procurable spend by IMD decile 2024 to 2025",
                    "Procurable spend by ward 2024 to 2025", "Social value", "Method notes"):
        assert heading in headings, heading
        assert heading in page.get_data(as_text=True)  # the page has the same heading
    # The charts are on the page beside their tables (by decile, by ward, by theme, year by year).
    assert page.get_data(as_text=True).count('data-testid="chart"') == 4
    spend = document.tables[0]
    assert spend.rows[0].cells[0].text == "Figure"
    want = headline(in_year(spend_world.a_lines, YEAR))
    by_label = {row.cells[0].text: row.cells[1].text for row in spend.rows[1:]}
    assert by_label["Total spend"] == cell_text(pounds_number(want["total"]))
    assert by_label["Spend with SMEs"] == cell_text(pounds_number(want["sme"]))
    text = text_of(".docx", response.data)
    assert annual.ILLUSTRATIVE_WARNING not in text


def test_the_workbook_has_a_sheet_per_table_with_the_figures_as_numbers(spend_world, sign_in, app_ctx):
    response = sign_in(spend_world.a_viewer).get("/report.xlsx?year=2024")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["Spend 2024 to 2025", "Procurable spend by IMD decile ", "Procurable spend by ward 2024 t"]
    rows = list(book["Spend 2024 to 2025"].iter_rows(values_only=True))
    assert rows[0][0] == "Figure"  # no warning row: nothing illustrative
    total = next(row for row in rows if row[0] == "Total spend")
    assert Decimal(str(total[1])) == pounds_number(headline(in_year(spend_world.a_lines, YEAR))["total"])
    csv_text = sign_in(spend_world.a_viewer).get("/report.csv?year=2024").data.decode("utf-8-sig")
    assert csv_text.startswith("Table,Item,Figure,Value") and annual.ILLUSTRATIVE_WARNING not in csv_text


def test_the_pdf_text_holds_the_spend_figures(spend_world, sign_in, app_ctx):
    response = sign_in(spend_world.a_viewer).get("/report.pdf?year=2024")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(".pdf", response.data)
    want = headline(in_year(spend_world.a_lines, YEAR))
    for key in ("total", "procurable", "local", "sme"):
        assert cell_text(pounds_number(want[key])) in text, key
    assert "Procurable spend by IMD decile 2024 to 2025" in text and annual.ILLUSTRATIVE_WARNING not in text


def _in_half(lines, start: date, end: date):
    return [line for line in lines if start <= line.day < end]


def test_a_half_years_spend_equals_its_lines_for_the_partner_and_the_network(spend_world, app_ctx):
    h1, h2 = (date(2024, 4, 1), date(2024, 10, 1)), (date(2024, 10, 1), date(2025, 4, 1))
    for half, (start, end) in ((1, h1), (2, h2)):
        r = annual.partner_report(db.session, spend_world.a, "2024", half=half)
        assert r.period.start == start and r.period.end == end
        want = headline(_in_half(spend_world.a_lines, start, end))
        assert {f.key: f.pence for f in r.spend.figures} == want, half
        last = headline(_in_half(spend_world.a_lines, date(start.year - 1, start.month, 1), date(end.year - 1, end.month, 1)))
        assert {f.key: f.previous_pence for f in r.spend.figures} == (last if last["total"] else dict.fromkeys(want)), half
        lead = annual.network_report(db.session, spend_world.network, "2024", half=half)
        both = _in_half(spend_world.a_lines + spend_world.b_lines, start, end)
        assert {f.key: f.pence for f in lead.spend.figures} == headline(both), half
        combined = {row.name: row.total_pence for row in lead.combined}
        for partner, lines in ((spend_world.a, spend_world.a_lines), (spend_world.b, spend_world.b_lines)):
            total = headline(_in_half(lines, start, end))["total"]
            assert combined[partner.name] == (total or None), (half, partner.name)
    assert r.label == "October 2024 to March 2025"
    assert any(topic == "Half-year" for topic, _ in r.notes)


def test_the_half_year_page_and_files_name_the_half(spend_world, sign_in, app_ctx):
    client = sign_in(spend_world.a_viewer)
    page = client.get("/report?year=2024&half=1").get_data(as_text=True)
    assert "April 2024 to September 2024" in page and "/report.docx?year=2024&amp;half=1" in page
    response = client.get("/report.docx?year=2024&half=1")
    assert 'annual-report-partner-2024-h1.docx' in response.headers["Content-Disposition"]
    assert "Spend April 2024 to September 2024" in text_of(".docx", response.data)
