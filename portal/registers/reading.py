"""Stream an official register file, row by row, into the rows of our reference tables.

Nothing reads a whole file into memory: a zip member is decompressed as it is read,
and each reader is a generator of ``(table, row)`` pairs in the column order
``TABLE_COLUMNS`` gives. ``RegisterFile.bytes_read`` counts the bytes taken from the
file on disk (compressed, for a zip), so progress is "bytes read of the file's size".
"""
from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from portal.query_args import whole_number
from portal.spend.normalise import (
    _POSTCODE,
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
)

from . import layouts
from .layouts import RegisterFileProblem
from .names import register_key

# Each reference table's columns, in the order readers give them and loads write them.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "register_companies": ("company_number", "name", "postcode", "address", "category", "status", "accounts_category",
                           "sic_codes", "incorporated_on"),
    "register_company_names": ("id", "company_number", "normalised_name", "block", "is_current"),
    "register_charities": ("charity_number", "name", "normalised_name", "block", "postcode", "status", "company_number"),
    "register_mutuals": ("mutual_number", "name", "normalised_name", "block", "postcode", "society_type", "status"),
    "register_postcodes": ("postcode", "district_code", "ward_code", "lsoa_code", "region_code", "country_code",
                           "imd_rank", "imd_decile", "terminated"),
    "register_area_names": ("code", "name"),
}
# The tables each register fills (the area names only when the directory's zip ships names files).
REGISTER_TABLES: dict[str, tuple[str, ...]] = {
    "companies": ("register_companies", "register_company_names"),
    "charities": ("register_charities",),
    "postcodes": ("register_postcodes", "register_area_names"),
    "mutuals": ("register_mutuals",),
}
MAX_COMPRESSION = 200
_MONTHS = {m: n for n, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}


class _CountingFile(io.RawIOBase):
    """A file on disk that counts the bytes read from it (zipfile seeks and reads through it)."""

    def __init__(self, path: Path):
        self._file = open(path, "rb")  # noqa: SIM115  (closed by close())

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._file.readinto(buffer)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def close(self) -> None:
        self._file.close()
        super().close()


@dataclass
class RegisterFile:
    """One official file (or the parts of one) opened for reading; iterate ``rows()`` once."""

    register: str
    paths: list[Path]
    published_on: date | None = None
    bytes_total: int = 0
    rows_skipped: int = 0
    # The tables this file fills; the postcode directory's area names only when it ships them.
    tables: tuple[str, ...] = ()
    # The highest IMD rank seen per country (postcodes): a newer index ranks more areas.
    highest_rank: dict[str, int] = field(default_factory=dict)
    _done_bytes: int = 0
    _current: _CountingFile | None = None

    @property
    def bytes_read(self) -> int:
        current = self._current.tell() if self._current is not None and not self._current.closed else 0
        return min(self._done_bytes + current, self.bytes_total)

    def rows(self) -> Iterator[tuple[str, tuple]]:
        return READERS[self.register](self)

    def _open(self, path: Path) -> _CountingFile:
        self._current = _CountingFile(path)
        return self._current

    def _finish(self, path: Path) -> None:
        if self._current is not None:
            self._current.close()
        self._done_bytes += path.stat().st_size
        self._current = None


def open_register_file(register: str, path: str | Path, published_on: date | None = None) -> RegisterFile:
    """The file (for Companies House, every part of a split download) ready to stream; raise if unusable."""
    if register not in READERS:
        raise RegisterFileProblem(f"There is no register called {register!r}: choose one of {', '.join(READERS)}.")
    path = Path(path)
    if not path.is_file():
        raise RegisterFileProblem(f"{path} is not a file.")
    paths = _company_parts(path) if register == "companies" else [path]
    tables = REGISTER_TABLES[register]
    if register == "postcodes" and not _area_name_members(path):
        tables = ("register_postcodes",)
    return RegisterFile(register, paths, published_on or date_in_name(path.name),
                        sum(p.stat().st_size for p in paths), tables=tables)


