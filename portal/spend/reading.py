"""Read a partner's spend file (CSV or XLSX) row by row, whatever its size, or refuse it clearly.

``read_spend_file`` checks what the file really is, finds its header row and returns a
``SpendFile`` whose ``rows()`` streams ``RawRow``s: raw text cells keyed by the file's own
(cleaned) column names. Nothing here interprets a value: ``portal.spend.normalise`` does that,
and ``portal.spend.headers`` proposes which column holds which of the portal's ``FIELDS``.
Memory stays flat: the file is never read whole, only streamed (twice for a CSV, see
``_sniff_encoding``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

# The column names live in .headers. FIELDS, REQUIRED_FIELDS and missing_required are not
# used here but stay importable from here, as other modules and tests have always done.
from .headers import (
    FIELDS,  # noqa: F401
    REQUIRED_FIELDS,  # noqa: F401
    FieldMapping,
    clean_header,
    guess_mapping,
    missing_required,  # noqa: F401
    recognised_headers,
)

# --- limits ------------------------------------------------------------------------------

# An XLSX is a zip of XML. A hostile or broken one can expand to gigabytes from a few kB
# ("zip bomb"), so the archive's own directory is checked before openpyxl opens anything.
# Python's zipfile stops each member at its declared size (and fails its CRC), so a member
# cannot lie its way past these checks by understating its size.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024  # tiny members (styles, rels) may compress 200:1 harmlessly
MAX_ZIP_MEMBERS = 10_000

HEADER_SEARCH_ROWS = 20  # title rows above the header: real files have one to five
MIN_RECOGNISED_HEADERS = 3
SNIFF_CHUNK_BYTES = 64 * 1024
# The csv module reads a whole text line at a time, so one endless line would be read into
# memory whole; no real spend line comes near this.
MAX_LINE_BYTES = 1024 * 1024
CSV_DELIMITERS = (",", ";", "\t", "|")  # comma first: the Transparency Code publishes CSV

EXTRA = "__extra__"  # key of the cells a row has beyond the header's columns


class SpendFileProblem(Exception):
    """The file cannot be read as spend lines; the message says why, in the uploader's words."""


_TOTAL_LABEL = re.compile(r"(?i)(grand |sub ?|overall |net |gross )?totals?( [a-z £():]*)?:?")


class RawRow:
    """One data row: where it is in the file and its cells as text, keyed by column name.

    A row with one cell per column keeps its cells as a list (``cells``) and builds the
    by-name ``values`` only when asked: the import picks its cells by position, and a million
    rows need not each become a dict.
    """

    __slots__ = ("line_number", "cell_count", "header_count", "cells", "_headers", "_values")

    def __init__(self, line_number: int, values: dict[str, str] | None, cell_count: int, header_count: int,
                 cells: list[str] | None = None, headers: list[str] | None = None):
        self.line_number = line_number  # the row number the officer sees in Excel (the header row has its own)
        self.cell_count = cell_count  # cells in the row (trailing blank cells past the header not counted)
        self.header_count = header_count
        self.cells = cells  # the row's cells in column order, when it has one per column
        self._headers = headers
        self._values = values

    @property
    def values(self) -> dict[str, str]:
        if self._values is None:
            self._values = dict(zip(self._headers, self.cells))
        return self._values

    def _compared(self) -> tuple:
        return (self.line_number, self.values, self.cell_count, self.header_count)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawRow) and self._compared() == other._compared()

    __hash__ = None  # its values are a dict: rows are compared, never kept in sets

    def __repr__(self) -> str:
        return f"RawRow(line_number={self.line_number}, values={self.values!r}, cell_count={self.cell_count})"

    @property
    def is_total(self) -> bool:
        """A row that adds up the file ("Total", "Grand total" and a sum, little else): not a payment.

        Asked only of a row that is not a good line (a total row has no date), so a firm called
        "Total Gas & Power Ltd" on a full line is never taken for one.
        """
        filled = [value.strip() for key, value in self.values.items() if key != EXTRA and value.strip()]
        return 0 < len(filled) <= 3 and any(_TOTAL_LABEL.fullmatch(value) for value in filled)

    @property
    def problem(self) -> str | None:
        """Say what is wrong with the row's shape, or None when it has one cell per column."""
        if self.cell_count == self.header_count:
            return None
        return f"line {self.line_number} has {self.cell_count} cells, the header has {self.header_count}"


