"""Load a register file the size of the real ones against a plain COPY of the same file.

    .venv/bin/python bench/register_load.py [--companies 5700000] [--postcodes 2700000] [--only companies|postcodes]

Generates, in a temporary folder, a CSV in the Companies House Free Company Data Product
layout (5.7M companies: the published header with its leading spaces, every value quoted,
realistic names, addresses, postcodes, SIC codes and about one company in four with
previous names) and an NSPL postcode directory (2.7M postcodes). Each is loaded with
``load_register`` (COPY into a fresh copy, keys and indexes built after, the swap), and
the same file is COPYed by PostgreSQL itself into an unindexed table of text columns,
one per column of the file: the least any load could cost. Prints the times and the
ratio (goal, issue 13: within 3x). Runs on a database of its own (bench_loaders).
"""
from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from benchdb import fresh_app, machine, psycopg_url

WORDS = ["acme", "north", "anchor", "bridge", "castle", "dale", "eagle", "field", "forge", "green", "harbour", "hill", "iron", "kings", "lane", "mill", "oak", "park", "quarry", "river", "stone", "tower", "vale", "water", "west", "wood", "york", "abbey", "beacon", "cedar", "delta", "ember", "falcon", "granite", "haven", "ivy", "juniper", "kestrel", "lotus", "maple", "nova", "orchard", "pioneer", "quest", "rowan", "summit", "thistle", "union", "vertex", "willow"]
TRADES = ("services", "consulting", "builders", "engineering", "care", "logistics", "catering", "solutions", "trading",
          "holdings", "properties", "design", "electrical", "plumbing", "cleaning", "training", "software", "media")
SIC = ("62020 - Information technology consultancy activities", "41202 - Construction of domestic buildings",
       "68209 - Other letting and operating of own or leased real estate", "70229 - Management consultancy activities other than financial management",
       "96090 - Other service activities n.e.c.", "43210 - Electrical installation", "56101 - Licensed restaurants")
CATEGORIES = ("Private Limited Company", "PRI/LTD BY GUAR/NSC (Private, limited by guarantee, no share capital)",
              "Public Limited Company", "Limited Liability Partnership", "Community Interest Company")
ACCOUNTS = ("MICRO ENTITY", "TOTAL EXEMPTION FULL", "SMALL", "FULL", "DORMANT", "NO ACCOUNTS FILED", "GROUP")
AREAS = ("S", "M", "LS", "B", "SW", "EC", "BS", "NG", "CF", "EH", "G", "BT", "L", "HD", "HX", "WF", "DN")


def _postcode(rng: random.Random) -> str:
    return f"{rng.choice(AREAS)}{rng.randint(1, 99)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(WORDS).upper()} {rng.choice(WORDS).upper()} {rng.choice(TRADES).upper()} {rng.choice(('LIMITED', 'LTD', 'LTD.', 'PLC', 'LLP'))}"


def write_companies_csv(path: Path, count: int) -> int:
    from portal.registers.layouts import COMPANIES_HEADER

    rng = random.Random(13)
    stripped = [h.strip() for h in COMPANIES_HEADER]
    at = {name: i for i, name in enumerate(stripped)}
    with open(path, "w", newline="", encoding="utf-8") as out:
        out.write(",".join(COMPANIES_HEADER) + "\r\n")
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        for n in range(count):
            row = [""] * len(stripped)
            row[at["CompanyName"]] = _name(rng)
            row[at["CompanyNumber"]] = f"{n + 1:08d}" if n % 10 else f"SC{n // 10:06d}"
            row[at["RegAddress.AddressLine1"]] = f"{rng.randint(1, 300)} {rng.choice(WORDS).upper()} ROAD"
            row[at["RegAddress.PostTown"]] = rng.choice(WORDS).upper()
            row[at["RegAddress.Country"]] = "ENGLAND"
            row[at["RegAddress.PostCode"]] = _postcode(rng)
            row[at["CompanyCategory"]] = rng.choice(CATEGORIES)
            row[at["CompanyStatus"]] = "Active" if rng.random() < 0.93 else "Active - Proposal to Strike off"
            row[at["CountryOfOrigin"]] = "United Kingdom"
            row[at["IncorporationDate"]] = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1950, 2026)}"
            row[at["Accounts.AccountCategory"]] = rng.choice(ACCOUNTS)
            row[at["Accounts.AccountRefDay"]], row[at["Accounts.AccountRefMonth"]] = "31", "3"
            row[at["Mortgages.NumMortCharges"]] = "0"
            for s in range(1, rng.choice((2, 2, 2, 3, 4)) ):
                row[at[f"SICCode.SicText_{s}"]] = rng.choice(SIC)
            row[at["URI"]] = f"http://business.data.gov.uk/id/company/{n + 1:08d}"
            if rng.random() < 0.25:
                for p in range(1, rng.choice((2, 2, 3, 4))):
                    row[at[f"PreviousName_{p}.CONDATE"]] = "01/01/2015"
                    row[at[f"PreviousName_{p}.CompanyName"]] = _name(rng)
            writer.writerow(row)
    # Unique numbers: every tenth is a Scottish one, the rest run on; a collision would fail the load.
    return count


