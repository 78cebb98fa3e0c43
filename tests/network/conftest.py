"""An anchor network of three partners with spend imported through the real importer, and its lead."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.spend import importing, totals
from portal.spend.models import SpendImportProblem, SpendLine
from portal.spend.normalise import normalise_supplier_name
from portal.suppliers.models import Supplier
from tenants import tenant_context
from tenants.models import Network

HEADER = ["Date", "Transaction Number", "Supplier Name", "Supplier Postcode", "Net Amount", "Category", "VCSE"]
MAPPING = {
    "payment_date": "Date", "transaction_ref": "Transaction Number", "supplier_name": "Supplier Name",
    "supplier_postcode": "Supplier Postcode", "amount": "Net Amount", "category": "Category", "vcse_flag": "VCSE",
}
LOCAL_AREA = ("S60", "S61", "S62", "S63")


def import_rows(partner, rows) -> None:
    """Import spend lines for the partner through the real importer (file, mapping, run)."""
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    with tenant_context(partner.id):
        spend_import = importing.store_upload(db.session, partner, None, "spend.csv", io.BytesIO(out.getvalue().encode()))
        spend_import.column_mapping = MAPPING
        spend_import.status = "queued"
        db.session.commit()
        outcome = importing.run_import(db.session, spend_import.id)
        db.session.commit()
        problems = db.session.scalars(select(SpendImportProblem.reason)).all()
    assert outcome.status == "imported" and outcome.rejected == 0, problems


def recompute(network) -> None:
    totals.recompute_all(db.session, db.session.get(Network, network.id))
    db.session.commit()


@dataclass
class Anchors:
    network: object
    council: object
    police: object
    hospital: object
    lead: object  # an officer of the council who leads the network
    council_admin: object
    police_admin: object
    police_officer: object
    police_viewer: object
    rows: dict  # partner id -> rows imported

    @property
    def partners(self):
        return [self.council, self.hospital, self.police]


# Suppliers: (name, postcode or "", VCSE flag). S60–S63 are local; S1 and LS1 are not; "" is unplaced.
ACME = ("Acme Building Services Ltd", "S60 1AA", "N")
ACME_TYPO = ("Acme Bulding Services", "S1 2BB", "N")  # a near-duplicate spelling, elsewhere
CARE = ("Rotherham Community Care", "S61 3AB", "Y")
IT = ("Northern IT Solutions Ltd", "LS1 4DD", "N")
FOOD = ("Valley Food Co-operative", "S63 5EE", "Y")
NOWHERE = ("Unknown Consultancy", "", "N")


def _rows(prefix, lines):
    return [[day, f"{prefix}-{n}", s[0], s[1], amount, category, s[2]] for n, (day, s, amount, category) in enumerate(lines)]


@pytest.fixture
def anchors(make_network, make_partner, make_user) -> Anchors:
    network = make_network("Rother Valley Anchors", local_area=LOCAL_AREA)
    council = make_partner("Rotherham Council", network, kind="council")
    police = make_partner("South Yorkshire Police", network, kind="police")
    hospital = make_partner("Rotherham Hospital", network, kind="health")
    rows = {
        # Financial years start in April: 2023-24 and 2024-25 lines, with a credit note.
        council.id: _rows("C", [
            ("03/04/2023", ACME, "12,000.00", "Construction"), ("15/05/2023", CARE, "8,500.50", "Social care"),
            ("20/06/2023", IT, "30,000.00", "IT"), ("01/07/2023", NOWHERE, "4,000.00", "Consultancy"),
            ("10/08/2023", ACME_TYPO, "2,500.00", "Construction"), ("11/09/2023", IT, "-1,000.00", "IT"),
            ("05/04/2024", ACME, "7,000.00", "Construction"), ("30/03/2024", FOOD, "600.00", "Food"),
        ]),
        police.id: _rows("P", [
            ("12/04/2023", IT, "45,000.00", "IT"), ("13/04/2023", ACME_TYPO, "9,999.99", "Construction"),
            ("14/10/2023", FOOD, "1,200.00", "Food"), ("01/02/2024", NOWHERE, "3,000.00", "Consultancy"),
        ]),
        hospital.id: _rows("H", [
            ("01/05/2023", CARE, "20,000.00", "Social care"), ("02/05/2023", ACME, "15,000.00", "Construction"),
            ("03/06/2023", IT, "5,000.00", "IT"), ("04/07/2023", FOOD, "2,750.25", "Food"),
            ("28/02/2025", ACME, "1,000.00", "Construction"),
        ]),
    }
    for partner in (council, police, hospital):
        import_rows(partner, rows[partner.id])
    place_by_postcode_district(network)
    recompute(network)
    lead = make_user(council, "officer", email="lead@council.org", lead_of=network, name="Lena Lead")
    return Anchors(
        network, council, police, hospital, lead,
        council_admin=make_user(council, "admin", email="admin@council.org"),
        police_admin=make_user(police, "admin", email="admin@police.org", name="Pat Police-Admin"),
        police_officer=make_user(police, "officer", email="officer@police.org"),
        police_viewer=make_user(police, "viewer", email="viewer@police.org"),
        rows=rows,
    )


def place_by_postcode_district(network) -> None:
    """What placing would leave for these fixtures (S60-S63 lie in the area, S1 and LS1 outside
    the region, no postcode unplaced): set directly, as placing is not what these tests test."""
    for supplier in db.session.scalars(select(Supplier).where(Supplier.network_id == network.id)):
        supplier.locality = {True: "based", False: "elsewhere", None: None}[supplier.is_local]
    db.session.commit()


def pence(text: str) -> int:
    return round(float(text.replace(",", "")) * 100)


def year_start(day: str) -> date:
    d, m, y = (int(x) for x in day.split("/"))
    return date(y if m >= 4 else y - 1, 4, 1)


def oracle(anchors: Anchors, sme_names=(), merged: dict | None = None, local_override: dict | None = None) -> dict:
    """The totals worked out from the rows as imported, without the code under test.

    ``merged`` maps a supplier name to the name it was merged into (whose postcode then counts);
    ``local_override`` maps a supplier name to the lead's word on its locality.
    Returns {(partner id or "network", year start): {measure: pence}} and categories {(year, category): (total, local)}.
    """
    postcode = {s[0]: s[1] for s in (ACME, ACME_TYPO, CARE, IT, FOOD, NOWHERE)}
    vcse = {s[0]: s[2] == "Y" for s in (ACME, ACME_TYPO, CARE, IT, FOOD, NOWHERE)}
    merged, local_override = merged or {}, local_override or {}
    figures = defaultdict(lambda: defaultdict(int))
    categories = defaultdict(lambda: [0, 0])
    for partner_id, rows in anchors.rows.items():
        for day, _ref, name, _pc, amount, category, _vcse in rows:
            name = merged.get(name, name)
            district = postcode[name].split(" ")[0] if postcode[name] else None
            local = local_override.get(name, None if district is None else district in LOCAL_AREA)
            year, value = year_start(day), pence(amount)
            for owner in (partner_id, "network"):
                f = figures[(owner, year)]
                f["total_pence"] += value
                f["local_pence"] += value if local else 0
                f["sme_pence"] += value if name in sme_names else 0
                f["vcse_pence"] += value if vcse[name] else 0
            categories[(year, category)][0] += value
            categories[(year, category)][1] += value if local else 0
    return {"figures": figures, "categories": categories}


def supplier_named(network, name) -> Supplier:
    return db.session.scalar(
        select(Supplier).where(Supplier.network_id == network.id, Supplier.normalised_name == normalise_supplier_name(name))
    )


def lines_by_supplier(anchors: Anchors) -> dict:
    """{partner id: {transaction ref: supplier id}}, read partner by partner."""
    found = {}
    for partner in anchors.partners:
        with tenant_context(partner.id):
            found[partner.id] = dict(db.session.execute(select(SpendLine.transaction_ref, SpendLine.supplier_id)).all())
    return found


@pytest.fixture
def queued(monkeypatch):
    """The network recomputes queued after commit (recorded instead of sent to a broker)."""
    from portal.spend.tasks import recompute_network_spend_totals

    sent = []
    monkeypatch.setattr(recompute_network_spend_totals, "apply_async", lambda args=(), kwargs=None, **_: sent.append(tuple(args)))
    return sent
