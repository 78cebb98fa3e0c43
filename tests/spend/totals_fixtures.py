"""Seeded random spend for the totals tests, and the same totals worked out in plain Python."""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.spend.models import NetworkSpendTotal, SpendLine, SpendTotal
from portal.suppliers.models import Supplier
from tenants import network_wide, tenant_context
from tenants.models import Organisation

from .procurable_oracle import MEASURES, PARTNER_COUNTED, breakdown_keys, line_measures

FIRST_MONTH = date(2023, 1, 1)
MONTH_COUNT = 18  # January 2023 to June 2024: crosses both networks' year ends
# Local authority districts (GSS codes): Rotherham, Sheffield, Barnsley, Doncaster, Leeds, Manchester, Birmingham, Westminster.
DISTRICTS = ("E08000018", "E08000019", "E08000016", "E08000017", "E08000035", "E08000003", "E08000025", "E09000033")
WARDS = ("E05001000", "E05001001", "E05001002", "E05010101", "E05010102", "E05011111")
KINDS = ("private", "private", "private", "vcse", "public", "tax", "pension", "individual", "sole_trader", "unknown")
CATEGORIES = ("Construction", "Social care", "IT", "Facilities", "Transport", "Food", "Consultancy")


@dataclass
class Line:
    """A spend line as the test generated it (the oracle's input)."""

    organisation_id: int
    network_id: int
    ref: str
    month: date
    amount_pence: int
    supplier: dict | None
    category: str | None
    id: int | None = None


@dataclass
class World:
    networks: list
    partners: dict  # network id -> [Organisation]
    suppliers: dict = field(default_factory=dict)  # network id -> [supplier dict]
    lines: list = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random(2024))

    @property
    def fy_start(self) -> dict:
        return {n.id: n.financial_year_start_month for n in self.networks}


def month_number(n: int) -> date:
    """The n-th month after FIRST_MONTH (written without the code under test's helpers)."""
    year, month = divmod(FIRST_MONTH.month - 1 + n, 12)
    return date(FIRST_MONTH.year + year, month + 1, 1)


def build_world(make_network, make_partner, seed: int = 2024, lines: int = 3000) -> World:
    """Two networks (April and July years), three partners each, ~40 suppliers each, ``lines`` lines."""
    april = make_network("Rotherham Anchors", local_area=("S60", "S61", "S62", "S63"))
    july = make_network("Northern Anchors", local_area=("LS1", "M1"))
    july.financial_year_start_month = 7
    # April keeps the default exclusions (public, tax, pension, individual); July's lead edited them,
    # so its unnamed payees and pension funds count as procurable.
    july.excluded_kinds = ["public", "tax"]
    db.session.commit()
    partners = {
        n.id: [make_partner(f"{kind.title()} of {n.name}", n, kind=kind) for kind in ("council", "police", "health")]
        for n in (april, july)
    }
    world = World([april, july], partners, rng=random.Random(seed))
    for network in world.networks:
        world.suppliers[network.id] = [_add_supplier(world.rng, network, i) for i in range(40)]
    db.session.commit()
    everyone = [p for ps in partners.values() for p in ps]
    for n in range(lines):
        partner = world.rng.choice(everyone)
        world.lines.append(random_line(world, partner, f"INV-{n:05d}", month_number(world.rng.randrange(MONTH_COUNT))))
    insert_lines(world.lines)
    return world


def _add_supplier(rng: random.Random, network, n: int) -> dict:
    placed = rng.random() > 0.2
    values = dict(
        network_id=network.id,
        name=f"Supplier {network.id}-{n}",
        normalised_name=f"supplier {network.id} {n}",
        # Unplaced suppliers sometimes have a district from the register but no locality yet.
        district_code=rng.choice(DISTRICTS) if placed or rng.random() < 0.3 else None,
        ward_code=rng.choice(WARDS) if placed and rng.random() > 0.1 else None,
        imd_decile=rng.randint(1, 10) if placed and rng.random() > 0.1 else None,
        locality=rng.choice(("based", "based", "branched", "wider", "region", "elsewhere")) if placed else None,
        # The lead's word on some: local (a branch) or not, placed or not.
        local_override=rng.choice((None,) * 8 + (True, False)),
        is_sme=rng.choice((True, False, None)),
        kind=rng.choice(KINDS),
        employee_owned=rng.random() < 0.15,
        living_wage_accredited=rng.random() < 0.3,
    )
    supplier = Supplier(**values)
    db.session.add(supplier)
    db.session.flush()
    values["id"] = supplier.id
    return values


def random_line(world: World, partner: Organisation, ref: str, month: date) -> Line:
    rng = world.rng
    amount = rng.randint(100, 5_000_000)
    if rng.random() < 0.08:
        amount = -rng.randint(100, 500_000)  # a credit note
    supplier = rng.choice(world.suppliers[partner.network_id]) if rng.random() > 0.05 else None
    category = rng.choice(CATEGORIES) if rng.random() > 0.1 else None
    return Line(partner.id, partner.network_id, ref, month, amount, supplier, category)


