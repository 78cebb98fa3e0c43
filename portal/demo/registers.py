"""Small registers for the demo network, in the official layouts, loaded through the real loaders.

The demo's local share comes from placement: each supplier's registered office postcode
(from the Companies House or Charity Commission file, or the spend file) is looked up in
the postcode directory and its local authority district set against the network's area.
The files are made from the demo supplier pool, deterministically. District, region and
country codes are the real GSS codes; ward and LSOA codes and the deprivation ranks are
illustrative (made up here, in the official formats), and say so on the register page.
"""
from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.registers import loading, samples
from portal.registers.models import RegisterLoad
from tenants.models import Network

SEED = "2026-registers"
PUBLISHED_ON = date(2026, 11, 1)
ENGLAND, WALES, SCOTLAND = "E92000001", "W92000004", "S92000003"
YORKSHIRE = "E12000003"
ROTHERHAM, BARNSLEY, DONCASTER, SHEFFIELD = "E08000018", "E08000016", "E08000017", "E08000019"
# The demo network: Rotherham, within South Yorkshire's combined authority, in Yorkshire and The Humber.
DEMO_AREA = [ROTHERHAM]
DEMO_WIDER_AREA = ("South Yorkshire Mayoral Combined Authority", [BARNSLEY, DONCASTER, SHEFFIELD])
DEMO_REGION = YORKSHIRE

# district code: (name, region, country)
DISTRICTS = {
    ROTHERHAM: ("Rotherham", YORKSHIRE, ENGLAND), BARNSLEY: ("Barnsley", YORKSHIRE, ENGLAND),
    DONCASTER: ("Doncaster", YORKSHIRE, ENGLAND), SHEFFIELD: ("Sheffield", YORKSHIRE, ENGLAND),
    "E08000035": ("Leeds", YORKSHIRE, ENGLAND), "E08000036": ("Wakefield", YORKSHIRE, ENGLAND),
    "E08000034": ("Kirklees", YORKSHIRE, ENGLAND), "E08000003": ("Manchester", "E12000002", ENGLAND),
    "E08000009": ("Trafford", "E12000002", ENGLAND), "E08000012": ("Liverpool", "E12000002", ENGLAND),
    "E08000025": ("Birmingham", "E12000005", ENGLAND), "E08000029": ("Solihull", "E12000005", ENGLAND),
    "E06000018": ("Nottingham", "E12000004", ENGLAND), "E06000015": ("Derby", "E12000004", ENGLAND),
    "E08000021": ("Newcastle upon Tyne", "E12000001", ENGLAND), "E09000001": ("City of London", "E12000007", ENGLAND),
    "E09000028": ("Southwark", "E12000007", ENGLAND), "E09000033": ("Westminster", "E12000007", ENGLAND),
    "E06000023": ("Bristol, City of", "E12000009", ENGLAND), "E06000042": ("Milton Keynes", "E12000008", ENGLAND),
    "E06000038": ("Reading", "E12000008", ENGLAND), "W06000015": ("Cardiff", "W99999999", WALES),
    "S12000049": ("Glasgow City", "S99999999", SCOTLAND),
}
REGIONS = {
    YORKSHIRE: "Yorkshire and The Humber", "E12000001": "North East", "E12000002": "North West",
    "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000007": "London", "E12000008": "South East",
    "E12000009": "South West",
}
# Postcode district (outward code) -> the districts its postcodes lie in. S35 straddles
# Sheffield and Barnsley: the old district list called it local, full postcodes say where.
OUTWARD = {
    **{d: [ROTHERHAM] for d in ("S60", "S61", "S62", "S63", "S64", "S65", "S66", "S25", "S26")},
    "S35": [SHEFFIELD, BARNSLEY], "S1": [SHEFFIELD], "S2": [SHEFFIELD], "S3": [SHEFFIELD], "S8": [SHEFFIELD],
    "S9": [SHEFFIELD], "S11": [SHEFFIELD], "DN1": [DONCASTER], "DN4": [DONCASTER], "S70": [BARNSLEY],
    "S75": [BARNSLEY], "LS1": ["E08000035"], "LS11": ["E08000035"], "WF1": ["E08000036"], "HD1": ["E08000034"],
    "M1": ["E08000003"], "M17": ["E08000009"], "B1": ["E08000025"], "B37": ["E08000029"], "NG1": ["E06000018"],
    "DE1": ["E06000015"], "NE1": ["E08000021"], "EC1A": ["E09000001"], "SE1": ["E09000028"], "WC2N": ["E09000033"],
    "BS1": ["E06000023"], "L3": ["E08000012"], "CF10": ["W06000015"], "G2": ["S12000049"], "MK9": ["E06000042"],
    "RG1": ["E06000038"],
}
# Wards of the area, by name (real Rotherham ward names; the codes are illustrative).
ROTHERHAM_WARDS = [
    "Boston Castle", "Rotherham East", "Rotherham West", "Wickersley North", "Dinnington", "Maltby East",
    "Rawmarsh East", "Swinton Rockingham", "Wath", "Keppel", "Hoober", "Brinsworth", "Aston & Todwick",
    "Anston & Woodsetts", "Kilnhurst & Swinton East", "Thurcroft & Wickersley South",
]
# Ranks of England's 32,844 LSOAs (IMD 2019): 1 is the most deprived.
ENGLAND_LSOAS = 32_844
SME_ACCOUNTS = ("MICRO ENTITY", "SMALL", "TOTAL EXEMPTION FULL", "MEDIUM", "UNAUDITED ABRIDGED")
LARGE_ACCOUNTS = ("FULL", "GROUP")


