"""Spend with known values for the dashboard tests, imported through the real importer,
and the same figures worked out line by line in plain Python (the oracle)."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import update

from portal.extensions import db
from portal.spend import importing, totals
from portal.suppliers.models import Supplier
from tenants import tenant_context

LOCAL_AREA = ("S60", "S61")
# The area by GSS code (Rotherham) and the wider tier (Sheffield City Region): what the network's settings hold.
AREA_CODES = ["E08000018"]
WIDER_CODES = ["E08000019", "E08000016"]
HEADER = ["Date", "Transaction Number", "Supplier Name", "Supplier Postcode", "Net Amount", "Category"]
MAPPING = {"payment_date": "Date", "transaction_ref": "Transaction Number", "supplier_name": "Supplier Name",
           "supplier_postcode": "Supplier Postcode", "amount": "Net Amount", "category": "Category"}
EVIL = '=HYPERLINK("http://evil.example/x","Click me")'

# name -> (postcode, what placing and classing leave on the supplier after the import)
SUPPLIERS = {
    "Rotherham Builders Ltd": ("S60 1AE", {"is_sme": True, "employee_owned": True, "kind": "private", "locality": "based",
                                           "district_code": "E08000018", "ward_code": "E05001000", "imd_decile": 1}),
    "Valley Care CIC": ("S61 2BB", {"kind": "vcse", "living_wage_accredited": True, "locality": "branched",
                                    "district_code": "E08000019", "ward_code": "E05010101", "imd_decile": 2}),
    "Sheffield Foods Ltd": ("S1 4AB", {"is_sme": True, "living_wage_accredited": True, "kind": "private",
                                       "locality": "wider", "district_code": "E08000019", "ward_code": "E05010101",
                                       "imd_decile": 5}),
    "National IT plc": ("M1 1AA", {"is_sme": False, "kind": "private", "locality": "elsewhere",
                                   "district_code": "E08000003", "ward_code": "E05011111", "imd_decile": 9}),
    "No Postcode Traders": ("", {}),
    "HM Revenue & Customs": ("BX9 1AS", {"kind": "tax", "locality": "elsewhere", "district_code": "E08000012"}),
    EVIL: ("LS1 4AP", {"kind": "private", "locality": "region", "district_code": "E08000035", "imd_decile": 3}),
}
WARD_NAMES = {"E05001000": "Boston Castle", "E05010101": "Manor Castle"}  # E05011111 has no name loaded
CATEGORIES = ["Construction", "Social care", "Food", "IT", "Facilities", "Transport", "Legal", "Energy",
              "Consultancy", "Printing", "Waste", "Cleaning"]


@dataclass(frozen=True)
class Line:
    ref: str
    day: date
    pence: int
    supplier: str
    category: str

    @property
    def month(self) -> date:
        return self.day.replace(day=1)


def partner_a_lines() -> list[Line]:
    """Twelve categories (two fall outside the top ten), every supplier, a credit note,
    a month with nothing (February 2025), and two lines in the year before."""
    names = list(SUPPLIERS)
    lines = []
    for n in range(30):
        month = (4 + n) % 12 or 12
        year = 2024 if month >= 4 else 2025
        if (year, month) == (2025, 2):
            month, year = 3, 2025
        pence = 123_45 + n * 1_000_07 + (n % 5) * 37
        lines.append(Line(f"A-{n:03d}", date(year, month, 1 + n % 27), pence, names[n % len(names)], CATEGORIES[n % 12]))
    lines.append(Line("A-CREDIT", date(2024, 6, 10), -250_00, "National IT plc", "IT"))
    lines.append(Line("A-OLD-1", date(2024, 2, 5), 5_000_00, "Rotherham Builders Ltd", "Construction"))
    lines.append(Line("A-OLD-2", date(2024, 3, 5), 7_000_00, "National IT plc", "IT"))
    return lines


def partner_b_lines() -> list[Line]:
    return [
        Line("B-SECRET-1", date(2024, 5, 3), 987_654_32, "Secret Supplier of B", "Construction"),
        Line("B-SECRET-2", date(2024, 9, 3), 12_345_67, "Valley Care CIC", "Social care"),
    ]


def csv_bytes(lines: list[Line]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for line in lines:
        postcode = SUPPLIERS.get(line.supplier, ("S2 1AA", {}))[0]
        writer.writerow([line.day.strftime("%d/%m/%Y"), line.ref, line.supplier, postcode,
                         f"{line.pence / 100:.2f}", line.category])
    return out.getvalue().encode()


def import_lines(partner, lines: list[Line]) -> None:
    """Through the real importer: store, map the columns, run; inside the partner's context."""
    with tenant_context(partner.id):
        spend_import = importing.store_upload(db.session, partner, None, "spend.csv", io.BytesIO(csv_bytes(lines)))
        spend_import.column_mapping = MAPPING
        spend_import.status = "queued"
        db.session.commit()
        outcome = importing.run_import(db.session, spend_import.id)
        db.session.commit()
    assert (outcome.status, outcome.imported, outcome.rejected) == ("imported", len(lines), 0), outcome


