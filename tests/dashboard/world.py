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
HEADER = ["Date", "Transaction Number", "Supplier Name", "Supplier Postcode", "Net Amount", "Category"]
MAPPING = {"payment_date": "Date", "transaction_ref": "Transaction Number", "supplier_name": "Supplier Name",
           "supplier_postcode": "Supplier Postcode", "amount": "Net Amount", "category": "Category"}
EVIL = '=HYPERLINK("http://evil.example/x","Click me")'

# name -> (postcode, flags set in the supplier register after the import)
SUPPLIERS = {
    "Rotherham Builders Ltd": ("S60 1AE", {"is_sme": True, "employee_owned": True}),
    "Valley Care CIC": ("S61 2BB", {"kind": "vcse", "living_wage_accredited": True}),
    "Sheffield Foods Ltd": ("S1 4AB", {"is_sme": True, "living_wage_accredited": True}),
    "National IT plc": ("M1 1AA", {"is_sme": False}),
    "No Postcode Traders": ("", {}),
    EVIL: ("LS1 4AP", {}),
}
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

def _is_local(supplier: str) -> bool | None:
    postcode = SUPPLIERS.get(supplier, ("S2 1AA", {}))[0]
    return None if not postcode else postcode.split()[0] in LOCAL_AREA


def _flags(supplier: str) -> dict:
    return SUPPLIERS.get(supplier, ("", {}))[1]


def in_year(lines: list[Line], year_start: date) -> list[Line]:
    end = date(year_start.year + 1, year_start.month, 1)
    return [line for line in lines if year_start <= line.month < end]


def headline(lines: list[Line]) -> dict[str, int]:
    """Pence for each headline figure, added up line by line."""
    out = defaultdict(int)
    for line in lines:
        flags = _flags(line.supplier)
        local = _is_local(line.supplier)
        out["total"] += line.pence
        out["local"] += line.pence if local is True else 0
        out["unplaced"] += line.pence if local is None else 0
        out["sme"] += line.pence if flags.get("is_sme") is True else 0
        out["vcse"] += line.pence if flags.get("kind") == "vcse" else 0
        out["employee_owned"] += line.pence if flags.get("employee_owned") else 0
        out["living_wage"] += line.pence if flags.get("living_wage_accredited") else 0
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