def _wards(district: str) -> list[tuple[str, str]]:
    """(code, name) of a district's wards: the area's by name, elsewhere a few numbered ones."""
    number = int(district[3:]) * 40
    names = ROTHERHAM_WARDS if district == ROTHERHAM else [f"{DISTRICTS[district][0]} ward {n}" for n in range(1, 5)]
    prefix = {"E": "E05", "W": "W05", "S": "S13"}[district[0]]
    return [(f"{prefix}{number + n:06d}", name) for n, name in enumerate(names, start=1)]


def postcode_rows(postcodes: set[str]) -> list[dict]:
    """A directory row for each postcode: its district (by outward code), a ward, an LSOA and a rank."""
    rows = []
    for postcode in sorted(postcodes):
        rng = random.Random(f"{SEED}-{postcode}")
        outward = postcode.split(" ")[0]
        choices = OUTWARD.get(outward)
        if not choices:
            continue
        district = choices[int(postcode[-3]) % len(choices)]
        _name, region, country = DISTRICTS[district]
        ward_code, _ = rng.choice(_wards(district))
        # The area's postcodes lean to the more deprived deciles, as Rotherham's do.
        rank = int(ENGLAND_LSOAS * (rng.random() ** (1.6 if district == ROTHERHAM else 1.0))) + 1
        rows.append({"postcode": postcode, "district": district, "ward": ward_code,
                     "lsoa": f"{country[0]}01{rng.randint(0, 35_000):06d}", "region": region, "country": country,
                     "imd": min(rank, ENGLAND_LSOAS) if country == ENGLAND else None})
    return rows


def area_names() -> dict[str, list[tuple[str, str]]]:
    wards = [pair for district in DISTRICTS for pair in _wards(district)]
    return {
        "LA_UA names and codes UK as at 04_24.csv": [(code, name) for code, (name, _, _) in DISTRICTS.items()],
        "Ward names and codes UK as at 05_24.csv": wards,
        "Region names and codes EN as at 12_20.csv": list(REGIONS.items()),
    }


def _company_name(name: str) -> str:
    """As Companies House prints it: capitals, "LIMITED" in full."""
    upper = name.upper()
    for short, full in ((" LTD", " LIMITED"),):
        if upper.endswith(short):
            upper = upper[: -len(short)] + full
    return upper