def date_in_name(name: str) -> date | None:
    """The publication date a file's name carries: "...-2026-11-01.zip" or "NSPL_MAY_2024_UK.zip"."""
    if match := re.search(r"(\d{4})-(\d{2})-(\d{2})", name):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    if match := re.search(r"(?<![A-Z])(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*[_ -]?(\d{4})", name.upper()):
        return date(int(match.group(2)), _MONTHS[match.group(1)], 1)
    return None


def _company_parts(path: Path) -> list[Path]:
    """A split download's every part ("BasicCompanyData-2026-11-01-part1_7.zip" ... part7_7), in order."""
    match = re.fullmatch(r"(.*-part)(\d+)_(\d+)(\.zip|\.csv)", path.name, re.IGNORECASE)
    if not match:
        return [path]
    stem, _, count, suffix = match.groups()
    parts = [path.with_name(f"{stem}{n}_{count}{suffix}") for n in range(1, int(count) + 1)]
    missing = [p.name for p in parts if not p.is_file()]
    if missing:
        raise RegisterFileProblem(
            f"{path.name} is one part of {count}: the register is loaded whole, so put every part beside it "
            f"(missing: {', '.join(missing)}), or download BasicCompanyDataAsOneFile instead."
        )
    return parts


# --- opening CSVs, zipped or bare ------------------------------------------------------------

def _text(binary, encoding: str = "utf-8-sig") -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")


def _csv_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith((".csv", ".txt"))]


def _data_member(archive: zipfile.ZipFile, what: str, under: str | None = None) -> zipfile.ZipInfo:
    """The zip's data file: the largest CSV (under ``under``/ when it has such a folder, split copies left aside)."""
    members = _csv_members(archive)
    if under is not None:
        inside = [m for m in members if f"{under.lower()}/" in m.filename.lower()
                  and "multi_csv" not in m.filename.lower()]
        members = inside or members
    if not members:
        raise RegisterFileProblem(f"The zip holds no CSV or text file, so it is not the {what}.")
    chosen = max(members, key=lambda m: m.file_size)
    # Real registers compress about 5 to 15 times; far beyond that is a zip bomb, not a register.
    if chosen.file_size > MAX_COMPRESSION * max(chosen.compress_size, 1) and chosen.file_size > 1 << 20:
        raise RegisterFileProblem(f"{chosen.filename} expands {chosen.file_size // max(chosen.compress_size, 1):,} times: "
                                  f"that is not how the {what} is published.")
    return chosen


def _stream(source: RegisterFile, path: Path, what: str, under: str | None = None, encoding: str = "utf-8-sig"):
    """Yield a text stream of the file's data (its zip's data member, or the bare file), counting bytes."""
    for binary in data_stream(source, path, what, under):
        yield _text(binary, encoding)


def data_stream(source: RegisterFile, path: Path, what: str, under: str | None = None):
    """Yield a binary stream of the file's data (its zip's data member, or the bare file), counting bytes."""
    raw = source._open(path)
    try:
        if not zipfile.is_zipfile(raw) and (path.suffix.lower() == ".zip" or raw.read(2) == b"PK"):
            raise RegisterFileProblem(
                f"{path.name} is a damaged or incomplete zip (a download cut short?): download it again.")
        raw.seek(0)
        if zipfile.is_zipfile(raw):
            raw.seek(0)
            with zipfile.ZipFile(raw) as archive, archive.open(_data_member(archive, what, under)) as member:
                yield member
        else:
            raw.seek(0)
            yield io.BufferedReader(raw, 1 << 20)
    finally:
        source._finish(path)


def _header(reader, what: str) -> list[str]:
    header = next(reader, None)
    if not header:
        raise RegisterFileProblem(f"The file is empty, so it is not the {what}.")
    return header


def _blank(value: str) -> str | None:
    value = value.strip()
    return value or None


