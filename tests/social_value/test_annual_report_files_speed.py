"""The Word document's tables written in one piece of XML (issue 16, speed) say exactly what python-docx's cell-by-cell writing said."""
from __future__ import annotations

from docx import Document
from lxml import etree

from portal.reports.files import _add_rows, for_print

HEADER = ["Contract", "Title", "Partner", "Supplier", "Ends", "Pays the Real Living Wage"]
TRICKY = [
    ["C-1", "Roads & <bridges>", "Council", " padded supplier ", "2026-03-31", "Yes"],
    ["C-2", "tab\there", "line\nbreak", "windows\r\nbreak", "", "Not known"],
    ["C-3", "Café £1,234.56 — “quoted”", "a ]]> b", "\ttrailing tab\n", "  ", "No"],
]


def _table(document):
    table = document.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER):
        cell.text = text
    return table


def test_the_rows_are_the_xml_python_docx_writes_cell_by_cell():
    by_cell, at_once = Document(), Document()
    slow = _table(by_cell)
    for row in TRICKY:
        for cell, text in zip(slow.add_row().cells, row):
            cell.text = text
    fast = _table(at_once)
    _add_rows(fast, TRICKY)
    assert etree.tostring(fast._tbl) == etree.tostring(slow._tbl)
    assert [[c.text for c in r.cells] for r in fast.rows[1:]] == [[c.text for c in r.cells] for r in slow.rows[1:]]


def test_thousands_of_rows_are_all_there_in_order():
    document = Document()
    table = _table(document)
    rows = [[f"C-{n}", f"Contract {n}", "Council", f"Supplier {n % 7}", "2026-03-31", "Yes"] for n in range(5000)]
    _add_rows(table, rows)
    assert len(table.rows) == 5001
    assert [c.text for c in table.rows[4321].cells] == rows[4320]
    assert table.rows[-1].cells[0].text == "C-4999"


def _living_wage(count: int):
    labels = ["Paying", "Not yet", "Unknown"]
    return ("Real Living Wage contracts 2025 to 2026", HEADER,
            [[f"C-{n}", f"Contract {n}", "Council", "Supplier", "", labels[n % 3]] for n in range(count)])


def test_the_pdf_prints_the_first_200_of_a_long_living_wage_list_and_says_how_many_and_where_the_rest_are():

    other = ("By theme 2025 to 2026", ["Theme", "Committed (£)"], [[f"Theme {n}", n] for n in range(500)])
    printed, notes = for_print([other, _living_wage(1000)])
    assert printed[0] == other  # any other table, however long, is printed whole
    heading, _header, rows = printed[1]
    assert rows == _living_wage(1000)[2][:200]
    assert notes == {heading: ("The first 200 of 1,000 contracts are shown here (334 paying, 333 not yet, 333 unknown); "
                               "the report's CSV and Excel downloads and its Word document list every one.")}


def test_a_living_wage_list_of_200_or_fewer_is_printed_whole_without_a_note():
    printed, notes = for_print([_living_wage(200)])
    assert printed == [_living_wage(200)] and notes == {}
