"""A year of demo spend for the demo partners, loaded through the real import.

The generator is deterministic (a seeded ``random.Random``), so a second run writes the
same files and the import finds nothing new. One pool of suppliers is shared by the
partners, each of whom spells names its own way ("ACME LTD", "Acme Limited", "Acme Ltd."),
so the register's resolution has real work to do. Roughly a quarter of each partner's spend
goes to suppliers in the demo area; some suppliers give no postcode at all (unplaced).
Benchmarks reuse ``supplier_pool`` and ``spend_rows``.
"""
from __future__ import annotations

import csv
import math
import random
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.spend import importing
from portal.spend.models import SpendImport
from portal.spend.normalise import normalise_supplier_name, parse_amount
from portal.spend.totals import recompute_all
from portal.suppliers.models import Supplier
from tenants import tenant_context
from tenants.models import Network, Organisation

SEED = 2026
POOL_SIZE = 1500
LOCAL_DISTRICTS = ["S60", "S61", "S62", "S63", "S64", "S65", "S66", "S25", "S26", "S35"]
OTHER_DISTRICTS = [
    "S1", "S2", "S3", "S8", "S9", "S11", "DN1", "DN4", "S70", "S75", "LS1", "LS11", "WF1", "HD1", "M1", "M17",
    "B1", "B37", "NG1", "DE1", "NE1", "EC1A", "SE1", "WC2N", "BS1", "L3", "CF10", "G2", "MK9", "RG1",
]
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# (ProClass-like category, expense types, share of suppliers)
CATEGORIES = [
    ("Construction", ["Building repairs and maintenance", "Capital works", "Highways maintenance"], 12),
    ("Facilities & Management Services", ["Cleaning", "Security services", "Grounds maintenance"], 10),
    ("Information Communication Technology", ["Software licences", "IT hardware", "Telecommunications"], 8),
    ("Social Community Care Supplies & Services", ["Residential care", "Home care", "Supported living"], 10),
    ("Healthcare", ["Medical supplies", "Clinical services", "Pharmaceuticals"], 8),
    ("Professional Services", ["Consultancy", "Legal fees", "Audit fees"], 9),
    ("Catering", ["Provisions", "Catering services"], 5),
    ("Vehicle Management", ["Vehicle repairs", "Fuel", "Vehicle hire"], 5),
    ("Transport", ["Home to school transport", "Taxi fares", "Public transport"], 5),
    ("Environmental Services", ["Waste collection", "Recycling", "Pest control"], 5),
    ("Education", ["Training", "School improvement", "Course fees"], 6),
    ("Human Resources", ["Agency staff", "Recruitment advertising", "Occupational health"], 5),
    ("Utilities", ["Electricity", "Gas", "Water"], 3),
    ("Stationery & Printing", ["Printing", "Stationery", "Postage"], 4),
    ("Voluntary Sector Grants", ["Grants to voluntary organisations", "Community development"], 5),
]
_SURNAMES = (
    ["Smith", "Jones", "Taylor", "Brown", "Walker", "Wilson", "Wood", "Hargreaves", "Thompson", "Robinson", "Wright", "Clarke", "Hall", "Green", "Lee", "Ward", "Turner", "Hill", "Cooper", "Harrison", "Baxter", "Whitaker", "Fletcher", "Marsden", "Senior", "Crowther", "Beever", "Oldroyd", "Haigh", "Sykes", "Ackroyd", "Firth", "Holmes", "Shaw", "Bramall", "Dyson", "Wragg", "Staniforth", "Hirst", "Exley", "Ibbotson", "Outram"]
)
_PLACES = (
    ["Rotherham", "Rother", "Valley", "Maltby", "Dinnington", "Wath", "Swinton", "Dearne", "Wentworth", "Kiveton", "Aston", "Rawmarsh", "Thurcroft", "Brinsworth", "Chapeltown", "Ecclesfield", "Sheffield", "Doncaster", "Barnsley", "Pennine", "Yorkshire", "Northern", "Dearneside", "Albion", "Sovereign", "Meridian", "Keystone", "Summit", "Brightside", "Castle", "Riverside"]
)
_TRADES = {
    "Construction": ["Building Services", "Construction", "Roofing", "Civil Engineering", "Joinery", "Plumbing & Heating", "Electrical Contractors"],
    "Facilities & Management Services": ["Cleaning Services", "Security", "Facilities Management", "Landscapes", "Window Cleaning"],
    "Information Communication Technology": ["IT Solutions", "Software", "Digital", "Networks", "Data Systems"],
    "Social Community Care Supplies & Services": ["Care Services", "Homecare", "Care Homes", "Supported Living", "Fostering Services"],
    "Healthcare": ["Medical Supplies", "Healthcare", "Pharmacy", "Diagnostics", "Surgical"],
    "Professional Services": ["Consulting", "Associates", "Solicitors LLP", "Accountants", "Surveyors"],
    "Catering": ["Catering", "Foods", "Bakery", "Fresh Produce"],
    "Vehicle Management": ["Motors", "Commercial Vehicles", "Fleet Services", "Tyres"],
    "Transport": ["Travel", "Coaches", "Taxis", "Logistics"],
    "Environmental Services": ["Waste Management", "Recycling", "Environmental", "Pest Control"],
    "Education": ["Training", "Learning", "Education Services", "Tutors"],
    "Human Resources": ["Recruitment", "Staffing Solutions", "Personnel", "Occupational Health"],
    "Utilities": ["Energy", "Power", "Water Services"],
    "Stationery & Printing": ["Print", "Office Supplies", "Stationers", "Signs"],
    "Voluntary Sector Grants": ["Community Trust", "Voluntary Action", "Food Bank", "Youth Project", "Carers Centre"],
}