# --- cells and headers --------------------------------------------------------------------

def _unique_headers(cells: list[str]) -> list[str]:
    # Rows become dicts keyed by column name, so names must be unique and non-empty:
    # a second "Amount" becomes "Amount (2)", an unnamed column "Column 7".
    names: list[str] = []
    seen: set[str] = set()
    for position, cell in enumerate(cells, start=1):
        base = cell or f"Column {position}"
        name, copy = base, 1
        while name.casefold() in seen:
            copy += 1
            name = f"{base} ({copy})"
        seen.add(name.casefold())
        names.append(name)
    return names


def _is_blank(cells: list[str]) -> bool:
    if cells and cells[0].strip():
        return False  # settles almost every row without looking further
    return all(not cell.strip() for cell in cells)


def cell_text(value: object) -> str:
    """Return a spreadsheet cell as the text the officer sees: dates ISO, numbers exact."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        # Excel keeps 15 significant digits; going through that text drops binary artefacts
        # (0.1 + 0.2 shows as 0.3, 4101.36 stays 4101.36) and 'f' avoids "1E+16".
        return format(Decimal(f"{value:.15g}"), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --- what the file really is --------------------------------------------------------------

_CSV_EXTENSIONS = {".csv", ".txt"}
_XLSX_EXTENSIONS = {".xlsx", ".xlsm"}

_SIGNATURES = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        (
            "an old-style Excel .xls workbook (or a password-protected one): "
            "save it as .xlsx without a password, or as CSV"
        ),
    ),
    (b"%PDF", "a PDF document, not a spreadsheet"),
    (b"\x89PNG", "a PNG image, not a spreadsheet"),
    (b"\xff\xd8\xff", "a JPEG image, not a spreadsheet"),
    (b"GIF8", "a GIF image, not a spreadsheet"),
    (b"\x1f\x8b", "a gzip archive, not a spreadsheet"),
    (b"\xff\xfe", "saved as 'Unicode text' (UTF-16): save it as 'CSV UTF-8' or 'CSV' instead"),
    (b"\xfe\xff", "saved as 'Unicode text' (UTF-16): save it as 'CSV UTF-8' or 'CSV' instead"),
)


def _sniff_kind(path: Path, filename: str) -> str:
    with path.open("rb") as handle:
        start = handle.read(8)
    if not start:
        raise SpendFileProblem(f"{filename} is empty")
    if start[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    for signature, what in _SIGNATURES:
        if start.startswith(signature):
            raise SpendFileProblem(f"{filename} is {what}")
    return "text"


@dataclass(frozen=True)
class HeaderRule:
    """How a kind of file's header row is told from a title: cells it recognises, and what to say when none is found."""

    recognised: object = recognised_headers  # cells -> how many are column names we know
    looking_for: str = "column names like Date, Amount and Supplier name"


SPEND_HEADERS = HeaderRule()


def read_spend_file(path: str | Path, filename: str, rule: HeaderRule = SPEND_HEADERS) -> SpendFile:
    """Open an uploaded spend file, find its header and return it ready to stream rows.

    ``path`` is where the upload is stored, ``filename`` the name the officer gave it (used
    for its extension and in messages). Raises SpendFileProblem for an empty file, a file
    that is not CSV or XLSX or whose extension does not match its content, a zip bomb, a CSV
    with NUL bytes, or a file without a recognisable header row. ``is_header`` (cells -> bool)
    tells a header row for files in another layout (social value bulk imports); by default,
    a row naming enough spend fields.
    """
    path = Path(path)
    extension = Path(filename).suffix.lower()
    if extension not in _CSV_EXTENSIONS | _XLSX_EXTENSIONS:
        raise SpendFileProblem(f"{filename} is not a CSV (.csv) or Excel (.xlsx) file")
    kind = _sniff_kind(path, filename)
    # The extension must agree with the content: a mismatch usually means the wrong file was
    # picked or renamed by hand, and guessing would hide that from the officer.
    if kind == "zip":
        _check_xlsx_archive(path, filename)
        if extension not in _XLSX_EXTENSIONS:
            raise SpendFileProblem(
                f"{filename} is called {extension} but is an Excel workbook: "
                "upload it with its .xlsx name, or save it as CSV"
            )
        return _open_xlsx(path, filename, rule)
    if extension in _XLSX_EXTENSIONS:
        raise SpendFileProblem(
            f"{filename} is called {extension} but is not an Excel workbook: if it is a CSV "
            "file, name it .csv"
        )
    return _open_csv(path, filename, rule)


