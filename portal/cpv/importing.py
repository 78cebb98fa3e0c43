"""Load the official CPV 2008 list (code and English label) into the installation's catalogue.

The EU publishes CPV 2008 as a spreadsheet (``cpv_2008_ver_2013.xlsx``: a ``CODE``
column such as ``03000000-1`` and one column per language, ``EN`` for English);
people also pass it around as CSV. Either is read here and written, codes
checked and check digits dropped, to ``instance/cpv.csv``, which
``portal.cpv.catalogue()`` reads beside the labels shipped with the portal.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import InvalidCpvCode, parse_code

CODE_HEADERS = ("code", "cpv", "cpv code", "cpv_code")
LABEL_HEADERS = ("en", "label", "english", "description", "name", "description_en")


class CpvFileProblem(ValueError):
    """The file cannot be read as a CPV list; the message says why."""


@dataclass
class CpvImportResult:
    labels: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "row 12: '...' is not a CPV code"


def read_cpv_file(path: Path) -> CpvImportResult:
    """Codes and English labels from an .xlsx or .csv file, with the rows that were not codes."""
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    header = next(rows, None)
    if header is None:
        raise CpvFileProblem(f"{path.name} is empty")
    names = [str(h or "").strip().casefold() for h in header]
    code_at = _column(names, CODE_HEADERS, "code (CODE)")
    label_at = _column(names, LABEL_HEADERS, "English label (EN)")
    result = CpvImportResult()
    for number, row in enumerate(rows, start=2):
        cells = list(row) + [None] * (max(code_at, label_at) + 1 - len(row))
        raw, text = str(cells[code_at] or "").strip(), str(cells[label_at] or "").strip()
        if not raw and not text:
            continue
        try:
            code = parse_code(raw)
        except InvalidCpvCode as problem:
            result.skipped.append(f"row {number}: {problem}")
            continue
        if not text:
            result.skipped.append(f"row {number}: {code} has no English label")
            continue
        result.labels[code] = text
    if not result.labels:
        raise CpvFileProblem(f"{path.name} has no CPV codes with English labels")
    return result


def write_instance_catalogue(labels: dict[str, str], destination: Path) -> None:
    """Replace the installation's catalogue in one step: a reader never sees half a file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".cpv-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["code", "label"])
            writer.writerows(sorted(labels.items()))
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _column(names: list[str], wanted: tuple[str, ...], what: str) -> int:
    for name in wanted:
        if name in names:
            return names.index(name)
    raise CpvFileProblem(f"no {what} column: the first row has {', '.join(n for n in names if n) or 'nothing'}")


def _csv_rows(path: Path):
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel's "CSV" on Windows
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return iter(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    return iter(workbook.worksheets[0].iter_rows(values_only=True))
