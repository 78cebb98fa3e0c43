"""Are the annual report's charts images beside their tables, in the Word document and the PDF, drawn from the table's figures?

``chart_data`` is what the PNG renderer is given; its values are checked against the
lines added up in Python (the oracle) and against the table printed after the image.
"""
from __future__ import annotations

import io

from docx import Document
from pypdf import PdfReader

from portal.dashboard.tables import pounds_number
from portal.extensions import db
from portal.reports import annual, charts
from portal.reports.files import cell_text

from .world import YEAR, in_year, procurable_by

DECILES, WARDS = "Procurable spend by IMD decile 2024 to 2025", "Procurable spend by ward 2024 to 2025"


def test_the_charts_plot_the_figures_of_their_tables_and_of_the_lines(spend_world, app_ctx):
    r = annual.partner_report(db.session, spend_world.a, "2024")
    drawn = {c.table: c for c in charts.chart_data(r)}
    assert set(drawn) >= {DECILES, WARDS}
    want = procurable_by(in_year(spend_world.a_lines, YEAR), lambda s: s.get("imd_decile"))
    deciles = drawn[DECILES]
    [(column, values)] = deciles.series
    assert column == "Procurable spend (£)"
    # Every decile the table shows, with the oracle's pounds (an unplaced decile: no decile).
    got = dict(zip(deciles.labels, values, strict=True))
    def decile(key):
        return None if key in (None, "") else int(key)

    assert {label: v for label, v in got.items() if v} == {
        row.label: pounds_number(want[decile(row.key)]) for row in r.spend.places.deciles if want.get(decile(row.key))}
    assert sum(v for v in values if v) == pounds_number(sum(want.values()))
    # The same numbers as the table the chart stands beside.
    table = next(rows for heading, _, rows in annual_tables(r) if heading == DECILES)
    assert [row[1] for row in table] == values and [str(row[0]) for row in table] == deciles.labels
    assert "(1 most deprived)" in deciles.title and charts.whole_pounds(1234.56) == "£1,235"


def annual_tables(r):
    from portal.reports.tables import report_tables

    return report_tables(r)


def test_each_chart_is_a_png_with_its_title(spend_world, app_ctx):
    r = annual.partner_report(db.session, spend_world.a, "2024")
    for chart in charts.chart_data(r):
        image = charts.png(chart)
        assert image.startswith(b"\x89PNG\r\n\x1a\n") and len(image) > 5_000, chart.table
        assert chart.title.encode() in image  # the PNG's own Title text chunk


def test_the_word_document_has_each_chart_as_an_image_followed_by_its_table(spend_world, sign_in, app_ctx):
    r = annual.partner_report(db.session, spend_world.a, "2024")
    drawn = charts.chart_data(r)
    response = sign_in(spend_world.a_viewer).get("/report.docx?year=2024")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    assert len(document.inline_shapes) == len(drawn) >= 2
    # In the body's order: each picture's paragraph, then the next table is its chart's table.
    body = document.element.body
    blocks = list(body.iterchildren())
    tables = iter(document.tables)
    table_of = {t._tbl: t for t in tables}
    pictures = [n for n, block in enumerate(blocks) if block.xpath(".//pic:pic")]
    assert len(pictures) == len(drawn)
    for chart, at in zip(drawn, pictures, strict=True):
        following = next(table_of[b] for b in blocks[at:] if b in table_of)
        assert [row.cells[1].text for row in following.rows[1:]] == [cell_text(v) for v in chart.series[0][1]], chart.table
        descr = blocks[at].xpath(".//wp:docPr/@descr")
        assert descr and chart.title in descr[0]


def test_the_pdf_holds_each_chart_as_an_image_and_its_tables_figures(spend_world, sign_in, app_ctx):
    r = annual.partner_report(db.session, spend_world.a, "2024")
    response = sign_in(spend_world.a_viewer).get("/report.pdf?year=2024")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.data)).pages
    # WeasyPrint lists the document's images in every page's resources: count them once each.
    images = {image.data for page in pages for image in page.images}
    assert len(images) == len(charts.chart_data(r)) >= 2
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for row in r.spend.places.deciles:
        if row.procurable_pence:
            assert cell_text(pounds_number(row.procurable_pence)) in text