def register_rows(pool) -> tuple[list[dict], list[dict], list[dict]]:
    """(companies, charities, mutuals) rows for the demo pool: what the official registers would say of them."""
    rng = random.Random(SEED)
    companies, charities, mutuals = [], [], []
    used_numbers: set[str] = set()
    for supplier in pool:
        if supplier.kind in ("public", "sole_trader"):
            continue
        number = supplier.company_number
        if number is None and supplier.kind == "private" and rng.random() < 0.8:
            # On the register, though the partners' files never give its number: found by name.
            number = f"{rng.randint(1_000_000, 14_999_999):08d}"
        if number and number not in used_numbers:
            used_numbers.add(number)
            if supplier.kind == "vcse":
                category = ("Community Interest Company" if supplier.name.endswith("CIC") else
                            "PRI/LBG/NSC (Private, Limited by guarantee, no share capital, use of 'Limited' exemption)")
                accounts = rng.choice(SME_ACCOUNTS[:3])
            else:
                category = {"plc": "Public Limited Company", "LLP": "Limited Liability Partnership"}.get(
                    supplier.name.rsplit(" ", 1)[-1], "Private Limited Company")
                accounts = (rng.choice(SME_ACCOUNTS) if supplier.is_sme else
                            rng.choice(LARGE_ACCOUNTS) if supplier.is_sme is False else "NO ACCOUNTS FILED")
            previous = [f"{supplier.name.split(' ')[0].upper()} TRADING LIMITED"] if rng.random() < 0.05 else []
            companies.append({"number": number, "name": _company_name(supplier.name), "postcode": supplier.postcode,
                              "category": category, "accounts_category": accounts, "previous_names": previous,
                              "status": "Active"})
        if supplier.kind == "vcse" and supplier.charity_number:
            charities.append({"number": supplier.charity_number, "name": supplier.name.upper(),
                              "postcode": supplier.postcode, "company_number": number or ""})
        elif supplier.kind == "vcse" and not number and len(mutuals) < 12:
            mutuals.append({"number": f"{30_000 + len(mutuals)}R", "name": supplier.name, "postcode": supplier.postcode,
                            "society_type": "Registered Society - Community Benefit"})
    return companies, charities, mutuals


def write_demo_registers(folder: Path, pool, extra_postcodes: set[str] = frozenset()) -> dict[str, Path]:
    """The four files, written into ``folder`` (the postcode directory first: placing needs it); {register: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    companies, charities, mutuals = register_rows(pool)
    postcodes = ({s.postcode for s in pool if s.postcode} | {r["postcode"] for r in companies + charities if r["postcode"]}
                 | set(extra_postcodes))
    return {
        "postcodes": samples.write_postcodes(folder / "NSPL_NOV_2026_UK.zip", postcode_rows(postcodes), area_names=area_names()),
        "companies": samples.write_companies(folder / f"BasicCompanyDataAsOneFile-{PUBLISHED_ON.isoformat()}.zip", companies),
        "charities": samples.write_charities(folder / "publicextract.charity.zip", charities, extract_date=PUBLISHED_ON),
        "mutuals": samples.write_mutuals(folder / "mutuals-public-register.csv", mutuals),
    }


def load_demo_registers(session: Session, network: Network) -> list[str]:
    """Write and load the demo registers, each only where no file of that register was ever loaded; the registers loaded.

    Registers are shared by every network of an instance: a real one, once loaded, is never replaced by the demo's.
    """
    from portal.demo.smes import _business_rows
    from portal.demo.spend import supplier_pool

    loaded = set(session.scalars(select(RegisterLoad.register).where(RegisterLoad.status == "loaded")))
    if loaded >= {"postcodes", "companies", "charities", "mutuals"}:
        return []
    folder = Path(current_app.config["INSTANCE_DIR"]) / "demo" / "registers"
    sme_postcodes = {row["postcode"] for row in _business_rows(network) if row["postcode"]}
    done = []
    for register, path in write_demo_registers(folder, supplier_pool(), sme_postcodes).items():
        if register in loaded:
            continue
        load = RegisterLoad(register=register, file_name=path.name, published_on=PUBLISHED_ON, status="queued")
        session.add(load)
        session.commit()
        loading.load_register(session, register, path, load.id, published_on=PUBLISHED_ON)
        done.append(register)
    click.echo(f"Demo registers loaded ({', '.join(done)}): {path.parent}")
    return done
