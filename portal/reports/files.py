"""The report as files: an editable Word document (python-docx, charts as PNG images) and a workbook with a sheet per table.

Both carry the illustrative-values warning first whenever the report uses such values:
in the Word document as the first paragraph and in every page header, in the workbook
as the first row of every sheet. There is no switch to leave it out.
"""
from __future__ import annotations

import io
from decimal import Decimal

from portal.downloads import safe_cell
from portal.social_value.report_views import tidy_rows

from .annual import ILLUSTRATIVE_WARNING, CommitteeReport
from .charts import ChartData, alt_text, chart_data, png
from .tables import (
    Section,
    case_study_section,
    combined_sections,
    method_section,
    report_tables,
    spend_sections,
)

CSV_TYPE = "text/csv; charset=utf-8"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def title(r: CommitteeReport) -> str:
    return f"{r.who}: annual report {r.label}"


def cell_text(value) -> str:
    """A table cell as the Word document shows it: pounds with separators, blanks for nothing."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def _chart(document, chart: ChartData) -> None:
    """The chart as an inline PNG, its title as the image's description (Word's alt text)."""
    from docx.shared import Cm

    document.add_picture(io.BytesIO(png(chart)), width=Cm(16))
    document.inline_shapes[-1]._inline.docPr.set("descr", alt_text(chart))  # python-docx has no setter for alt text


def _table(document, section: Section, chart: ChartData | None = None) -> None:
    heading, header, rows = section
    document.add_heading(heading, level=3)
    if chart is not None:
        _chart(document, chart)
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = cell_text(value)


def word_document(r: CommitteeReport) -> bytes:
    """The report as a .docx whose headings and tables follow the page."""
    from docx import Document

    document = Document()
    if r.illustrative:
        document.sections[0].header.paragraphs[0].text = ILLUSTRATIVE_WARNING
    document.add_heading(title(r), level=0)
    if r.illustrative:
        document.add_paragraph(ILLUSTRATIVE_WARNING, style="Intense Quote")
    document.add_paragraph("Each chart is followed by the table that holds its data.")
    charts = {c.table: c for c in chart_data(r)}
    parts = [("Spend", spend_sections(r)), ("Combined anchor spend", combined_sections(r))]
    spent = {s[0] for _, sections in parts for s in sections}
    stories = case_study_section(r)
    social_value = [s for s in report_tables(r) if s[0] not in spent and s[0] not in ("Method notes", stories[0])]
    parts += [("Social value", social_value), ("Case studies", [stories]), ("Method notes", [method_section(r)])]
    for heading, sections in parts:
        if not sections:
            continue
        document.add_heading(heading, level=1)
        for section in sections:
            _table(document, section, charts.get(section[0]))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def csv_file(r: CommitteeReport) -> bytes:
    """Every table in one CSV, one row per figure (table, item, figure, value), the warning first when it applies."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    if r.illustrative:
        writer.writerow([ILLUSTRATIVE_WARNING])
    writer.writerow(["Table", "Item", "Figure", "Value"])
    for row in tidy_rows(report_tables(r)):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM: Excel reads the £ sign right


def workbook(r: CommitteeReport) -> bytes:
    """One sheet per table; cells made safe as in ``portal.downloads``."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for heading, header, rows in report_tables(r):
        name = "".join(ch for ch in heading if ch not in "[]:*?/\\")[:31]
        while name in used:
            name = name[:29] + f"{len(used):02d}"
        used.add(name)
        sheet = book.create_sheet(name)
        if r.illustrative:
            sheet.append([ILLUSTRATIVE_WARNING])
        sheet.append(header)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