@dataclass(frozen=True)
class DemoSupplier:
    name: str  # as written in the supplier's own paperwork
    normalised_name: str
    kind: str  # private, vcse, public, sole_trader
    category: str
    postcode: str | None
    company_number: str | None
    charity_number: str | None
    is_sme: bool | None
    employee_owned: bool
    living_wage: bool
    scale_pence: int  # a typical payment

    @property
    def is_local(self) -> bool | None:
        return None if self.postcode is None else self.postcode.split(" ")[0] in LOCAL_DISTRICTS


@dataclass(frozen=True)
class PartnerProfile:
    short: str
    lines: int
    local_share: float  # of spend, by value
    style: str  # how this partner writes supplier names
    header: tuple[str, ...]
    favoured: tuple[str, ...]  # categories it buys most
    service_areas: tuple[str, ...]


PROFILES = {
    "council": PartnerProfile(
        "council", 100_000, 0.27, "upper",
        ("Body Name", "Date", "Transaction Number", "Net Amount", "Supplier Name", "Supplier Postcode",
         "Company Number", "Charity Number", "VCSE", "Expense Type", "Service Area", "ProClass"),
        ("Construction", "Social Community Care Supplies & Services", "Environmental Services", "Transport", "Voluntary Sector Grants"),
        ("Adult Care & Housing", "Children & Young People's Services", "Regeneration & Environment", "Finance & Customer Services", "Public Health", "Assistant Chief Executive"),
    ),
    "police": PartnerProfile(
        "police", 15_000, 0.18, "limited",
        ("Organisation Name", "Payment Date", "Transaction ID", "Amount (£)", "Supplier(Beneficiary) Name",
         "Supplier Postcode", "Expense Type", "Service Area", "Category"),
        ("Vehicle Management", "Information Communication Technology", "Facilities & Management Services", "Professional Services"),
        ("Local Policing", "Crime & Justice", "Operational Support", "Estates", "Corporate Services"),
    ),
    "hospital": PartnerProfile(
        "hospital", 30_000, 0.22, "dotted",
        ("Body", "Date Paid", "Document Number", "Amount", "Supplier", "Postcode", "Company Reg No",
         "Expenditure Category", "Directorate", "Procurement Category"),
        ("Healthcare", "Facilities & Management Services", "Catering", "Human Resources", "Information Communication Technology"),
        ("Medicine", "Surgery", "Women's & Children's", "Clinical Support", "Estates & Facilities", "Corporate"),
    ),
    "chamber": PartnerProfile(
        "chamber", 3_000, 0.45, "as_written",
        ("Date", "Reference", "Supplier Name", "Postcode", "Amount", "Expense Type", "Service"),
        ("Professional Services", "Catering", "Education", "Stationery & Printing"),
        ("Business Support", "Events", "International Trade", "Membership"),
    ),
}