# --- XLSX ---------------------------------------------------------------------------------


def _check_xlsx_archive(path: Path, filename: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpendFileProblem(f"{filename} is a damaged zip archive, not a spreadsheet") from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and "content.xml" in names:
            raise SpendFileProblem(
                f"{filename} is an OpenDocument spreadsheet: save it as .xlsx or CSV"
            )
        raise SpendFileProblem(f"{filename} is a zip archive, not an Excel workbook")
    refuse_zip_bomb(members, filename)


def refuse_zip_bomb(members: list[zipfile.ZipInfo], filename: str, what: str = "a spreadsheet") -> None:
    """Raise SpendFileProblem for an archive too many parts, too big unpacked, or compressed too far.

    Read from the archive's directory only, before anything is unpacked. Also used for
    evidence (Excel and Word files) in ``portal/social_value/evidence.py``.
    """
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpendFileProblem(
            f"{filename} holds {len(members):,} parts: too many for {what}"
        )
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SpendFileProblem(
            f"{filename} would unpack to {total // (1024 * 1024):,} MB, over the "
            f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB limit: split it or save it as CSV"
        )
    for member in members:
        big = member.file_size >= RATIO_CHECK_FROM_BYTES
        if big and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise SpendFileProblem(
                f"{filename} is compressed over {MAX_COMPRESSION_RATIO} to 1: it looks like a "
                f"zip bomb, not {what}"
            )
    if total >= RATIO_CHECK_FROM_BYTES and total > MAX_COMPRESSION_RATIO * max(packed, 1):
        raise SpendFileProblem(
            f"{filename} is compressed over {MAX_COMPRESSION_RATIO} to 1: it looks like a zip "
            f"bomb, not {what}"
        )


def _load_workbook(path: Path, filename: str):
    import openpyxl  # imported here: CSV uploads, the common case, never pay for it

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a broken archive
        raise SpendFileProblem(
            f"{filename} could not be opened as an Excel workbook ({error.__class__.__name__})"
        ) from None


def _sheet_rows(sheet, filename: str) -> Iterator[list[str]]:
    # Some exporters write a wrong <dimension> that would make openpyxl cut rows short;
    # forgetting it makes openpyxl read every cell actually present.
    sheet.reset_dimensions()
    try:
        for cells in sheet.iter_rows(min_row=1, values_only=True):
            yield [cell_text(value) for value in cells]
    except Exception as error:  # noqa: BLE001 - broken sheet XML surfaces as many kinds
        raise SpendFileProblem(
            f"{filename}: the sheet '{sheet.title}' could not be read ({error.__class__.__name__})"
        ) from None


def _open_xlsx(path: Path, filename: str, rule: HeaderRule = SPEND_HEADERS) -> SpendFile:
    workbook = _load_workbook(path, filename)
    try:
        saw_data = False
        for sheet in workbook.worksheets:
            found = _find_header(_sheet_rows(sheet, filename), rule)
            if found is None:
                continue
            if found[0] == "header":
                _, line, cells = found
                return SpendFile(path, filename, "xlsx", cells, line, sheet_name=sheet.title)
            saw_data = True
    finally:
        workbook.close()
    if saw_data:
        raise _no_header(filename, rule)
    raise SpendFileProblem(f"{filename} has no data in any sheet")


# --- CSV ----------------------------------------------------------------------------------

_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def _sniff_encoding(path: Path, filename: str) -> str:
    """Decide the whole file's encoding in one streaming pass, and refuse NUL bytes.

    A sample is not enough: the real Leeds file is plain ASCII until a Windows-1252 dash two
    megabytes in. Decoding line by line with a fallback would be wrong the other way round,
    mixing two encodings in one file. So the whole file is streamed once through an
    incremental UTF-8 decoder (flat memory, chunk boundaries handled), and any invalid byte
    makes the file Windows-1252, the encoding Excel's plain "CSV" uses on UK Windows.
    The same pass refuses a line longer than MAX_LINE_BYTES, which csv would hold whole.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8 = True
    lines_before = 0
    line_so_far = 0  # bytes of the current line read in earlier chunks
    bad_cp1252: tuple[int, int] | None = None  # (byte, line) of the first undecodable byte
    with path.open("rb") as handle:
        while chunk := handle.read(SNIFF_CHUNK_BYTES):
            if (nul := chunk.find(b"\x00")) >= 0:
                line = lines_before + chunk.count(b"\n", 0, nul) + 1
                raise SpendFileProblem(
                    f"{filename} has a NUL byte on line {line}: it is not a text CSV file"
                )
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if bad_cp1252 is None:
                for byte in _CP1252_UNDEFINED:
                    if (where := chunk.find(bytes([byte]))) >= 0:
                        bad_cp1252 = (byte, lines_before + chunk.count(b"\n", 0, where) + 1)
                        break
            # "\r" ends a line too: the csv module also reads old Mac files ending lines that way.
            parts = chunk.replace(b"\r", b"\n").split(b"\n")
            longest = max([line_so_far + len(parts[0]), *(len(part) for part in parts[1:])])
            line_so_far = len(parts[-1]) if len(parts) > 1 else line_so_far + len(parts[0])
            if longest > MAX_LINE_BYTES:
                raise SpendFileProblem(
                    f"{filename} has a line over {MAX_LINE_BYTES // (1024 * 1024)} MB long near "
                    f"line {lines_before + 1}: it is not a spend file"
                )
            lines_before += chunk.count(b"\n")
    if utf8:
        try:
            decoder.decode(b"", final=True)  # a multi-byte character cut off at the very end
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        with path.open("rb") as handle:
            return "utf-8-sig" if handle.read(3) == codecs.BOM_UTF8 else "utf-8"
    if bad_cp1252 is not None:
        byte, line = bad_cp1252
        raise SpendFileProblem(
            f"{filename} has the byte 0x{byte:02X} on line {line}, which is neither UTF-8 nor "
            "Windows-1252 text: save it again as 'CSV UTF-8'"
        )
    return "cp1252"


def _csv_records(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with path.open("r", encoding=encoding, newline="") as stream:
        yield from csv.reader(stream, delimiter=delimiter)


def _open_csv(path: Path, filename: str, rule: HeaderRule = SPEND_HEADERS) -> SpendFile:
    encoding = _sniff_encoding(path, filename)
    saw_data = False
    for delimiter in CSV_DELIMITERS:
        try:
            found = _find_header(_csv_records(path, encoding, delimiter), rule)
        except csv.Error as error:
            raise SpendFileProblem(f"{filename} is not a readable CSV file: {error}") from None
        if found is None:
            break  # only blank lines: no delimiter will change that
        if found[0] == "header":
            _, line, cells = found
            return SpendFile(
                path, filename, "csv", cells, line, encoding=encoding, delimiter=delimiter
            )
        saw_data = True
    if saw_data:
        raise _no_header(filename, rule)
    raise SpendFileProblem(f"{filename} is empty")


# --- header row and rows ------------------------------------------------------------------


def _find_header(records: Iterator[list[str]], rule: HeaderRule = SPEND_HEADERS):
    """Look at the first rows for the header: ("header", line, cells), ("none",) or None if blank."""
    saw_data = False
    try:
        for line, cells in enumerate(records, start=1):
            if line > HEADER_SEARCH_ROWS:
                break
            if _is_blank(cells):
                continue
            saw_data = True
            if rule.recognised(cells) >= MIN_RECOGNISED_HEADERS:
                return ("header", line, cells)
    finally:
        close = getattr(records, "close", None)
        if close:
            close()  # closes the file (generators) so nothing stays open after the search
    return ("none",) if saw_data else None


def _no_header(filename: str, rule: HeaderRule = SPEND_HEADERS) -> SpendFileProblem:
    return SpendFileProblem(
        f"{filename} has no header row we recognise in its first {HEADER_SEARCH_ROWS} lines: "
        f"we look for {rule.looking_for}"
    )


@dataclass
class SpendFile:
    """An uploaded spend file whose header was found; ``rows()`` streams its data rows."""

    path: Path
    filename: str
    kind: str  # "csv" or "xlsx"
    header_cells: list[str]  # the header row as written in the file
    header_line: int
    encoding: str | None = None  # CSV only: "utf-8", "utf-8-sig" or "cp1252"
    delimiter: str | None = None  # CSV only
    sheet_name: str | None = None  # XLSX only
    headers: list[str] = field(init=False)

    def __post_init__(self) -> None:
        cleaned = [clean_header(cell) for cell in self.header_cells]
        while cleaned and not cleaned[-1]:
            cleaned.pop()  # trailing unnamed columns are an export artefact, not data
        self._header_match = [cell.casefold() for cell in cleaned]
        self._first_cells: dict[str, bool] = {}  # first cell of a row -> is it the header's?
        self.headers = _unique_headers(cleaned)

    def guess_mapping(self) -> FieldMapping:
        """Propose which column holds each portal field for this file."""
        return guess_mapping(self.headers)

    def _records(self) -> Iterator[list[str]]:
        if self.kind == "csv":
            return _csv_records(self.path, self.encoding, self.delimiter)
        return self._xlsx_records()

    def _xlsx_records(self) -> Iterator[list[str]]:
        workbook = _load_workbook(self.path, self.filename)
        try:
            yield from _sheet_rows(workbook[self.sheet_name], self.filename)
        finally:
            workbook.close()

    def _is_header_again(self, cells: list[str], width: int) -> bool:
        # Compared like the header itself was cleaned, BOM included: files concatenated month
        # by month repeat the header, each copy with its own byte-order mark.
        if not cells:
            return False
        # The quick test that settles almost every row, remembered per first cell: it is often
        # the same few values (the body's name, a few hundred dates) a million times over.
        first = self._first_cells.get(cells[0])
        if first is None:
            first = clean_header(cells[0]).casefold() == self._header_match[0]
            if len(self._first_cells) >= 10_000:
                self._first_cells.clear()  # a reference number first: keep memory flat
            self._first_cells[cells[0]] = first
        if not first:
            return False
        cleaned = [clean_header(cell).casefold() for cell in cells[:width]]
        return cleaned == self._header_match and _is_blank(cells[width:])

    def rows(self) -> Iterator[RawRow]:
        """Yield each data row after the header, skipping blank rows and repeated headers.

        ``line_number`` counts rows as Excel shows them (a quoted CSV cell spanning two text
        lines is still one row). A row with more cells than the header keeps the extra ones,
        joined, under ``EXTRA`` and says so in ``RawRow.problem``; a short CSV row is padded
        with "" and flagged the same way. Spreadsheet rows are never "short": Excel does not
        store empty trailing cells.
        """
        headers = self.headers
        width = len(headers)
        records = self._records()
        line = self.header_line
        try:
            first_cells = self._first_cells
            for line, cells in enumerate(records, start=1):
                if line <= self.header_line or _is_blank(cells):
                    continue
                # A first cell already known not to be the header's settles most rows here.
                if first_cells.get(cells[0]) is not False and self._is_header_again(cells, width):
                    continue  # the header repeated, as when files are concatenated month by month
                count = len(cells)
                if count == width:  # the common case, without the slicing below
                    yield RawRow(line, None, width, width, cells, headers)
                    continue
                while count > width and not cells[count - 1].strip():
                    count -= 1  # blank cells past the last column: Excel pads rows like that
                if self.kind == "xlsx" and count < width:
                    count = width
                values = dict(zip(self.headers, cells[:width]))
                for name in self.headers[len(cells) :]:
                    values[name] = ""
                if count > width:
                    values[EXTRA] = ", ".join(cells[width:count])
                yield RawRow(line, values, count, width)
        except csv.Error as error:
            raise SpendFileProblem(
                f"{self.filename} stops being a readable CSV file near line {line + 1}: {error}"
            ) from None
        finally:
            records.close()