@lru_cache(maxsize=1 << 18)  # a register repeats its busiest postcodes (formation agents' offices) thousands of times
def _postcode(value: str) -> str | None:
    if not value or not value.strip():
        return None
    plain = value.strip()
    if _POSTCODE.fullmatch(plain):  # already as Royal Mail writes it: what normalise_postcode would return
        return plain
    try:
        return normalise_postcode(value)
    except ValueError:
        return None


def _cut(value: str | None, length: int) -> str | None:
    return value[:length] if value else None


@lru_cache(maxsize=1 << 12)  # a company's category, status and accounts category: a few dozen values in 5.7M rows
def _label(value: str, length: int) -> str | None:
    return _cut(_blank(value), length)


@lru_cache(maxsize=1 << 16)  # about 36,500 days in a century of incorporations; a date is immutable
def _day_month_year(value: str) -> date | None:
    """Companies House writes dates as dd/mm/yyyy."""
    try:
        day, month, year = value.strip().split("/")
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _key(name: str) -> tuple[str, str]:
    return register_key(name) or ("", "")


# --- Companies House -------------------------------------------------------------------------

COMPANIES = "Companies House Free Company Data Product (BasicCompanyData)"


def read_companies(source: RegisterFile) -> Iterator[tuple[str, tuple]]:
    name_id = 0
    for path in source.paths:
        for text in _stream(source, path, COMPANIES):
            reader = csv.reader(text)
            at = companies_columns(_header(reader, COMPANIES))
            for table, row in company_rows(reader, at, source):
                if table == "register_company_names":
                    name_id += 1
                    row = (name_id, *row)
                yield table, row


def companies_columns(header: list[str]) -> dict[str, int]:
    return layouts.find_named(header, layouts.COMPANIES_NEEDED, COMPANIES)


def company_rows(reader: Iterator[list[str]], at: dict[str, int], counter) -> Iterator[tuple[str, tuple]]:
    """The companies and their names (without the names' ids) of CSV rows; skipped rows counted on ``counter``.

    Shared by the reader above and the worker processes of a PostgreSQL load (``chunks.py``).
    """
    number_at, name_at, postcode_at = at["CompanyNumber"], at["CompanyName"], at["RegAddress.PostCode"]
    address_at = [at[c] for c in layouts.COMPANY_ADDRESS_COLUMNS]
    sic_at = [at[c] for c in layouts.COMPANY_SIC_COLUMNS]
    previous_at = [at[c] for c in layouts.COMPANY_PREVIOUS_NAME_COLUMNS]
    category_at, status_at = at["CompanyCategory"], at["CompanyStatus"]
    accounts_at, incorporated_at = at["Accounts.AccountCategory"], at["IncorporationDate"]
    width = max(at.values()) + 1
    # Cells picked in C (itemgetter, map, filter) rather than one Python step per cell.
    address_of, sic_of, previous_of = (itemgetter(*columns) for columns in (address_at, sic_at, previous_at))
    strip = str.strip
    for row in reader:
        if len(row) < width:
            counter.rows_skipped += bool(row)
            continue
        number, name = row[number_at].strip(), row[name_at].strip()
        if not ((len(number) == 8 and number.isalnum() and number.isupper())
                or (number.isdigit() and len(number) <= 8)):
            try:
                number = normalise_company_number(number)
            except ValueError:
                number = None
        elif number.isdigit():
            number = number.zfill(8)
        if not number or not name:
            counter.rows_skipped += 1
            continue
        address = ", ".join(filter(None, map(strip, address_of(row))))
        yield "register_companies", (
            number, name[:300], _postcode(row[postcode_at]), address[:400] or None,
            _label(row[category_at], 120), _label(row[status_at], 80),
            _label(row[accounts_at], 40), "; ".join(filter(None, map(strip, sic_of(row)))) or None,
            _day_month_year(row[incorporated_at]),
        )
        keyed = register_key(name)
        if keyed is not None:
            yield "register_company_names", (number, keyed[0], keyed[1], True)
        previous = previous_of(row)
        if any(previous):  # most companies never changed their name: ten empty cells
            seen = {keyed[0]} if keyed else set()
            for value in filter(None, map(strip, previous)):
                earlier = register_key(value)
                if earlier is None or earlier[0] in seen:
                    continue
                seen.add(earlier[0])
                yield "register_company_names", (number, earlier[0], earlier[1], False)


