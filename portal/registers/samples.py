"""Small files in the official layouts, written from lists of dicts (for tests and the demo).

Each writer takes rows keyed by a few plain words ("number", "name", "postcode" ...)
or by the official column names, and writes the file as its publisher does: the
Companies House CSV with every value quoted and its header's leading spaces, the
Charity Commission's tab-separated text with a byte order mark, the ONS directory's
zip with its data under Data/ and its names files under Documents/.
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

from . import layouts

_COMPANY_WORDS = {
    "name": "CompanyName", "number": "CompanyNumber", "postcode": "RegAddress.PostCode",
    "address": "RegAddress.AddressLine1", "town": "RegAddress.PostTown", "category": "CompanyCategory",
    "status": "CompanyStatus", "accounts_category": "Accounts.AccountCategory", "country": "CountryOfOrigin",
}


def _company_cells(row: dict) -> dict[str, str]:
    cells = {"CompanyCategory": "Private Limited Company", "CompanyStatus": "Active", "CountryOfOrigin": "United Kingdom",
             "Accounts.AccountCategory": "MICRO ENTITY", "RegAddress.Country": "ENGLAND"}
    for key, value in row.items():
        if key in ("sic", "previous_names", "incorporated_on"):
            continue
        cells[_COMPANY_WORDS.get(key, key)] = "" if value is None else str(value)
    for n, sic in enumerate(row.get("sic", ()), start=1):
        cells[f"SICCode.SicText_{n}"] = sic
    for n, previous in enumerate(row.get("previous_names", ()), start=1):
        cells[f"PreviousName_{n}.CompanyName"] = previous
        cells[f"PreviousName_{n}.CONDATE"] = "01/01/2020"
    if (incorporated := row.get("incorporated_on")) is not None:
        cells["IncorporationDate"] = incorporated.strftime("%d/%m/%Y") if isinstance(incorporated, date) else incorporated
    return cells


def companies_csv(rows: list[dict]) -> str:
    """The CSV text of the Free Company Data Product: every value quoted, the header exactly as published."""
    out = io.StringIO()
    out.write(",".join(layouts.COMPANIES_HEADER) + "\r\n")  # the header itself is not quoted
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        cells = _company_cells(row)
        writer.writerow([cells.get(name.strip(), "") for name in layouts.COMPANIES_HEADER])
    return out.getvalue()


def write_companies(path: str | Path, rows: list[dict], zipped: bool = True) -> Path:
    """BasicCompanyDataAsOneFile-YYYY-MM-DD.zip (one CSV inside), or the bare CSV with ``zipped=False``."""
    path = Path(path)
    content = companies_csv(rows).encode("utf-8")
    if zipped:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(path.with_suffix(".csv").name, content)
    else:
        path.write_bytes(content)
    return path


_CHARITY_WORDS = {"number": "registered_charity_number", "name": "charity_name", "postcode": "charity_contact_postcode",
                  "status": "charity_registration_status", "company_number": "charity_company_registration_number",
                  "linked": "linked_charity_number"}


def write_charities(path: str | Path, rows: list[dict], extract_date: date = date(2026, 11, 1)) -> Path:
    """publicextract.charity.zip holding publicextract.charity.txt (or the bare .txt when ``path`` is not a .zip)."""
    path = Path(path)
    out = io.StringIO()
    out.write("\ufeff" + "\t".join(layouts.CHARITIES_HEADER) + "\r\n")
    for n, row in enumerate(rows, start=1):
        cells = {"date_of_extract": f"{extract_date.isoformat()} 00:00:00", "organisation_number": str(n),
                 "linked_charity_number": "0", "charity_registration_status": "Registered", "charity_type": "Other"}
        for key, value in row.items():
            cells[_CHARITY_WORDS.get(key, key)] = "" if value is None else str(value)
        out.write("\t".join(cells.get(name, "") for name in layouts.CHARITIES_HEADER) + "\r\n")
    content = out.getvalue().encode("utf-8")
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("publicextract.charity.txt", content)
    else:
        path.write_bytes(content)
    return path


_POSTCODE_FIELDS = {"district": "district_code", "ward": "ward_code", "lsoa": "lsoa_code", "region": "region_code",
                    "country": "country_code", "imd": "imd_rank"}


def postcodes_csv(rows: list[dict], layout: str = "nspl") -> str:
    header = {"nspl": layouts.NSPL_HEADER, "onspd": layouts.ONSPD_HEADER}[layout]
    simple = [layouts.simple(h) for h in header]
    at = {}
    for field, aliases in layouts.POSTCODE_ALIASES.items():
        at[field] = next(header[simple.index(a)] for a in map(layouts.simple, aliases) if a in simple)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        compact = row["postcode"].replace(" ", "").upper()
        outward, inward = compact[:-3], compact[-3:]
        cells = {header[0]: f"{outward:<4}{inward}", header[1]: f"{outward:<5}{inward}"[:8], "pcds": f"{outward} {inward}",
                 "dointr": "198001"}
        for word, field in _POSTCODE_FIELDS.items():
            value = row.get(word, row.get(field))
            cells[at[field]] = "" if value is None else str(value)
        terminated = row.get("terminated")
        cells[at["terminated_on"]] = (terminated if isinstance(terminated, str) else "202001") if terminated else ""
        writer.writerow([cells.get(name, "") for name in header])
    return out.getvalue()


def write_postcodes(path: str | Path, rows: list[dict], layout: str = "nspl", zipped: bool | None = None,
                    area_names: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    """An NSPL or ONSPD release: a zip with Data/<name>.csv (and Documents/ names files), or a bare CSV.

    ``area_names``: {"LA_UA names and codes UK as at 04_24.csv": [(code, name), ...], ...}.
    """
    path = Path(path)
    zipped = path.suffix.lower() == ".zip" if zipped is None else zipped
    content = postcodes_csv(rows, layout).encode("utf-8")
    if not zipped:
        path.write_bytes(content)
        return path
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"Data/{path.stem}.csv", content)
        archive.writestr("User Guide/readme.txt", "Open Government Licence v3.0\r\n")
        for name, pairs in (area_names or {}).items():
            code, label = _names_columns(name)
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow([code, label] + (["LAD24NMW"] if code.startswith("LAD") else []))
            writer.writerows([c, n] + ([""] if code.startswith("LAD") else []) for c, n in pairs)
            archive.writestr(f"Documents/{name}", out.getvalue().encode("utf-8"))
    return path


def _names_columns(file_name: str) -> tuple[str, str]:
    lower = file_name.lower()
    if "ward" in lower:
        return "WD24CD", "WD24NM"
    if "region" in lower:
        return "RGN20CD", "RGN20NM"
    if "country" in lower:
        return "CTRY12CD", "CTRY12NM"
    return "LAD24CD", "LAD24NM"


MUTUALS_HEADER = ["Society Name", "Society Number", "Registration Act", "Society Type", "Society Status",
                  "Registration Date", "Deregistration Date", "Registered Office Address", "Registered Office Postcode",
                  "Country", "SIC Code"]
_MUTUAL_WORDS = {"name": "Society Name", "number": "Society Number", "society_type": "Society Type",
                 "status": "Society Status", "address": "Registered Office Address",
                 "postcode": "Registered Office Postcode", "country": "Country"}


def write_mutuals(path: str | Path, rows: list[dict]) -> Path:
    """The Mutuals Public Register's CSV export (UTF-8 with a byte order mark)."""
    path = Path(path)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MUTUALS_HEADER)
    for row in rows:
        cells = {"Registration Act": "Co-operative and Community Benefit Societies Act 2014", "Society Status": "Registered",
                 "Society Type": "Registered Society - Co-operative", "Country": "England and Wales"}
        for key, value in row.items():
            cells[_MUTUAL_WORDS.get(key, key)] = "" if value is None else str(value)
        writer.writerow([cells.get(name, "") for name in MUTUALS_HEADER])
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path
