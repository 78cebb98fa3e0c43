"""Matching a network's 30,000 suppliers against 5.7M companies on PostgreSQL (issue 13: under 60 s).

    .venv/bin/python bench/register_matching.py [--companies 5700000] [--suppliers 30000] [--reuse]

A fresh database ``bench_register_matching`` gets, by COPY as the table owner,
``register_companies`` and ``register_company_names`` filled with generated companies
shaped like the Companies House file: multi-word names whose first words follow a long
tail with a few very common ones ("london", "north west", "uk", "global" ...), trade words
after them, unique keys (Companies House refuses a name "the same as" another), a legal
form, and a previous name for 6% of them. Every key is checked against
``portal.registers.names.register_key`` on a sample, so the blocks are the loaders' blocks.

The network's supplier register then gets N suppliers: 40% a company's name as written
in the register or in another case, 20% a normalised variant (Ltd/Limited, "&"/"and",
"The ...", punctuation, "T/A ..."), 5% by a previous name, 15% with one typo (a fifth of
them in the first word, so outside the company's block), 5% with a company number, 15%
absent from the register. Timed, as the app role:

  1. ``portal.registers.matching.match_suppliers`` over the whole register, then commit;
  2. the same again (nothing changed: the nightly run after a quiet day);
  3. baseline, same run: a plain SQL exact-name join of the same suppliers to
     ``register_company_names`` (``SELECT s.id, n.company_number ... JOIN ... ON normalised_name``),
     every row fetched, best of 3.
Then how the suppliers came out (by method, review, unmatched) against what the generator made.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb

DATABASE = "bench_register_matching"
SEED = 13
# Frequent first words of company names (weights fall with rank); the rest come from a long tail.
COMMON = ["london", "uk", "global", "north", "south", "east", "west", "new", "green", "smart", "british", "first", "city", "royal", "premier", "elite", "prime", "united", "international", "one", "blue", "red", "golden", "park", "star", "apex", "direct", "pro", "total", "quality", "national", "central", "county", "northern", "southern", "western", "eastern", "great", "grand", "top", "best", "bright", "clear", "swift", "rapid", "express", "digital", "hill", "oak", "ash", "river", "lake", "bridge", "castle", "church", "abbey", "manor", "mill", "forest", "valley", "field", "stone", "rose"]
SURNAMES = ["smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "robinson", "wright", "thompson", "evans", "walker", "white", "roberts", "green", "hall", "wood", "jackson", "clarke", "patel", "khan", "lewis", "harris", "young", "king", "lee", "turner", "martin", "cooper", "hill", "ward", "morris", "moore", "clark", "baker", "harrison", "morgan", "allen", "james", "scott", "phillips", "watson", "davis", "parker", "price", "bennett"]
TRADES = ["building", "services", "consulting", "solutions", "holdings", "properties", "care", "construction", "logistics", "engineering", "trading", "group", "design", "media", "developments", "management", "investments", "cleaning", "plumbing", "electrical", "roofing", "transport", "foods", "motors", "homes", "estates", "technology", "systems", "digital", "associates", "partners", "enterprises", "ventures", "contractors", "maintenance", "supplies", "recruitment", "training", "healthcare", "interiors", "landscapes", "security", "catering", "print", "studio", "software", "networks", "energy", "environmental", "scaffolding", "joinery", "glazing", "flooring", "fencing"]
FORMS = ("LIMITED", "LTD", "LIMITED", "LIMITED", "PLC", "LLP")
SYLLABLES = ["ba", "be", "bi", "bo", "bu", "da", "de", "di", "do", "ka", "ke", "ki", "ko", "la", "le", "li", "lo", "lu", "ma", "me", "mi", "mo", "na", "ne", "ni", "no", "ra", "re", "ri", "ro", "ru", "sa", "se", "si", "so", "ta", "te", "ti", "to", "va", "ve", "vi", "wa", "we", "bra", "bri", "dra", "fra", "gra", "kra", "pra", "tra", "bel", "ben", "ber", "cal", "can", "car", "cor", "dal", "den", "dor", "fal", "fen", "gan", "gar", "hal", "han", "har", "kel", "ken", "lan", "lar", "lin", "mal", "man", "mar", "mer", "nor", "pan", "par", "pel", "ran", "rin", "sal", "san", "sel", "tal", "tan", "ter", "ton", "val", "van", "ven", "wel", "wen", "win"]


def tail_words(rng: random.Random, count: int) -> list[str]:
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4)))))
    return sorted(words)


class Names:
    """Company keys as the loaders store them (lower case, no legal form), and register names for them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.tail = tail_words(rng, 150_000)
        self.common_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(COMMON))]
        self.seen: set[str] = set()

    def first(self) -> list[str]:
        roll = self.rng.random()
        if roll < 0.22:
            return self.rng.choices(COMMON, self.common_weights)[0].split()
        if roll < 0.32:
            return [self.rng.choice(SURNAMES)]
        if roll < 0.36:  # initials: "j smith ...", a two-word block
            return [self.rng.choice("abcdefghjklmnprstw"), self.rng.choice(SURNAMES)]
        return [self.rng.choice(self.tail)]

    def key(self) -> str:
        rng = self.rng
        while True:
            words = self.first()
            if words[0] in ("north", "south", "east", "west") and rng.random() < 0.4:
                words.append(rng.choice(("east", "west")))
            if rng.random() < 0.35:
                words.append(rng.choice(self.tail))
            trades = rng.sample(TRADES, rng.choice((1, 1, 2, 2, 3)))
            if len(trades) > 1 and rng.random() < 0.15:
                trades.insert(len(trades) - 1, "and")
            key = " ".join(words + trades)
            if key not in self.seen:
                self.seen.add(key)
                return key

    def register_name(self, key: str) -> str:
        return f"{key.upper()} {self.rng.choice(FORMS)}"