def latest_complete_financial_year(today: date | None = None) -> date:
    """1 April of the last UK financial year (April to March) that has ended."""
    today = today or date.today()
    return date(today.year - 1 if today.month >= 4 else today.year - 2, 4, 1)


def _postcode(rng: random.Random, district: str) -> str:
    return f"{district} {rng.randint(1, 9)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"


def _base_name(rng: random.Random, kind: str, category: str) -> str:
    trade = rng.choice(_TRADES[category])
    if kind == "vcse":
        place = rng.choice(_PLACES)
        form = rng.choice(["", "", " CIC", " Ltd", ""])
        return f"{place} {rng.choice(['Community', 'Family', 'Together', 'Hope', 'Age', 'Youth', 'Mind', 'Carers'])} {trade.split()[-1]}{form}".replace("  ", " ")
    if kind == "public":
        return f"{rng.choice(['Doncaster', 'Barnsley', 'Sheffield', 'Wakefield', 'Kirklees', 'Derbyshire', 'Nottinghamshire'])} {rng.choice(['Council', 'NHS Foundation Trust', 'College', 'University', 'Fire & Rescue Service'])} {rng.choice(['', 'Trading', 'Services', 'Shared Services'])}".strip()
    if kind == "sole_trader":
        return f"{rng.choice('ABCDGJKMPRST')} {rng.choice(_SURNAMES)} {trade.split()[0]}"
    first = rng.choice(_PLACES) if rng.random() < 0.55 else rng.choice(_SURNAMES) + rng.choice([" & Sons", " & " + rng.choice(_SURNAMES), "", " Bros"])
    form = rng.choices([" Ltd", " Limited", " plc", " LLP", " Ltd"], [50, 20, 5, 3, 22])[0]
    if "LLP" in trade:
        form = ""
    return f"{first} {trade}{form}"


def supplier_pool(size: int = POOL_SIZE, seed: int = SEED) -> list[DemoSupplier]:
    """The network's suppliers: unique names once normalised, a realistic mix of kinds and places."""
    rng = random.Random(seed)
    categories = [c for c, _, _ in CATEGORIES]
    category_weights = [w for _, _, w in CATEGORIES]
    pool: list[DemoSupplier] = []
    seen: set[str] = set()
    while len(pool) < size:
        category = rng.choices(categories, category_weights)[0]
        kind = "vcse" if category == "Voluntary Sector Grants" else rng.choices(
            ["private", "vcse", "public", "sole_trader"], [80, 8, 4, 8])[0]
        name = _base_name(rng, kind, category)
        key = normalise_supplier_name(name)
        if key in seen:
            continue
        seen.add(key)
        where = rng.random()
        postcode = None if where < 0.09 else _postcode(rng, rng.choice(LOCAL_DISTRICTS if where < 0.40 else OTHER_DISTRICTS))
        company = f"{rng.randint(1_000_000, 14_999_999):08d}" if kind == "private" and rng.random() < 0.7 else None
        if kind == "vcse" and name.endswith(("CIC", "Ltd")):
            company = f"{rng.randint(5_000_000, 14_999_999):08d}"
        charity = str(rng.randint(1_000_000, 1_199_999)) if kind == "vcse" and rng.random() < 0.75 else None
        large = kind in ("private", "public") and rng.random() < 0.18
        pool.append(DemoSupplier(
            name=name, normalised_name=key, kind=kind, category=category, postcode=postcode,
            company_number=company, charity_number=charity,
            is_sme=None if kind == "public" else (not large if rng.random() < 0.9 else None),
            employee_owned=kind == "private" and rng.random() < 0.06,
            living_wage=kind in ("private", "vcse") and rng.random() < 0.14,
            scale_pence=int(rng.lognormvariate(math.log(150_000), 0.9) * (5 if large else 1)),
        ))
    return pool