def set_register_flags(network) -> None:
    """What the registers' matching, placing and classing would leave: set directly, as their code is not under test."""
    network.area_codes, network.wider_area_codes, network.wider_area_name = AREA_CODES, WIDER_CODES, "Sheffield City Region"
    for name, (_, flags) in SUPPLIERS.items():
        if flags:
            db.session.execute(update(Supplier).where(Supplier.network_id == network.id, Supplier.name == name).values(**flags))
    db.session.commit()


def recompute(network, partners) -> None:
    for partner in partners:
        totals.recompute_partner_totals(db.session, network, partner.id)
    totals.recompute_network_totals(db.session, network)
    db.session.commit()


# --- the oracle ------------------------------------------------------------------------

def _supplier(name: str) -> dict:
    """The supplier a line's name resolves to, as the oracle sees it (unknown class and place when no flags)."""
    return {"kind": "unknown", **SUPPLIERS.get(name, ("", {}))[1]}


def _measures(line: Line, excluded) -> dict:
    from tests.spend.procurable_oracle import line_measures

    return line_measures(line.pence, _supplier(line.supplier), excluded)


def in_year(lines: list[Line], year_start: date) -> list[Line]:
    end = date(year_start.year + 1, year_start.month, 1)
    return [line for line in lines if year_start <= line.month < end]


DEFAULT_EXCLUDED = ("public", "tax", "pension", "individual")
HEADLINE_MEASURES = {"total": "total_pence", "procurable": "procurable_pence", "local": "local_pence",
                     "based": "based_pence", "branched": "branched_pence", "wider": "wider_pence",
                     "region": "region_pence", "unplaced": "unplaced_pence", "sme": "sme_pence", "vcse": "vcse_pence",
                     "employee_owned": "employee_owned_pence", "living_wage": "living_wage_pence"}


def headline(lines: list[Line], excluded=DEFAULT_EXCLUDED) -> dict[str, int]:
    """Pence for each headline figure, added up line by line by the procurable rule."""
    out = dict.fromkeys(HEADLINE_MEASURES, 0)
    for line in lines:
        measures = _measures(line, excluded)
        for key, measure in HEADLINE_MEASURES.items():
            out[key] += measures[measure]
    return out


def procurable_by(lines: list[Line], key, excluded=DEFAULT_EXCLUDED) -> dict:
    """Procurable pence by ``key(supplier dict)``."""
    out = defaultdict(int)
    for line in lines:
        out[key(_supplier(line.supplier))] += _measures(line, excluded)["procurable_pence"]
    return dict(out)


def by(lines: list[Line], key) -> dict:
    out = defaultdict(int)
    for line in lines:
        out[key(line)] += line.pence
    return dict(out)


@dataclass
class DashboardWorld:
    network: object
    a: object
    b: object
    a_viewer: object
    b_viewer: object
    a_lines: list[Line] = field(default_factory=partner_a_lines)
    b_lines: list[Line] = field(default_factory=partner_b_lines)


YEAR = date(2024, 4, 1)


def load_reference_rows(app, area_names: dict[str, str], loads: dict[str, date]) -> None:
    """Names of GSS codes and loaded register files, written as the owner role (the app role may only read them)."""
    from sqlalchemy import create_engine, insert

    from portal.registers.models import RegisterAreaName, RegisterLoad

    engine = create_engine(app.config["MIGRATION_DATABASE_URL"])
    with engine.begin() as conn:
        if area_names:
            conn.execute(insert(RegisterAreaName.__table__), [{"code": c, "name": n} for c, n in area_names.items()])
        for register, published_on in loads.items():
            conn.execute(insert(RegisterLoad.__table__), [
                # An older file, and a newer one that failed: neither is the date the page gives.
                {"register": register, "file_name": "old.zip", "published_on": date(2020, 1, 1), "status": "loaded",
                 "bytes_read": 0, "rows_loaded": 1, "rows_skipped": 0},
                {"register": register, "file_name": "new.zip", "published_on": date(2030, 1, 1), "status": "failed",
                 "bytes_read": 0, "rows_loaded": 0, "rows_skipped": 0},
                {"register": register, "file_name": "file.zip", "published_on": published_on, "status": "loaded",
                 "bytes_read": 0, "rows_loaded": 1, "rows_skipped": 0},
            ])
    engine.dispose()