def write_registers(owner_url: str, companies: int, rng: random.Random) -> None:
    """COPY the generated companies (one connection) and their names (another) in one pass, as the owner."""
    import psycopg

    from portal.registers.names import block_of, register_key

    names = Names(rng)
    url = benchdb.psycopg_url(owner_url)
    with psycopg.connect(url, autocommit=True) as conn, psycopg.connect(url, autocommit=True) as names_conn:
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('register_companies', 'register_company_names') "
            "AND indexname NOT LIKE 'pk_%'").fetchall()
        conn.execute("TRUNCATE register_companies, register_company_names")
        for index, _ in indexes:
            conn.execute(f"DROP INDEX {index}")
        name_id = checked = 0
        with conn.cursor() as cur, names_conn.cursor() as names_cur, \
                cur.copy("COPY register_companies (company_number, name, postcode, address, category, status, "
                         "accounts_category) FROM STDIN") as companies_copy, \
                names_cur.copy("COPY register_company_names (id, company_number, normalised_name, block, is_current) "
                               "FROM STDIN") as names_copy:
            rows, name_rows = [], []
            for n in range(1, companies + 1):
                key = names.key()
                name = names.register_name(key)
                if checked < 20_000 and n % 7 == 0:
                    # The keys are the loaders' keys: register_key of the register's name gives this key and block.
                    assert register_key(name) == (key, block_of(key)), (name, key)
                    checked += 1
                number = f"{n:08d}"
                postcode = f"{rng.choice(('S', 'LS', 'M', 'B', 'HX', 'SW'))}{rng.randint(1, 60)} {rng.randint(1, 9)}AA"
                rows.append(f"{number}\t{name}\t{postcode}\t1 High Street\tPrivate Limited Company\tActive\tSMALL\n")
                name_id += 1
                name_rows.append(f"{name_id}\t{number}\t{key}\t{block_of(key)}\tt\n")
                if rng.random() < 0.06:
                    old = names.key()
                    name_id += 1
                    name_rows.append(f"{name_id}\t{number}\t{old}\t{block_of(old)}\tf\n")
                if len(rows) == 20_000:
                    companies_copy.write("".join(rows))
                    names_copy.write("".join(name_rows))
                    rows, name_rows = [], []
            companies_copy.write("".join(rows))
            names_copy.write("".join(name_rows))
        print(f"  copied ({time.strftime('%H:%M:%S')}); indexing", flush=True)
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute("ANALYZE register_companies")
        conn.execute("ANALYZE register_company_names")