# --- Charity Commission ----------------------------------------------------------------------

CHARITIES = "Charity Commission register extract (publicextract.charity)"


def _glued(reader, width: int) -> Iterator[list[str]]:
    """Rows of a tab file whose text fields may hold a line break: a short row continues on the next line."""
    pending: list[str] | None = None
    for row in reader:
        if pending is not None:
            pending[-1] += "\n" + (row[0] if row else "")
            pending.extend(row[1:])
            row = pending
            pending = None
        if len(row) < width:
            pending = row
            continue
        yield row
    if pending is not None:
        yield pending


def read_charities(source: RegisterFile) -> Iterator[tuple[str, tuple]]:
    for text in _stream(source, source.paths[0], CHARITIES):
        reader = csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = _header(reader, CHARITIES)
        at = layouts.find_named(header, layouts.CHARITIES_NEEDED, CHARITIES)
        for row in _glued(reader, len(header)):
            if len(row) < len(header):
                source.rows_skipped += 1
                continue
            if source.published_on is None:
                source.published_on = _extract_date(row[at["date_of_extract"]])
            if row[at["linked_charity_number"]].strip() not in ("0", ""):
                continue  # a linked charity (a subsidiary or group member): its main charity is the register entry
            try:
                number = normalise_charity_number(row[at["registered_charity_number"]])
            except ValueError:
                number = None
            name = row[at["charity_name"]].strip()
            if not number or not name:
                source.rows_skipped += 1
                continue
            try:
                company = normalise_company_number(row[at["charity_company_registration_number"]])
            except ValueError:
                company = None
            key, block = _key(name)
            yield "register_charities", (
                number, name[:300], key, block, _postcode(row[at["charity_contact_postcode"]]),
                _cut(_blank(row[at["charity_registration_status"]]), 40), company,
            )


def _extract_date(value: str) -> date | None:
    value = value.strip()
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return _day_month_year(value[:10])


# --- ONS postcode directory --------------------------------------------------------------------

POSTCODES = "ONS postcode directory (NSPL or ONSPD)"


def _area_name_members(path: Path) -> list[str]:
    if not zipfile.is_zipfile(path):
        return []
    with zipfile.ZipFile(path) as archive:
        return [m.filename for m in _csv_members(archive)
                if layouts.AREA_NAME_FILES.search(Path(m.filename).name)]


def _decile(rank: int, areas: int | None) -> int | None:
    if not areas:
        return None
    return min(10, max(1, math.ceil(rank * 10 / areas)))


def read_postcodes(source: RegisterFile) -> Iterator[tuple[str, tuple]]:
    path = source.paths[0]
    for text in _stream(source, path, POSTCODES, under="Data"):
        reader = csv.reader(text)
        at = postcodes_columns(_header(reader, POSTCODES))
        yield from postcode_rows(reader, at, source, source.highest_rank)
    yield from _area_names(source, path)


def postcodes_columns(header: list[str]) -> dict[str, int]:
    return layouts.find_columns(header, layouts.POSTCODE_ALIASES, layouts.POSTCODE_REQUIRED, POSTCODES)