def spelling(supplier: DemoSupplier, style: str) -> str:
    """How one partner writes the supplier's name: the register must see them as one."""
    name = supplier.name
    for form in (" Limited", " Ltd"):
        if name.endswith(form):
            stem = name[: -len(form)]
            name = {"upper": f"{stem} LTD", "limited": f"{stem} Limited", "dotted": f"{stem} Ltd."}.get(style, name)
            break
    if style == "upper":
        return name.upper()
    if style == "dotted":
        return name.replace(" & ", " and ")
    return name


def partner_suppliers(profile: PartnerProfile, pool: list[DemoSupplier], seed: int = SEED) -> tuple[list[DemoSupplier], list[float]]:
    """The suppliers this partner pays and their weights, tuned so its local share comes out as planned."""
    rng = random.Random(f"{seed}-{profile.short}")
    chosen = [s for s in pool if rng.random() < (0.95 if s.category in profile.favoured else 0.6)]
    chosen = chosen[: max(60, int(len(chosen) * min(1.0, profile.lines / 40_000)))]
    # Grants are the council's business; elsewhere charities are paid less often.
    damp = 1.0 if "Voluntary Sector Grants" in profile.favoured else 0.3
    weights = [rng.paretovariate(1.3) * (damp if s.kind == "vcse" else 1.0) for s in chosen]
    value = [w * s.scale_pence for w, s in zip(weights, chosen)]
    local = sum(v for v, s in zip(value, chosen) if s.is_local)
    other = sum(value) - local
    factor = (profile.local_share * other) / ((1 - profile.local_share) * local) if local else 1.0
    return chosen, [w * factor if s.is_local else w for w, s in zip(weights, chosen)]


def spend_rows(profile: PartnerProfile, pool: list[DemoSupplier], months: list[date], lines: int | None = None,
               body: str = "", seed: int = SEED):
    """Yield (month, row) for this partner's file layout, ``lines`` in all, spread over ``months``."""
    rng = random.Random(f"{seed}-{profile.short}-lines")
    suppliers, weights = partner_suppliers(profile, pool, seed)
    expense_types = {c: types for c, types, _ in CATEGORIES}
    total = lines or profile.lines
    cumulative = list(_cumulative(weights))
    ref_prefix = {"council": "MBC", "police": "SYP", "hospital": "RFT", "chamber": "CH"}.get(profile.short, "X")
    number = 0
    for index, month in enumerate(months):
        count = total * (index + 1) // len(months) - total * index // len(months)
        days = (_next_month(month) - month).days
        for supplier in rng.choices(suppliers, cum_weights=cumulative, k=count):
            number += 1
            day = month + timedelta(days=rng.randrange(days))
            pence = max(50_000, int(supplier.scale_pence * rng.lognormvariate(0, 0.7)))
            if rng.random() < 0.03:
                pence = -pence // rng.choice((1, 2, 4))  # a credit note, often part of an invoice
            yield month, _row(profile, supplier, body, f"{ref_prefix}{number:08d}", day, pence,
                              rng.choice(expense_types[supplier.category]), rng.choice(profile.service_areas))