def sample_registers(owner_url: str) -> dict:
    """Companies' current and previous names to draw suppliers from (about 3% of the register, at random)."""
    import psycopg

    with psycopg.connect(benchdb.psycopg_url(owner_url)) as conn:
        conn.execute("SELECT setseed(0.13)")
        current = conn.execute(
            "SELECT c.company_number, n.normalised_name, c.name FROM register_company_names n TABLESAMPLE BERNOULLI (3) "
            "REPEATABLE (13) JOIN register_companies c USING (company_number) WHERE n.is_current ORDER BY n.id").fetchall()
        previous = conn.execute(
            "SELECT n.company_number, n.normalised_name, upper(n.normalised_name) || ' LIMITED' "
            "FROM register_company_names n TABLESAMPLE BERNOULLI (3) REPEATABLE (13) WHERE NOT n.is_current ORDER BY n.id").fetchall()
    return {"current": current, "previous": previous}


def typo(rng: random.Random, key: str, in_first_word: bool) -> str:
    words = key.split()
    index = 0 if in_first_word else rng.randrange(1, len(words))
    word = words[index]
    if len(word) < 4:
        return key + "s"
    at = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("drop", "swap", "double"))
    if edit == "drop":
        word = word[:at] + word[at + 1:]
    elif edit == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    else:
        word = word[:at] + word[at] + word[at:]
    words[index] = word
    return " ".join(words)


def variant(rng: random.Random, name: str) -> str:
    form = name.rsplit(" ", 1)
    base = form[0].title()
    choice = rng.randrange(5)
    if choice == 0:
        return base + " Ltd."
    if choice == 1:
        return (base.replace(" And ", " & ") if " And " in base else "The " + base) + " Limited"
    if choice == 2:
        return base.replace(" ", ", ", 1) + " Limited"
    if choice == 3:
        return base + " Ltd T/A " + rng.choice(TRADES).title() + " Direct"
    return base.upper() + " (" + form[-1] + ")"


