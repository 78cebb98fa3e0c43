"""Import N contracts from a Transparency Code register against a COPY of the same rows into a table shaped like sv_contracts.

    .venv/bin/python bench/contracts_import.py [--contracts 50000] [--profile]

The register is generated in Salford's layout (its 24 columns, the mis-encoded BOM on the first
header, ISO dates, "Various" in a few SME flags, references repeated for extensions, a few
identical lines). It is the partner's first register, so ``check_import`` reads every line,
finds nothing held to compare with and writes the contracts in the same transaction (committed):
the whole of the import. A later register that differs waits for the officer; applying it
(``apply_import``) is measured with ``--next``: the same register with 1 line in 10 changed.

Baseline: the rows the import wrote, dumped from sv_contracts as they are, then COPYed into a
new table with sv_contracts' columns, constraints, indexes and foreign keys (copied from the
catalogue): what loading these rows costs in the table the product needs, without any checking.
Measured twice (before and after the import); the ratio is against the faster run.
Goal (issue 15): the import within 3x of that COPY.
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchdb import ADMIN_URL, demo_network, fresh_app, machine, psycopg_url

HEADER = ["\u00ef\u00bb\u00bfDirectorate Name", "Process Used", "Purchasing Body", "Contract Reference", "Contract Title",
          "Contract Description", "Supplier Company Name", "Supplier Postcode", "Annual Value",
          "Total Contract Value (including extensions)", "OJEU/FTS?", "Start Date", "End Date",
          "Contract Duration (months)", "Option to extend (months)", "How many extensions", "Extension 1 Taken?",
          "Extension 2 Taken?", "Current Expiry Date", "SME Supplier?", "ProClass Classification",
          "ProClass Description", "Company Number", "Visibility"]
DIRECTORATES = ("Place", "People", "Service Reform", "Public Health", "Regeneration")
PROCESSES = ("CSO Exception", "ITT", "Mini-Comp", "Other", "Direct Call-Off", "RFQ")
PROCLASS = (("270000", "Information Communication Technology"), ("390000", "Works - Construction, Repair & Maintenance"),
            ("321100", "Social Community Care Supplies & Services - Children"), ("190000", "Facilities & Management Services"))
WORDS = ("Highways", "Maintenance", "Framework", "Care", "Services", "Supply", "Repairs", "Schools", "Libraries", "ICT",
         "Support", "Cleaning", "Catering", "Surveys", "Transport", "Housing", "Parks", "Leisure", "Advice", "Training")
POSTCODES = ("M3 5AA", "M5 4WT", "M6 5AB", "M30 9PS", "BL4 0NN", "LA14 2TB", "BN43 5FG", "SK6 7GH", "B3 2JR", "M1 4HD")


def register_rows(count: int, seed: str = "contracts"):
    """Salford-shaped register lines: 1 in 20 an extension of the one before (same reference), 1 in 200 the same line again."""
    rng = random.Random(seed)
    previous = None
    for n in range(count):
        if previous and rng.random() < 0.005:
            yield previous
            continue
        start = date(2017, 4, 1) + timedelta(days=rng.randrange(2000))
        months = rng.choice((6, 12, 24, 36, 48, 60))
        end = start + timedelta(days=months * 30)
        annual = rng.randrange(5_000_00, 2_000_000_00) / 100
        extend = rng.choice((0, 0, 12, 24))
        code, label = rng.choice(PROCLASS)
        reference = previous[3] if previous and rng.random() < 0.05 else f"S{n + 1000}"
        supplier = rng.randrange(4000)
        row = [rng.choice(DIRECTORATES), rng.choice(PROCESSES), "Salford City Council", reference,
               " ".join(rng.sample(WORDS, 4)), " ".join(rng.sample(WORDS, 8)), f"Supplier {supplier} Ltd",
               POSTCODES[supplier % len(POSTCODES)], f"{annual:.2f}", f"{annual * (months + extend) / 12:.2f}",
               rng.choice(("Yes", "No", "No")), start.isoformat(), end.isoformat(), str(months), str(extend),
               str(extend // 12), "N/A", "N/A", end.isoformat(), rng.choice(("Yes", "No", "Yes", "No", "Various")),
               code, label, str(1_000_000 + supplier), "Public"]
        previous = row
        yield row


def write_register(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(register_rows(count))


def phase_timer(module, name: str, results: dict) -> None:
    """Time every call of module.name into results[name] (seconds, summed)."""
    original = getattr(module, name)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            results[name] = results.get(name, 0.0) + time.perf_counter() - start

    setattr(module, name, timed)


def portal_import(app, path: Path, profile: bool, sort: str = "tottime") -> tuple[int, int, dict, int]:
    """(council id, import id, seconds per step, contracts written)."""
    from portal.contract_registers import importing
    from portal.extensions import db
    from tenants import tenant_context

    seconds = {}
    phases: dict = {}
    from portal.contract_registers import writing

    for module, name in ((importing, "plan"), (writing, "apply_plan"), (writing, "insert_contracts"),
                         (writing, "find_suppliers")):
        phase_timer(module, name, phases)
    with app.app_context():
        _network, partners = demo_network(db.session)
        council = partners["council"]
        with tenant_context(council.id):
            with open(path, "rb") as stream:
                register_import = importing.store_upload(db.session, council, None, path.name, stream)
            register_import.column_mapping = importing.headers_and_guess(register_import)[1]
            db.session.commit()
            import_id = register_import.id
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            start = time.perf_counter()
            status = importing.check_import(db.session, import_id)
            db.session.commit()
            seconds["import"] = time.perf_counter() - start
            if profiler:
                profiler.disable()
            assert status == "imported", status
            written = db.session.get(importing.ContractRegisterImport, import_id).added_count
        council_id = council.id
        db.session.remove()
    seconds["phases"] = phases
    if profile:
        pstats.Stats(profiler).sort_stats(sort).print_stats(25)
    return council_id, import_id, seconds, written


def next_register(app, path: Path, tmp: Path, council_id: int) -> float:
    """Check and apply the register again with every tenth line's annual value changed; seconds for both."""
    from portal.contract_registers import importing
    from portal.extensions import db
    from tenants import tenant_context
    from tenants.models import Organisation

    changed = tmp / "next-month.csv"
    with open(path, encoding="utf-8", newline="") as source, open(changed, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for n, row in enumerate(csv.reader(source)):
            if n and n % 10 == 0:
                row[8] = f"{float(row[8]) + 1:.2f}"
            writer.writerow(row)
    with app.app_context():
        with tenant_context(council_id):
            with open(changed, "rb") as stream:
                register_import = importing.store_upload(
                    db.session, db.session.get(Organisation, council_id), None, changed.name, stream)
            register_import.column_mapping = importing.headers_and_guess(register_import)[1]
            db.session.commit()
            start = time.perf_counter()
            assert importing.check_import(db.session, register_import.id) == "checked"
            db.session.commit()
            assert importing.apply_import(db.session, register_import.id, None) == "imported"
            db.session.commit()
            took = time.perf_counter() - start
        db.session.remove()
    return took


def dump_contracts(database: str, import_id: int, path: Path) -> tuple[str, int]:
    """The rows the import wrote, as sv_contracts holds them (as the superuser: RLS is forced); (columns, rows)."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)
    with psycopg.connect(psycopg_url(admin)) as conn, conn.cursor() as cursor, open(path, "wb") as out:
        columns = ", ".join(row[0] for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'sv_contracts' AND column_name <> 'id' "
            "ORDER BY ordinal_position"))
        with cursor.copy(f"COPY (SELECT {columns} FROM sv_contracts WHERE register_import_id = {int(import_id)} "
                         "ORDER BY id) TO STDOUT WITH (FORMAT csv)") as copy:
            out.writelines(copy)
        count = conn.execute("SELECT count(*) FROM sv_contracts WHERE register_import_id = %s", (import_id,)).fetchone()[0]
    return columns, count


def shaped_copy(owner_url: str, columns: str, path: Path) -> tuple[int, float]:
    """COPY the dumped rows into an empty table shaped like sv_contracts; (rows, seconds of COPY and commit)."""
    import psycopg

    with psycopg.connect(psycopg_url(owner_url)) as conn:
        conn.execute("DROP TABLE IF EXISTS copy_contracts")
        conn.execute("DROP SEQUENCE IF EXISTS copy_contracts_id_seq")
        conn.execute("CREATE TABLE copy_contracts (LIKE sv_contracts INCLUDING CONSTRAINTS INCLUDING INDEXES)")
        conn.execute("CREATE SEQUENCE copy_contracts_id_seq OWNED BY copy_contracts.id")
        conn.execute("ALTER TABLE copy_contracts ALTER COLUMN id SET DEFAULT nextval('copy_contracts_id_seq')")
        foreign_keys = conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'sv_contracts'::regclass AND contype = 'f'"
        ).fetchall()
        for n, (definition,) in enumerate(foreign_keys):
            conn.execute(f"ALTER TABLE copy_contracts ADD CONSTRAINT copy_contracts_fk_{n} {definition}")
        shape = conn.execute(
            "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = 'copy_contracts'::regclass), "
            "(SELECT count(*) FROM pg_index WHERE indrelid = 'sv_contracts'::regclass)").fetchone()
        assert shape[0] == shape[1], f"copy_contracts has {shape[0]} indexes, sv_contracts {shape[1]}"
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cursor, open(path, "rb") as handle, cursor.copy(
            f"COPY copy_contracts ({columns}) FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            while chunk := handle.read(1024 * 1024):
                copy.write(chunk)
        conn.commit()
        seconds = time.perf_counter() - start
        count = conn.execute("SELECT count(*) FROM copy_contracts").fetchone()[0]
        conn.execute("DROP TABLE copy_contracts")
        conn.commit()
    return count, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=50_000)
    parser.add_argument("--database", default="bench_contracts_a")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    parser.add_argument("--sort", default="tottime", help="the profile's order (tottime, cumulative)")
    parser.add_argument("--next", action="store_true", help="also check and apply next month's register")
    args = parser.parse_args()
    print(f"{date.today()} on {machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-contracts-") as tmp:
        tmp = Path(tmp)
        path = tmp / "salford-shaped-register.csv"
        write_register(path, args.contracts)
        print(f"wrote a register of {args.contracts:,} lines ({path.stat().st_size / 1e6:.1f} MB)")
        app, owner_url, _app_url = fresh_app(args.database, tmp / "instance")
        council_id, import_id, seconds, written = portal_import(app, path, args.profile, args.sort)
        took = seconds["import"]
        phases = ", ".join(f"{name} {took:.2f}s" for name, took in seconds["phases"].items())
        print(f"portal import: {written:,} contracts in {took:.2f}s ({phases})")
        rows_path = tmp / "contracts.csv"
        columns, dumped = dump_contracts(args.database, import_id, rows_path)
        assert dumped == written == args.contracts, (dumped, written)
        copies = [shaped_copy(owner_url, columns, rows_path)[1] for _ in range(2)]
        print(f"baseline: COPY of the same {dumped:,} rows into a table shaped like sv_contracts: "
              f"{copies[0]:.2f}s, {copies[1]:.2f}s")
        print(f"ratio import / COPY, best of 2: {took / min(copies):.2f}x (goal, issue 15: within 3x)")
        if args.next:
            took = next_register(app, path, tmp, council_id)
            print(f"next month's register (1 line in 10 changed), checked then applied: {took:.2f}s, "
                  f"{took / min(copies):.2f}x the COPY of the whole register")


if __name__ == "__main__":
    main()
