"""Procurable spend by where suppliers are: by IMD decile and by ward, from the stored totals.

Shared by the partner's dashboard, the lead's network page and the public summary, so all
three count alike. Each takes the year's rows of one breakdown (a partner's SpendTotal or
the network's NetworkSpendTotal; the caller has already left out rows it may not show) and
returns table rows in pence, with shares of the year's procurable spend.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from portal.spend.queries import share

DECILES = tuple(str(n) for n in range(1, 11))
MOST_DEPRIVED = ("1", "2")  # the most deprived fifth of neighbourhoods
WARDS_SHOWN = 10
REST = "rest"  # the key of the row that sums the wards beyond the top ones


@dataclass(frozen=True)
class PlaceRow:
    """One decile or ward: procurable spend there (None: withheld), its share, the lines behind it."""

    key: str
    label: str
    procurable_pence: int | None
    share: Decimal | None
    line_args: dict | None = None


@dataclass(frozen=True)
class PlaceFigures:
    deciles: list[PlaceRow]  # 1 (most deprived) to 10, then "not known" when any
    most_deprived_pence: int | None  # deciles 1 and 2 together (None: withheld)
    most_deprived_share: Decimal | None
    wards: list[PlaceRow]  # the top wards by procurable spend, then the rest summed, then "not known"
    ward_count: int  # wards with procurable spend, "not known" aside
    withheld: int = 0  # rows not shown (public page: only one partner's spend in them)


def decile_label(key: str) -> str:
    if key == "":
        return "Not known"
    if key == "1":
        return "1 (most deprived)"
    if key == "10":
        return "10 (least deprived)"
    return key


def place_figures(
    decile_rows: Iterable,
    ward_rows: Iterable,
    procurable_pence: int,
    ward_names: dict[str, str],
    line_args: Callable[[str, str], dict] | None = None,
    withheld_keys: set[tuple[str, str]] = frozenset(),
    top: int = WARDS_SHOWN,
) -> PlaceFigures:
    """Deciles 1-10 (zero where nothing was spent), the top wards and the rest, each a share of ``procurable_pence``.

    ``withheld_keys`` holds ("imd" | "ward", key) of rows to show as withheld; a sum that
    would take in a withheld row (most deprived, the rest of the wards) is withheld too.
    """
    def args(breakdown, key):
        return line_args(breakdown, key) if line_args else None

    by_decile = {r.key: r.procurable_pence for r in decile_rows}
    deciles = []
    for key in (*DECILES, *([""] if by_decile.get("") else [])):
        hidden = ("imd", key) in withheld_keys
        pence = None if hidden else by_decile.get(key, 0)
        deciles.append(PlaceRow(key, decile_label(key), pence, share(pence, procurable_pence),
                                None if hidden or not pence else args("imd", key)))
    deprived = [by_decile.get(k, 0) for k in MOST_DEPRIVED]
    hidden = any(("imd", k) in withheld_keys for k in MOST_DEPRIVED)
    most_deprived = None if hidden else sum(deprived)

    wards = {r.key: r.procurable_pence for r in ward_rows if r.procurable_pence}
    unknown = wards.pop("", 0)
    shown = sorted((k for k in wards if ("ward", k) not in withheld_keys), key=lambda k: (-wards[k], k))
    rows = [PlaceRow(k, ward_names.get(k) or k, wards[k], share(wards[k], procurable_pence), args("ward", k))
            for k in shown[:top]]
    rest = shown[top:]
    if rest:
        pence = sum(wards[k] for k in rest)
        rows.append(PlaceRow(REST, f"{len(rest)} other ward{'' if len(rest) == 1 else 's'}", pence,
                             share(pence, procurable_pence)))
    if unknown and ("ward", "") not in withheld_keys:
        rows.append(PlaceRow("", "Ward not known", unknown, share(unknown, procurable_pence), args("ward", "")))
    withheld = sum(1 for b, _ in withheld_keys if b in ("imd", "ward"))
    return PlaceFigures(deciles, most_deprived, share(most_deprived, procurable_pence), rows, len(wards), withheld)