def write_postcodes_csv(path: Path, count: int) -> int:
    from portal.registers.layouts import NSPL_HEADER

    rng = random.Random(7)
    at = {name: i for i, name in enumerate(NSPL_HEADER)}
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(NSPL_HEADER)
        seen = 0
        for area in ("AB", "AL", "B", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "CA", "CB", "CF", "CH", "CM", "CO", "CR",
                     "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH", "EN", "EX",
                     "FK", "FY", "G", "GL", "GU", "HA", "HD", "HG", "HP", "HR", "HU", "HX", "IG", "IP", "KT", "KY", "L",
                     "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR",
                     "NW", "OL", "OX", "PE", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM",
                     "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W",
                     "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO"):
            for district in range(1, 100):
                for sector in range(10):
                    for unit in ("AA", "AB", "AD", "AE", "AF", "AG", "AH", "AJ", "AL", "AN", "AP", "AQ", "AR", "AS",
                                 "AT", "AU", "AW", "AX", "AY", "AZ", "BA", "BB", "BD", "BE", "BF", "BG"):
                        if seen >= count:
                            return seen
                        seen += 1
                        outward, inward = f"{area}{district}", f"{sector}{unit}"
                        row = [""] * len(NSPL_HEADER)
                        row[at["pcd"]], row[at["pcd2"]] = f"{outward:<4}{inward}", f"{outward:<5}{inward}"
                        row[at["pcds"]] = f"{outward} {inward}"
                        row[at["dointr"]] = "198001"
                        row[at["doterm"]] = "202001" if rng.random() < 0.2 else ""
                        row[at["laua"]] = f"E0{rng.choice('6789')}000{rng.randint(100, 999)}"
                        row[at["ward"]] = f"E05{rng.randint(0, 999999):06d}"
                        row[at["lsoa21"]] = f"E01{rng.randint(0, 999999):06d}"
                        row[at["msoa21"]] = f"E02{rng.randint(0, 999999):06d}"
                        row[at["oa21"]] = f"E00{rng.randint(0, 999999):06d}"
                        row[at["rgn"]], row[at["ctry"]] = f"E1200000{rng.randint(1, 9)}", "E92000001"
                        row[at["imd"]] = str(rng.randint(1, 32844))
                        row[at["lat"]], row[at["long"]] = f"{rng.uniform(50, 58):.6f}", f"{rng.uniform(-5, 1):.6f}"
                        row[at["oseast1m"]], row[at["osnrth1m"]] = str(rng.randint(100000, 600000)), str(rng.randint(100000, 900000))
                        writer.writerow(row)
    return seen


def plain_copy(owner_url: str, path: Path) -> float:
    """PostgreSQL's own COPY of the file into an unindexed table of text columns, one per column."""
    import psycopg

    with open(path, newline="", encoding="utf-8") as f:
        width = len(next(csv.reader(f)))
    with psycopg.connect(psycopg_url(owner_url)) as conn:
        conn.execute("DROP TABLE IF EXISTS copy_baseline")
        conn.execute(f"CREATE TABLE copy_baseline ({', '.join(f'c{i} text' for i in range(width))})")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor().copy("COPY copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                copy.write(chunk)
        conn.commit()
        took = time.perf_counter() - start
        conn.execute("DROP TABLE copy_baseline")
        conn.commit()
    return took


def ours(app, owner_url: str, register: str, path: Path) -> tuple[float, int]:
    from portal.extensions import db
    from portal.registers.loading import load_register

    with app.app_context():
        start = time.perf_counter()
        result = load_register(db.engine, register, path, None, owner_url=owner_url)
        return time.perf_counter() - start, result.rows_loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=5_700_000)
    parser.add_argument("--postcodes", type=int, default=2_700_000)
    parser.add_argument("--only", choices=("companies", "postcodes"))
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        app, owner_url, _app_url = fresh_app("bench_loaders", folder / "instance")
        runs = [("companies", args.companies, "BasicCompanyDataAsOneFile-2026-11-01.csv", write_companies_csv),
                ("postcodes", args.postcodes, "NSPL_NOV_2026_UK.csv", write_postcodes_csv)]
        for register, count, name, write in runs:
            if args.only and args.only != register:
                continue
            path = folder / name
            start = time.perf_counter()
            count = write(path, count)
            print(f"\n{register}: wrote {count:,} rows, {path.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - start:.0f} s")
            baseline = plain_copy(owner_url, path)
            took, loaded = ours(app, owner_url, register, path)
            print(f"  plain COPY into an unindexed text table: {baseline:7.1f} s")
            print(f"  load_register (read, key, COPY, index, swap): {took:7.1f} s  ({loaded:,} rows)")
            print(f"  ratio: {took / baseline:.2f}x (goal: within 3x)")
            path.unlink()


if __name__ == "__main__":
    main()