def postcode_rows(reader: Iterator[list[str]], at: dict[str, int], counter,
                  highest: dict[str, int]) -> Iterator[tuple[str, tuple]]:
    """The directory's postcodes of CSV rows; skipped rows counted on ``counter``, each nation's highest rank kept."""
    postcode_at, rank_at, country_at, term_at = at["postcode"], at["imd_rank"], at["country_code"], at["terminated_on"]
    code_at = [at[f] for f in ("district_code", "ward_code", "lsoa_code", "region_code")]
    width = max(at.values()) + 1
    for row in reader:
        if len(row) < width:
            counter.rows_skipped += bool(row)
            continue
        postcode = "".join(row[postcode_at].split()).upper()
        if not 5 <= len(postcode) <= 7:
            counter.rows_skipped += 1
            continue
        country = row[country_at].strip()[:9] or None
        rank = row[rank_at].strip()
        rank = whole_number(rank, low=1, high=9_999_999)
        if rank is not None and rank > highest.get(country, 0):
            highest[country] = rank
        yield "register_postcodes", (
            f"{postcode[:-3]} {postcode[-3:]}", *(row[i].strip()[:9] or None for i in code_at), country,
            rank, _decile(rank, layouts.RANKED_AREAS.get(country)) if rank else None, bool(row[term_at].strip()),
        )


def _area_names(source: RegisterFile, path: Path) -> Iterator[tuple[str, tuple]]:
    members = _area_name_members(path)
    if not members:
        return
    seen: set[str] = set()
    with zipfile.ZipFile(path) as archive:
        for name in members:
            with archive.open(name) as member:
                reader = csv.reader(_text(member))
                header = [layouts.simple(h) for h in next(reader, [])]
                code_at = next((i for i, h in enumerate(header) if layouts.AREA_NAME_CODE.match(h)), None)
                name_at = next((i for i, h in enumerate(header) if layouts.AREA_NAME_NAME.match(h)), None)
                if code_at is None or name_at is None:
                    continue
                for row in reader:
                    if len(row) > max(code_at, name_at):
                        code, label = row[code_at].strip()[:9], row[name_at].strip()[:200]
                        if code and label and code not in seen:
                            seen.add(code)
                            yield "register_area_names", (code, label)


# --- FCA Mutuals Public Register ---------------------------------------------------------------

MUTUALS = "FCA Mutuals Public Register export"
_POSTCODE_IN_TEXT = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}\b")


def mutual_number(value: str, country: str = "") -> str | None:
    """The society's number as spend files and Companies House write it ("29627R" -> "IP29627R")."""
    value = "".join(value.split()).upper()
    if not value:
        return None
    prefix = "IP"
    if re.fullmatch(r"[0-9]{1,5}RS", value):  # Scottish societies are numbered "1234RS"
        value, prefix = value[:-1], "SP"
    elif "SCOT" in country.upper():
        prefix = "SP"
    elif "NORTHERN IRELAND" in country.upper():
        prefix = "NP"
    candidate = value if value[:2] in ("IP", "SP", "NP") else prefix + value
    try:
        return normalise_company_number(candidate)
    except ValueError:
        return value[:20]  # credit unions, friendly and building societies: kept as the register writes them


def read_mutuals(source: RegisterFile) -> Iterator[tuple[str, tuple]]:
    for text in _stream(source, source.paths[0], MUTUALS, encoding="utf-8-sig"):
        reader = csv.reader(text)
        at = layouts.find_columns(_header(reader, MUTUALS), layouts.MUTUAL_ALIASES, layouts.MUTUAL_REQUIRED, MUTUALS)
        if "postcode" not in at and "address" not in at:
            raise RegisterFileProblem(f"This does not look like the {MUTUALS}: it has no postcode or address column.")
        def get(row: list[str], field: str, at: dict[str, int] = at) -> str:
            return row[at[field]].strip() if field in at and at[field] < len(row) else ""

        for row in reader:
            number = mutual_number(get(row, "number"), get(row, "country"))
            name = get(row, "name")
            if not number or not name:
                source.rows_skipped += bool(any(cell.strip() for cell in row))
                continue
            postcode = _postcode(get(row, "postcode"))
            if postcode is None and (found := _POSTCODE_IN_TEXT.findall(get(row, "address").upper())):
                postcode = _postcode(found[-1])
            key, block = _key(name)
            yield "register_mutuals", (number, name[:300], key, block, postcode,
                                       _cut(get(row, "society_type"), 120), _cut(get(row, "status"), 40))


READERS = {"companies": read_companies, "charities": read_charities, "postcodes": read_postcodes,
           "mutuals": read_mutuals}