def insert_lines(lines: list[Line]) -> None:
    """Insert through the ORM, each partner inside its own tenant context, and commit."""
    by_partner = defaultdict(list)
    for line in lines:
        by_partner[line.organisation_id].append(line)
    for organisation_id, own in by_partner.items():
        with tenant_context(organisation_id):
            rows = [
                SpendLine(
                    transaction_ref=line.ref,
                    payment_date=line.month.replace(day=min(28, 1 + len(line.ref) % 28)),
                    month=line.month,
                    amount_pence=line.amount_pence,
                    supplier_name=line.supplier["name"] if line.supplier else "Unknown payee",
                    supplier_id=line.supplier["id"] if line.supplier else None,
                    category=line.category,
                )
                for line in own
            ]
            db.session.add_all(rows)
            db.session.flush()
            for line, row in zip(own, rows):
                line.id = row.id
            db.session.commit()


# --- the oracle -------------------------------------------------------------

def financial_periods(month: date, fy_start: int) -> dict[str, date]:
    """Month, quarter and year start of a month, by counting back to the year's first month."""
    year_start = date(month.year, fy_start, 1)
    if year_start > month:
        year_start = date(month.year - 1, fy_start, 1)
    months_in = (month.year - year_start.year) * 12 + month.month - year_start.month
    quarter_start = year_start
    for _ in range(months_in // 3 * 3):
        quarter_start = date(quarter_start.year + quarter_start.month // 12, quarter_start.month % 12 + 1, 1)
    return {"month": month, "quarter": quarter_start, "year": year_start}


def expected_partner_totals(world: World) -> dict:
    """(organisation, period type, start, breakdown, key) -> measures, from the generated lines."""
    excluded = {n.id: list(n.excluded_kinds) for n in world.networks}
    out: dict = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for line in world.lines:
        keys = breakdown_keys(line.supplier, line.category)
        measures = line_measures(line.amount_pence, line.supplier, excluded[line.network_id])
        for period_type, start in financial_periods(line.month, world.fy_start[line.network_id]).items():
            for breakdown, key in keys.items():
                row = out[(line.organisation_id, period_type, start, breakdown, key)]
                for name, value in measures.items():
                    row[name] += value
    return dict(out)


def expected_network_totals(world: World) -> dict:
    """(network, period type, start, breakdown, key) -> measures, partner_count and partners behind each measure."""
    network_of = {p.id: network_id for network_id, ps in world.partners.items() for p in ps}
    counted = [f"{m}_partner_count" for m in PARTNER_COUNTED]
    out: dict = defaultdict(lambda: {**dict.fromkeys(MEASURES, 0), **{c: set() for c in counted}, "partners": set()})
    for (organisation_id, *rest), measures in expected_partner_totals(world).items():
        row = out[(network_of[organisation_id], *rest)]
        for name, value in measures.items():
            row[name] += value
        row["partners"].add(organisation_id)
        for measure in PARTNER_COUNTED:
            if measures[f"{measure}_pence"] != 0:
                row[f"{measure}_partner_count"].add(organisation_id)
    return {
        k: {**{m: v[m] for m in MEASURES}, "partner_count": len(v["partners"]), **{c: len(v[c]) for c in counted},
            "sole_partner_id": min(v["partners"]) if len(v["partners"]) == 1 else None}
        for k, v in out.items()
    }


# --- what the database holds ------------------------------------------------

def stored_partner_totals(organisation_ids) -> dict:
    """Every SpendTotal row of these partners, keyed like the oracle."""
    with network_wide(organisation_ids, reason="test: read back totals"):
        rows = db.session.scalars(select(SpendTotal)).all()
        return {
            (r.organisation_id, r.period_type, r.period_start, r.breakdown, r.key): {m: getattr(r, m) for m in MEASURES}
            for r in rows
        }


def stored_network_totals() -> dict:
    """Every NetworkSpendTotal row, keyed like the oracle (read over every partner: one-partner rows show to it only)."""
    with network_wide(db.session.scalars(select(Organisation.id)).all(), reason="test: read back combined totals"):
        return {
            (r.network_id, r.period_type, r.period_start, r.breakdown, r.key): {
                **{m: getattr(r, m) for m in MEASURES},
                "partner_count": r.partner_count,
                **{f"{m}_partner_count": getattr(r, f"{m}_partner_count") for m in PARTNER_COUNTED},
                "sole_partner_id": r.sole_partner_id,
            }
            for r in db.session.scalars(select(NetworkSpendTotal))
        }


def all_partner_ids(world: World) -> list[int]:
    return [p.id for ps in world.partners.values() for p in ps]