def make_suppliers(sample: dict, count: int, rng: random.Random, absent: Names) -> list[tuple[str, str | None, str]]:
    """(name, company number, what it should be) for each supplier."""
    current = rng.sample(sample["current"], min(len(sample["current"]), count))
    previous = list(sample["previous"])
    rng.shuffle(previous)
    out = []
    for n in range(count):
        number, key, name = current[n % len(current)]
        roll = rng.random()
        if roll < 0.40:
            out.append((name if rng.random() < 0.5 else name.title(), None, "exact"))
        elif roll < 0.60:
            out.append((variant(rng, name), None, "variant"))
        elif roll < 0.65 and previous:
            _, _old_key, old_name = previous.pop()
            out.append((old_name, None, "previous"))
        elif roll < 0.80:
            out.append((typo(rng, key, rng.random() < 0.2).upper() + " LTD", None, "typo"))
        elif roll < 0.85:
            out.append((f"Supplier {n}", number, "number"))
        else:
            out.append((absent.key().title() + " Services", None, "absent"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=5_700_000)
    parser.add_argument("--suppliers", type=int, default=30_000)
    parser.add_argument("--reuse", action="store_true", help="keep the loaded registers of the last run")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the first run")
    args = parser.parse_args()

    from sqlalchemy import delete, insert, select

    from portal.extensions import db
    from portal.registers.matching import match_suppliers
    from portal.spend.normalise import normalise_supplier_name
    from portal.suppliers.models import Supplier, SupplierRegisterCandidate
    from tenants.models import Network

    print(benchdb.machine())
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as instance:
        app, owner_url, app_url = benchdb.fresh_app(DATABASE, Path(instance), fresh=not args.reuse)
        started = time.perf_counter()
        if not args.reuse:
            print(f"generating and copying {args.companies:,} companies ...", flush=True)
            write_registers(owner_url, args.companies, rng)
            print(f"registers loaded in {time.perf_counter() - started:.0f} s", flush=True)
        sample = sample_registers(owner_url)
        suppliers = make_suppliers(sample, args.suppliers, random.Random(SEED + 3), Names(random.Random(SEED + 4)))
        expected = Counter(kind for _, _, kind in suppliers)

        with app.app_context():
            session = db.session
            network = session.scalar(select(Network).where(Network.name == "Bench network"))
            if network is None:
                network = Network(name="Bench network", slug="bench-network", local_area=["S60"])
                session.add(network)
                session.commit()
            session.execute(delete(SupplierRegisterCandidate).where(SupplierRegisterCandidate.network_id == network.id))
            session.execute(delete(Supplier).where(Supplier.network_id == network.id))
            session.execute(insert(Supplier), [
                {"network_id": network.id, "name": name, "normalised_name": normalise_supplier_name(name),
                 "company_number": number}
                for name, number, _ in suppliers
            ])
            session.commit()
            kinds = dict(zip(session.scalars(select(Supplier.id).where(Supplier.network_id == network.id).order_by(Supplier.id)),
                             (kind for _, _, kind in suppliers)))

            timings = {}
            start = time.perf_counter()
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                report = profiler.runcall(match_suppliers, session, network)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            else:
                report = match_suppliers(session, network)
            session.commit()
            timings["first"] = time.perf_counter() - start
            start = time.perf_counter()
            again = match_suppliers(session, network)
            session.commit()
            timings["again"] = time.perf_counter() - start
            outcome = _outcome(session, network, kinds)

        import psycopg

        baseline = []
        with psycopg.connect(benchdb.psycopg_url(app_url)) as conn:
            for _ in range(3):
                start = time.perf_counter()
                rows = conn.execute(
                    "SELECT s.id, n.company_number FROM suppliers s JOIN register_company_names n "
                    "ON n.normalised_name = s.normalised_name WHERE s.network_id = %s", (network.id,)).fetchall()
                baseline.append(time.perf_counter() - start)
        best = min(baseline)
    print(f"\n{args.suppliers:,} suppliers against {args.companies:,} companies; made: {dict(expected)}")
    print(f"match_suppliers, first run:       {timings['first']:.1f} s  (changed {len(report.changed_ids):,}, "
          f"by method {dict(report.matched)}, to review {len(report.to_review):,}, conflicts {len(report.conflicts):,}, "
          f"unmatched {report.unmatched:,}, fuzzy comparisons {report.comparisons:,})")
    print(f"match_suppliers, again (no change): {timings['again']:.1f} s  (changed {len(again.changed_ids):,})")
    print(f"baseline, exact-name SQL join:    {best:.2f} s  ({len(rows):,} rows; runs {', '.join(f'{t:.2f}' for t in baseline)})")
    print(f"ratio first run / baseline:       {timings['first'] / best:.1f}x   goal: under 60 s -> "
          f"{'met' if timings['first'] < 60 else 'NOT met'}")
    print("\nhow each kind of supplier came out (method or review/none):")
    for kind, counts in sorted(outcome.items()):
        print(f"  {kind:9} {dict(counts)}")


def _outcome(session, network, kinds: dict) -> dict:
    from sqlalchemy import select

    from portal.suppliers.models import Supplier, SupplierRegisterCandidate

    waiting = set(session.scalars(select(SupplierRegisterCandidate.supplier_id).where(
        SupplierRegisterCandidate.network_id == network.id, SupplierRegisterCandidate.status == "pending")))
    outcome: dict[str, Counter] = {}
    for supplier_id, method in session.execute(select(Supplier.id, Supplier.match_method).where(Supplier.network_id == network.id)):
        result = method or ("review" if supplier_id in waiting else "none")
        outcome.setdefault(kinds[supplier_id], Counter())[result] += 1
    return outcome


if __name__ == "__main__":
    main()
