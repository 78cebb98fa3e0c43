"""How often the scorer puts the firm a council actually chose at the top: a labelled set nobody here wrote.

    .venv/bin/python bench/matching_precision.py [--file ../shared/data/real/salford-contracts-2022-07.csv]

The label is Salford City Council's own contracts register (published under its transparency
duty): each contract names the firm that won it. For every firm with two or more contracts, one
contract (its latest) is held out as an "opportunity", and every firm in the register becomes a
"business" described only by its *other* contracts (titles, descriptions and ProClass
descriptions), placed by its postcode and sized by the register's SME flag. The scorer
(``portal.matching.scoring.Scorer``, the same code the nightly run uses) then ranks every firm
for each held-out contract. CPV codes are not in the register: both sides get the code that the
portal's own word suggestion (``portal.gaps.suggest``) finds for their ProClass descriptions.

Printed: how many held-out contracts there were; precision at 1 (the top match shown is the firm
that won); the share whose winner was among the first 5 and 10 matches shown; and the share with
no match shown at all. No database: it runs anywhere in a few seconds. The register is small
(360 lines), so read the figures as a floor and a trend, not a guarantee.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.gaps.suggest import suggest  # noqa: E402
from portal.matching.scoring import THRESHOLD, BusinessFacts, OpportunityFacts, Scorer  # noqa: E402
from portal.spend.normalise import normalise_supplier_name  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "salford-contracts-2022-07.csv"
# Salford's own postcode districts: the "local area" of this one-council network.
SALFORD = {"M3", "M5", "M6", "M7", "M27", "M28", "M30", "M38", "M44", "M50"}
SIZE = {"yes": "small", "no": "large"}


def _band(pence: int) -> str:
    for band, ceiling in (("under_10k", 10_000_00), ("10k_to_50k", 50_000_00), ("50k_to_214k", 214_000_00),
                          ("214k_to_1m", 1_000_000_00)):
        if pence < ceiling:
            return band
    return "over_1m"


def _pence(text: str) -> int:
    try:
        return int(round(float(re.sub(r"[£,\s]", "", text or "0") or 0) * 100))
    except ValueError:
        return 0


def read_register(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        rows = list(csv.reader(f))
    header = [re.sub(r"^\W*ï»¿", "", h).strip() for h in rows[0]]
    header[0] = "Directorate Name"
    out = []
    for n, row in enumerate(rows[1:], start=2):
        line = dict(zip(header, row))
        name = (line.get("Supplier Company Name") or "").strip()
        if not name:
            continue
        out.append({
            "line": n, "firm": normalise_supplier_name(name), "name": name,
            "title": line.get("Contract Title", ""), "description": line.get("Contract Description", ""),
            "proclass": line.get("ProClass Description", ""), "postcode": (line.get("Supplier Postcode") or "").upper(),
            "sme": (line.get("SME Supplier?") or "").strip().lower(), "start": line.get("Start Date", ""),
            "value": _pence(line.get("Total Contract Value (including extensions)", "")),
        })
    return out


_codes: dict[str, tuple[str, ...]] = {}


def codes_for(text: str) -> tuple[str, ...]:
    if text not in _codes:
        found = suggest(text) if text.strip() else None
        _codes[text] = (found.cpv_code,) if found else ()
    return _codes[text]


def build(lines: list[dict]):
    by_firm = defaultdict(list)
    for line in lines:
        by_firm[line["firm"]].append(line)
    firms = sorted(by_firm)
    ids = {firm: n for n, firm in enumerate(firms, start=1)}
    held_out = {firm: max(rows, key=lambda r: (r["start"], r["line"])) for firm, rows in by_firm.items() if len(rows) >= 2}
    businesses = []
    for firm in firms:
        known = [r for r in by_firm[firm] if r is not held_out.get(firm)]
        if not known:
            continue
        first = known[0]
        district = first["postcode"].split(" ")[0] if first["postcode"] else ""
        businesses.append(BusinessFacts(
            ids[firm], tuple(sorted({c for r in known for c in codes_for(r["proclass"])})), district, district in SALFORD,
            SIZE.get(first["sme"], "medium"),
            " ".join(f"{r['title']}. {r['description']}. {r['proclass']}." for r in known)))
    opportunities = [
        OpportunityFacts(ids[firm], 1, codes_for(line["proclass"]), (), _band(line["value"]),
                         f"{line['title']} {line['description']}", True, False)
        for firm, line in sorted(held_out.items())
    ]
    return businesses, opportunities, {ids[firm]: ids[firm] for firm in held_out}


def measure(path: Path) -> dict:
    lines = read_register(path)
    businesses, opportunities, winner = build(lines)
    ranked = defaultdict(list)
    for m in Scorer(businesses, opportunities).matches(THRESHOLD):
        ranked[m.opportunity_id].append((-m.score, m.business_id))
    top = {o.opportunity_id: [b for _, b in sorted(ranked.get(o.opportunity_id, []))] for o in opportunities}
    n = len(opportunities)
    shown_any = [o for o in top if top[o]]
    return {
        "contracts": len(lines), "firms": len({line["firm"] for line in lines}), "held_out": n,
        "precision_at_1": sum(1 for o in shown_any if top[o][0] == winner[o]) / len(shown_any) if shown_any else 0.0,
        "winner_in_top_5": sum(1 for o in top if winner[o] in top[o][:5]) / n if n else 0.0,
        "winner_in_top_10": sum(1 for o in top if winner[o] in top[o][:10]) / n if n else 0.0,
        "nothing_shown": (n - len(shown_any)) / n if n else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    result = measure(parser.parse_args().file)
    print(f"Salford contracts register: {result['contracts']} contracts, {result['firms']} firms; "
          f"{result['held_out']} contracts held out (firms with two or more)")
    print(f"precision at 1 (top match shown is the firm that won): {result['precision_at_1']:.2f}")
    print(f"winner among the first 5 matches shown:  {result['winner_in_top_5']:.2f}")
    print(f"winner among the first 10 matches shown: {result['winner_in_top_10']:.2f}")
    print(f"no match shown at all:                   {result['nothing_shown']:.2f}")


if __name__ == "__main__":
    main()
