"""The report as files: an editable Word document (python-docx, charts as PNG images) and a workbook with a sheet per table.

Both carry the illustrative-values warning first whenever the report uses such values:
in the Word document as the first paragraph and in every page header, in the workbook
as the first row of every sheet. There is no switch to leave it out.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from decimal import Decimal
from xml.sax.saxutils import escape

from portal.downloads import safe_cell
from portal.social_value.report import LIVING_WAGE_SHOWN, RLW_LABELS
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
LIVING_WAGE_TABLE = "Real Living Wage contracts "  # its title, then the year (report_sections)
_RUN_BREAKS = re.compile(r"(\t|\r|\n)")


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
    _add_rows(table, [[cell_text(value) for value in row] for row in rows])


def _run_content(text: str) -> str:
    """A run's XML as python-docx's ``Run.text`` writes it: a tab is ``<w:tab/>``, a line break ``<w:br/>``."""
    out = []
    for part in _RUN_BREAKS.split(text):
        if part == "\t":
            out.append("<w:tab/>")
        elif part in ("\r", "\n"):
            out.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            out.append(f"<w:t{space}>{escape(part)}</w:t>")
    return "".join(out)


def _add_rows(table, rows: list[list[str]]) -> None:
    """Append the rows to the table as one piece of XML, parsed once.

    The same XML as ``table.add_row()`` and ``cell.text`` cell by cell (each cell as wide as its
    grid column, one paragraph of one run), which cost seconds for a table of thousands of rows
    (the Real Living Wage list holds every contract of the year).
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    tbl = table._tbl
    widths = [column.w for column in tbl.tblGrid.gridCol_lst]
    tc_pr = [f'<w:tcPr><w:tcW w:type="dxa" w:w="{w.twips}"/></w:tcPr>' if w is not None else "" for w in widths]
    body = "".join("<w:tr>" + "".join(f"<w:tc>{pr}<w:p><w:r>{_run_content(text)}</w:r></w:p></w:tc>"
                                      for pr, text in zip(tc_pr, row)) + "</w:tr>" for row in rows)
    tbl.extend(list(parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")))


def for_print(tables: list[Section]) -> tuple[list[Section], dict[str, str]]:
    """The tables as the PDF prints them, and a note under each one it shortens.

    The Real Living Wage list holds every in-scope contract of the year (thousands in a large
    network), and laying out thousands of table rows is most of the PDF's time (issue 16). The
    PDF prints its first ``LIVING_WAGE_SHOWN`` rows, as the social value report's page does,
    and says how many there are, how many of them pay, and that the CSV and Excel downloads
    (and the Word document) list every one. Every other table is printed whole.
    """
    out, notes = [], {}
    for heading, header, rows in tables:
        if heading.startswith(LIVING_WAGE_TABLE) and len(rows) > LIVING_WAGE_SHOWN:
            said = Counter(row[-1] for row in rows)
            counts = ", ".join(f"{said[label]:,} {label.lower()}" for label in RLW_LABELS.values())
            notes[heading] = (f"The first {LIVING_WAGE_SHOWN} of {len(rows):,} contracts are shown here ({counts}); "
                              "the report's CSV and Excel downloads and its Word document list every one.")
            rows = rows[:LIVING_WAGE_SHOWN]
        out.append((heading, header, rows))
    return out, notes


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
