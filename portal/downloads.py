"""CSV and XLSX downloads, safe to open in a spreadsheet, never whole in memory.

A cell starting with = + - @ (or a tab or carriage return) is run as a formula
by Excel and LibreOffice (OWASP "CSV injection"); such text gets a leading
apostrophe. Numbers are written as numbers, so a negative amount stays a number.

A year of a partner's lines can be a million rows: a CSV is streamed as its rows
are read (the request's session and scope stay open until the last row is sent),
and an XLSX is built in a temporary file and sent from there
(``bench/download_memory.py``).
"""
from __future__ import annotations

import csv
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from numbers import Number

from flask import Response, send_file, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# Rows written between two chunks sent: big enough that the chunk overhead vanishes, small enough to hold.
ROWS_PER_CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_chunks(header: list[str], rows: Iterable) -> Iterator[str]:
    """The CSV file (with the byte order mark Excel needs to read UTF-8) a few thousand rows at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([safe_cell(v) for v in row])
        if n % ROWS_PER_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable) -> Response:
    chunks = stream_with_context(csv_chunks(header, rows))
    # The first chunk is written before the answer starts: a query that fails does so while a proper
    # error page can still be sent, not as a 200 with a cut-off file.
    first = next(chunks)
    return Response(
        itertools.chain((first,), chunks), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


def xlsx_response(filename: str, header: list[str], rows: Iterable) -> Response:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # rows go to a temporary file as they are appended
    sheet = workbook.create_sheet(filename[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = tempfile.TemporaryFile()  # closed, and so deleted, once the answer is sent
    workbook.save(out)
    out.seek(0)
    return send_file(out, mimetype=XLSX_TYPE, as_attachment=True, download_name=f"{filename}.xlsx")
