"""Are the real councils' files placed and classed from the registers alone, to the penny?

Each real file is imported as published. Registers in the official layouts are then made for
its suppliers' names (as Companies House and the Charity Commission would print them), with a
postcode directory in which one outward code straddles two boroughs. The portal matches,
places and classes every supplier itself; nothing is set by hand. The truth is computed here
from the file (the csv module, Decimal) and the fixture registers' own plan for each name,
without the portal's matching, placing, classing or totals.
"""
from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from sqlalchemy import select

from portal.extensions import db
from portal.registers import samples
from portal.registers.settling import settle_suppliers
from portal.spend.models import SpendTotal
from portal.spend.normalise import normalise_supplier_name
from portal.spend.totals import recompute_all
from tenants import tenant_context
from tests.spend.conftest import real_file  # noqa: F401 (the fixture)
from tests.spend.test_real_files import REAL_SPEND_FILES, import_as_proposed, pence_of, read_lines

AREA, WIDER, REGION, FAR = "E08000033", "E08000035", "E12000003", "E08000003"
# postcode: (district, ward, decile). HX7 straddles the area and the wider tier: full postcodes decide.
DIRECTORY = {
    "HX1 1AA": (AREA, "E05001500", 1), "HX7 1AB": (AREA, "E05001501", 6),
    "HX7 9ZZ": (WIDER, "E05001600", 4), "LS1 4DD": (WIDER, "E05001601", 8), "M1 1AE": (FAR, "E05000700", 3),
}
# A registered office the directory does not hold (a new postcode): unplaced.
NOT_IN_DIRECTORY = "HX9 9ZZ"
OFFICES = [*DIRECTORY, NOT_IN_DIRECTORY]
SME_ACCOUNTS = {"MICRO ENTITY": True, "SMALL": True, "FULL": False, "GROUP": False, "DORMANT": None}
SUPPLIER_COLUMNS = {
    "calderdale-spend-2022-08.csv": "Supplier(Beneficiary) Name", "leeds-spend-2011-01.csv": "Supplier name",
    "darlington-spend-2022-08.csv": "Supplier", "manchester-spend-2022-04.csv": "Supplier Name",
    "northtyneside-spend-2022-06_p.csv": "Supplier (Beneficiary) Name",
}
COMPANY_NUMBER_COLUMN, VCSE_COLUMN = "Supplier Registered Company Number", "Voluntary Community and Social Enterprise Supplier"
UNNAMED = re.compile(r"^$|redacted|withheld|personal|individual|confidential|not (disclosed|published|named|provided)|"
                     r"^(n a|none|null|tbc|unknown( supplier| payee)?|various( .*)?|x+|data protection.*|gdpr.*|"
                     r"direct payments?.*|foster carers?.*|clients?( payments?)?|private .*|sensitive.*|restricted.*)$")
TITLES = ("mr", "mrs", "ms", "miss", "mx")


def _listed_rules() -> list[tuple[str, str, str]]:
    """The maintained public-body list (data, the class's specification): (phrase, kind, where)."""
    path = Path(__file__).resolve().parents[2] / "portal" / "registers" / "public_bodies.csv"
    rows = csv.DictReader(line for line in path.read_text().splitlines() if not line.startswith("#"))
    return [(row["phrase"], row["kind"], row["where"]) for row in rows]


LISTED = _listed_rules()


