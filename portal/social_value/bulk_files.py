"""The layouts of the bulk import files (commitments, delivery reports), reading them, and their templates.

A file is CSV or XLSX with a header row naming at least the required columns, in any
order and case; other columns are ignored. Cells are read by the spend reader, so the
same encodings, byte-order marks, Excel dates and repeated headers are understood.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from portal.spend.headers import clean_header
from portal.spend.reading import (
    MIN_RECOGNISED_HEADERS,
    HeaderRule,
    SpendFile,
    SpendFileProblem,
    read_spend_file,
)


@dataclass(frozen=True)
class Layout:
    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    example: tuple[str, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return self.required + self.optional


LAYOUTS = {
    # Committed on: the day the supplier made the promise (the contract's start when blank).
    "commitments": Layout(
        "commitments", ("Contract reference", "Measure code", "Quantity"), ("Committed on",),
        ("CON-2019-001", "NT1", "12", "01/04/2019"),
    ),
    "delivery": Layout(
        "delivery", ("Contract reference", "Measure code", "Quantity", "Period start", "Period end"),
        # Ward, Group, Count: how many people benefited, in a ward of the network's area and a group (both optional).
        ("What was delivered", "Ward", "Group", "Count"),
        ("CON-2019-001", "NT1", "3", "01/04/2019", "30/09/2019", "Three local people employed full time", "", "Age", "3"),
    ),
}


class BulkFileProblem(ValueError):
    """The file cannot be read as this kind of bulk import at all; the message says why."""


def _folded(cell: str) -> str:
    return clean_header(cell).casefold()


def open_bulk_file(path: Path, filename: str, layout: Layout) -> tuple[SpendFile, dict[str, int]]:
    """The file ready to stream, and the position of each of the layout's columns it has."""
    wanted = {_folded(h) for h in layout.required}

    def recognised(cells: list[str]) -> int:
        # Every required column, or none: a title row never passes for the header.
        return MIN_RECOGNISED_HEADERS if wanted <= {_folded(c) for c in cells} else 0

    rule = HeaderRule(recognised=recognised, looking_for="the columns " + ", ".join(layout.required))
    try:
        opened = read_spend_file(path, filename, rule)
    except SpendFileProblem as problem:
        message = str(problem)
        if "no header row" in message:
            message = f"{filename} has no header row with the columns " + ", ".join(layout.required)
        raise BulkFileProblem(message) from None
    positions = {}
    folded = [_folded(h) for h in opened.headers]
    for header in layout.headers:
        if _folded(header) in folded:
            positions[header] = folded.index(_folded(header))
    return opened, positions


def template_csv(layout: Layout) -> bytes:
    """The layout's headers and one example row, as CSV (UTF-8 with a BOM, so Excel reads it right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(layout.headers)
    writer.writerow(layout.example)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(layout: Layout) -> bytes:
    """The layout's headers and one example row, as an Excel workbook (every cell text, as typed)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = layout.kind.capitalize()
    sheet.append(list(layout.headers))
    sheet.append(list(layout.example))
    for row in sheet.iter_rows():
        for cell in row:
            cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