def _row(profile, supplier, body, ref, day, pence, expense, service) -> list[str]:
    name = spelling(supplier, profile.style)
    postcode = supplier.postcode or ""
    amount = f"{pence / 100:.2f}"
    if profile.short == "council":
        vcse = "Y" if supplier.kind == "vcse" else "N"
        return [body, day.strftime("%d/%m/%Y"), ref, amount, name, postcode, supplier.company_number or "",
                supplier.charity_number or "", vcse, expense, service, supplier.category]
    if profile.short == "police":
        return [body, day.strftime("%d/%m/%Y"), ref, f"£{pence / 100:,.2f}", name, postcode, expense, service, supplier.category]
    if profile.short == "hospital":
        return [body, day.strftime("%d-%b-%Y"), ref, amount, name, postcode, supplier.company_number or "",
                expense, service, supplier.category]
    return [day.strftime("%d/%m/%Y"), ref, name, postcode, amount, expense, service]


def _cumulative(weights):
    running = 0.0
    for weight in weights:
        running += weight
        yield running


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def year_months(year_start: date) -> list[date]:
    months, month = [], year_start
    for _ in range(12):
        months.append(month)
        month = _next_month(month)
    return months


def write_monthly_files(folder: Path, profile: PartnerProfile, pool, months, body: str) -> list[Path]:
    """One Transparency Code CSV per month, as the partner would publish them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {m: folder / f"{profile.short}-spend-{m:%Y-%m}.csv" for m in months}
    with ExitStack() as stack:
        writers = {m: csv.writer(stack.enter_context(open(paths[m], "w", newline="", encoding="utf-8"))) for m in months}
        for writer in writers.values():
            writer.writerow(profile.header)
        for month, row in spend_rows(profile, pool, months, body=body):
            writers[month].writerow(row)
    return [paths[m] for m in months]


def load_demo_spend(session: Session, network: Network, partners: dict[str, Organisation]) -> None:
    """Import a year of spend for each demo partner (files already imported are skipped), then the totals."""
    started = time.perf_counter()
    instance = Path(current_app.config["INSTANCE_DIR"])
    months = year_months(latest_complete_financial_year())
    pool = supplier_pool()
    imported = lines = 0
    for short, organisation in partners.items():
        profile = PROFILES[short]
        folder = instance / "demo" / "spend" / short
        with tenant_context(organisation.id):
            done = set(session.scalars(select(SpendImport.filename).where(SpendImport.status == "imported")))
        if all(f"{short}-spend-{m:%Y-%m}.csv" in done for m in months):
            continue
        for path in write_monthly_files(folder, profile, pool, months, organisation.name):
            if path.name in done:
                continue
            with tenant_context(organisation.id):
                outcome = _import_file(session, organisation, path)
                session.commit()
            imported += 1
            lines += outcome.imported
    loaded = time.perf_counter()
    if imported:
        from portal.registers.settling import settle_suppliers

        _describe_suppliers(session, network, pool)
        # Place and class every supplier from the registers, as the workers do after an import.
        settle_suppliers(session, network)
        recompute_all(session, network)
        session.commit()
    sample = write_sample_with_errors(instance / "demo" / "sample-spend-with-errors.csv", pool)
    finished = time.perf_counter()
    if imported:
        click.echo(f"Demo spend: {lines:,} lines in {imported} monthly files for {months[0]:%B %Y} to {months[-1]:%B %Y}, "
                   f"imported in {loaded - started:.1f}s, totals in {finished - loaded:.1f}s")
    else:
        click.echo(f"Demo spend already loaded ({months[0]:%B %Y} to {months[-1]:%B %Y}); nothing added")
    click.echo(f"Try an import with a few bad lines: {sample}")


def _import_file(session: Session, organisation: Organisation, path: Path) -> importing.ImportOutcome:
    with open(path, "rb") as stream:
        spend_import = importing.store_upload(session, organisation, None, path.name, stream)
    _headers, mapping = importing.proposed_mapping(session, spend_import)
    spend_import.column_mapping = mapping
    spend_import.status = "queued"
    session.flush()
    outcome = importing.run_import(session, spend_import.id)
    if outcome.status != "imported" or outcome.rejected:
        raise RuntimeError(f"demo file {path.name} did not import cleanly: {outcome}")
    return outcome


def _describe_suppliers(session: Session, network: Network, pool: list[DemoSupplier]) -> None:
    """What neither the files nor the registers say (ownership, Living Wage), as the lead would record it.

    Place, class and size come from the registers (portal/demo/registers.py), never from here.
    """
    by_name = {s.normalised_name: s for s in pool}
    for supplier in session.scalars(select(Supplier).where(Supplier.network_id == network.id)):
        known = by_name.get(supplier.normalised_name)
        if known is None:
            continue
        supplier.employee_owned = known.employee_owned
        supplier.living_wage_accredited = known.living_wage
    session.flush()


def write_sample_with_errors(path: Path, pool: list[DemoSupplier]) -> Path:
    """A small council-style file with a bad date, a missing supplier, letters in an amount and a repeated reference."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{SEED}-sample")
    month = latest_complete_financial_year() + timedelta(days=400)
    month = month.replace(day=1)
    rows = [["Date", "Transaction Number", "Supplier Name", "Supplier Postcode", "Net Amount", "Expense Type", "Service Area"]]
    for n in range(1, 13):
        supplier = rng.choice(pool)
        rows.append([(month + timedelta(days=n)).strftime("%d/%m/%Y"), f"SAMPLE-{n:04d}", supplier.name,
                     supplier.postcode or "", f"{rng.randint(500, 25_000)}.{rng.randint(0, 99):02d}", "Consultancy", "Public Health"])
    rows[3][0] = "31/02/" + str(month.year)  # no 31 February
    rows[5][2] = ""  # no supplier
    rows[7][4] = "1,2O0.00"  # a letter O typed for a zero
    rows[9][1] = rows[8][1]  # the same reference twice: counted once
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def leave_a_correction_waiting(session: Session, organisation: Organisation, short: str = "chamber") -> None:
    """A corrected copy of the partner's last month, uploaded and compared with the month held, waiting for
    the officer's choice (replace the month, or add only the new lines), as the import page shows it.

    Two amounts changed, one line gone and one added, as a finance team's corrected file would have them.
    """
    month = year_months(latest_complete_financial_year())[-1]
    source = Path(current_app.config["INSTANCE_DIR"]) / "demo" / "spend" / short / f"{short}-spend-{month:%Y-%m}.csv"
    corrected = source.with_name(f"{short}-spend-{month:%Y-%m}-corrected.csv")
    with tenant_context(organisation.id):
        if not source.exists() or session.scalar(select(SpendImport.id).where(SpendImport.filename == corrected.name)):
            return
        with open(source, newline="", encoding="utf-8") as handle:
            header, *rows = list(csv.reader(handle))
        # Each partner's file names its columns its own way (PROFILES): find the amount and the reference.
        amount = next(i for i, name in enumerate(header) if name.startswith("Amount"))
        reference = next(i for i, name in enumerate(header) if name in ("Reference", "Transaction ID", "Document Number"))
        for row in rows[:2]:
            row[amount] = str((Decimal(parse_amount(row[amount])) + 12_500) / 100)  # as the file wrote it, plus £125
        added = list(rows[3])
        added[reference] += "-A"
        rows = rows[:2] + rows[3:] + [added]
        with open(corrected, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([header, *rows])
        with open(corrected, "rb") as stream:
            spend_import = importing.store_upload(session, organisation, None, corrected.name, stream)
        _headers, spend_import.column_mapping = importing.proposed_mapping(session, spend_import)
        spend_import.status = "queued"
        session.flush()
        importing.run_import(session, spend_import.id)
        session.commit()