def listed_kind(name: str) -> str | None:
    text = re.sub(r"[^a-z0-9]+", " ", re.sub(r"['’`.]", "", name.casefold()).replace("&", " and ")).strip()
    padded = f" {text} "
    for phrase, kind, where in LISTED:
        if ((where == "anywhere" and f" {phrase} " in padded) or (where == "end" and padded.endswith(f" {phrase} "))
                or (where == "start" and padded.startswith(f" {phrase} ")) or (where == "whole" and text == phrase)):
            return kind
    return None


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.casefold()).strip()


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def plan_registers(path: Path, name: str):
    """The fixture registers' plan for each supplier name of the file, and the lines as (name, pence)."""
    header, rows = read_lines(path)
    at_name, at_amount = header.index(SUPPLIER_COLUMNS[name]), header.index(REAL_SPEND_FILES[name][2])
    at_number = header.index(COMPANY_NUMBER_COLUMN) if COMPANY_NUMBER_COLUMN in header else None
    at_vcse = header.index(VCSE_COLUMN) if VCSE_COLUMN in header else None
    lines, numbers, flagged = [], {}, set()
    for row in rows:
        supplier = row[at_name].strip()
        lines.append((supplier, pence_of(row[at_amount])))
        number = row[at_number].strip().upper() if at_number is not None else ""
        if number.isdigit() and number.strip("0"):
            numbers.setdefault(supplier, number.zfill(8))
        elif re.fullmatch(r"[A-Z]{2}[0-9]{6}", number):  # NI050833, SC123456
            numbers.setdefault(supplier, number)
        if at_vcse is not None and row[at_vcse].strip().upper() == "Y":
            flagged.add(supplier)

    plan: dict[str, dict] = {}  # raw name -> {"register", "number", "office", "sme"} or {"register": None}
    by_key: dict[str, dict] = {}  # one plan per supplier, however the file spells it
    by_number: dict[str, dict] = {}
    file_numbers = set(numbers.values())
    for supplier in sorted({s for s, _ in lines}):
        plain = _plain(supplier)
        if UNNAMED.search(plain) or plain.split(" ")[0] in TITLES or listed_kind(supplier):
            plan[supplier] = {"register": None}
            continue
        key = normalise_supplier_name(supplier)
        if key in by_key:
            plan[supplier] = by_key[key]
            continue
        draw = _digest(key)
        if supplier in numbers and numbers[supplier] in by_number:
            # Two names the file gives one company number: one company in the register, found by its number.
            plan[supplier] = by_key[key] = by_number[numbers[supplier]]
            continue
        if supplier in flagged or plain.endswith((" cic", " community interest company")) or (draw % 10 == 6 and supplier not in numbers):
            fate = {"register": "charities", "number": str(1_000_000 + draw % 899_999)}
        elif supplier in numbers or draw % 10 < 6:
            fate = {"register": "companies", "number": numbers.get(supplier) or f"{10_000_000 + draw % 89_999_999:08d}",
                    "sme": list(SME_ACCOUNTS)[draw // 10 % len(SME_ACCOUNTS)]}
        else:
            fate = {"register": None}
        while fate["register"] and fate["number"] in by_number or (  # a made-up number another supplier holds
                fate["register"] == "companies" and supplier not in numbers and fate["number"] in file_numbers):
            fate["number"] = str(int(fate["number"]) + 1).zfill(len(fate["number"]))
        if fate["register"]:
            by_number[fate["number"]] = fate
            fate["office"] = OFFICES[draw // 100 % len(OFFICES)]
            fate["name"] = supplier.upper().removesuffix(" LTD") + (" LIMITED" if supplier.upper().endswith(" LTD") else "")
        plan[supplier] = by_key[key] = fate
    return plan, lines


def expected_figures(plan: dict, lines: list[tuple[str, int]], unnamed: set[str]) -> dict[str, int]:
    """The figures from the plan and the lines alone (the network excludes only individuals and redacted payees).

    ``unnamed``: the payees the import found unnamed (tests/spend/test_real_files.py checks that count).
    """
    figures = defaultdict(int)
    for supplier, pence in lines:
        fate, plain = plan[supplier], _plain(supplier)
        figures["total_pence"] += pence
        if supplier in unnamed or (not fate["register"] and plain.split(" ")[0] in TITLES):
            continue
        figures["procurable_pence"] += pence
        office = fate.get("office")
        district = DIRECTORY[office][0] if office in DIRECTORY else None
        if district is None:
            figures["unplaced_pence"] += pence
        elif district == AREA:
            figures["local_pence"] += pence
            figures["based_pence"] += pence
        elif district == WIDER:
            figures["wider_pence"] += pence
        if fate["register"] == "companies" and SME_ACCOUNTS[fate["sme"]]:
            figures["sme_pence"] += pence
        if fate["register"] == "charities":
            figures["vcse_pence"] += pence
    return dict(figures)


def write_registers(folder: Path, plan: dict) -> dict[str, Path]:
    fates = {id(f): f for f in plan.values() if f["register"]}.values()
    companies = [{"number": f["number"], "name": f["name"], "postcode": f["office"], "accounts_category": f["sme"]}
                 for f in fates if f["register"] == "companies"]
    charities = [{"number": f["number"], "name": f["name"], "postcode": f["office"]}
                 for f in fates if f["register"] == "charities"]
    directory = [{"postcode": p, "district": d, "ward": w, "lsoa": f"E0100{n:04d}", "region": REGION if d != FAR else "E12000002",
                  "country": "E92000001", "imd": decile * 3284 - 100} for n, (p, (d, w, decile)) in enumerate(DIRECTORY.items())]
    return {
        "postcodes": samples.write_postcodes(folder / "NSPL_NOV_2026_UK.zip", directory),
        "companies": samples.write_companies(folder / "BasicCompanyDataAsOneFile-2026-11-01.zip", companies),
        "charities": samples.write_charities(folder / "publicextract.charity.zip", charities),
    }


def _disagreements(council, plan: dict) -> list:
    """Where the portal's supplier differs from the plan, name by name (a failure's explanation)."""
    from portal.spend.models import SpendLine
    from portal.suppliers.models import Supplier

    with tenant_context(council.id):
        found = db.session.execute(select(SpendLine.supplier_name, Supplier.kind, Supplier.locality, Supplier.is_sme,
                                          Supplier.match_method, Supplier.postcode)
                                   .outerjoin(Supplier, Supplier.id == SpendLine.supplier_id).distinct()).all()
    odd = []
    for supplier, kind, locality, sme, method, postcode in found:
        fate = plan.get(supplier.strip(), {"register": "?"})
        want_kind = {"companies": "private", "charities": "vcse"}.get(fate["register"])
        if (want_kind and (kind != want_kind or postcode != fate["office"])) or (not want_kind and locality) or (
                fate["register"] == "companies" and sme != SME_ACCOUNTS[fate["sme"]]):
            odd.append((supplier, fate, kind, locality, sme, method, postcode))
    return "\n".join(map(repr, odd[:12]))


@pytest.fixture
def placed_council(make_partner, make_network):
    network = make_network("West Yorkshire", local_area=())
    network.area_codes, network.wider_area_codes, network.region_code = [AREA], [WIDER], REGION
    network.excluded_kinds = ["individual"]
    db.session.commit()
    return make_partner("A council", network)


@pytest.mark.parametrize("name", sorted(REAL_SPEND_FILES))
def test_a_real_file_is_placed_and_classed_from_the_registers_to_the_penny(placed_council, real_file, load, tmp_path, name):  # noqa: F811
    plan, lines = plan_registers(real_file(name), name)
    for register, path in write_registers(tmp_path, plan).items():
        load(register, path)
    import_as_proposed(placed_council, real_file(name))
    network = placed_council.network
    settle_suppliers(db.session, network)
    db.session.commit()
    recompute_all(db.session, network)
    db.session.commit()

    from portal.spend.models import SpendLine
    from portal.suppliers.models import Supplier

    with tenant_context(placed_council.id):
        unnamed = {n.strip() for n in db.session.scalars(select(SpendLine.supplier_name).where(SpendLine.payee_unnamed).distinct())}
        # A name the plan left out of the registers may still be the same firm as one it put in, spelt a little
        # differently ("premier paper grou" is "PREMIER PAPER GROUP"): the fuzzy match takes that entry's plan.
        fuzzy = db.session.execute(select(SpendLine.supplier_name, Supplier.company_number, Supplier.charity_number)
                                   .join(Supplier, Supplier.id == SpendLine.supplier_id)
                                   .where(Supplier.match_method == "fuzzy").distinct()).all()
    by_number = {f["number"]: f for f in plan.values() if f["register"]}
    for supplier, company, charity in fuzzy:
        entry = by_number[company or charity]
        assert fuzz.token_sort_ratio(normalise_supplier_name(supplier), normalise_supplier_name(entry["name"])) >= 90
        plan = {**plan, supplier.strip(): entry}
    assert len(fuzzy) <= len(plan) // 50, fuzzy  # a few: the plan makes most names exactly
    want = expected_figures(plan, lines, unnamed)
    with tenant_context(placed_council.id):
        rows = db.session.scalars(select(SpendTotal).where(SpendTotal.period_type == "year",
                                                           SpendTotal.breakdown == "all")).all()
    got = defaultdict(int)
    for row in rows:
        for measure in want:
            got[measure] += getattr(row, measure)
    assert want["total_pence"] == REAL_SPEND_FILES[name][1]
    assert {m: got[m] for m in want} == want, _disagreements(placed_council, plan)
    # Something of every kind was placed: the test would prove little on a file that placed nothing.
    assert want["local_pence"] and want["unplaced_pence"] and want["sme_pence"] and want["wider_pence"]
