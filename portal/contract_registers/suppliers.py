"""Find a register line's supplier in the network's supplier register: by company number, then by name.

Only suppliers already in the register are found; a line that finds none keeps the name as the
register gives it (``supplier_name_as_given``). "Various" and other words for no one supplier
never match. Where several suppliers fit, the oldest (lowest id) wins, as in
portal.suppliers.services.
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.spend.normalise import normalise_supplier_name
from portal.suppliers.models import Supplier

IN_CHUNK = 5000
NO_ONE = ("various", "various providers", "various suppliers", "various contractors", "tbc", "n a", "none")


@lru_cache(maxsize=65_536)
def name_key(name: str | None) -> str | None:
    """The normalised name a supplier is found by; None for no name or for "Various"."""
    if not name:
        return None
    try:
        key = normalise_supplier_name(name)
    except ValueError:
        return None
    return None if key in NO_ONE else key


def _chunks(values: list) -> list[list]:
    return [values[i:i + IN_CHUNK] for i in range(0, len(values), IN_CHUNK)]


def find_suppliers(session: Session, network_id: int, wanted: list[tuple[str | None, str | None]]) -> list[int | None]:
    """For each (company number, name) the id of the register's supplier, or None."""
    numbers = sorted({number for number, _ in wanted if number})
    names = sorted({key for _, name in wanted if (key := name_key(name))})
    by_number: dict[str, int] = {}
    by_name: dict[str, tuple[int, str | None]] = {}
    for chunk in _chunks(numbers):
        for supplier_id, number in session.execute(
            select(Supplier.id, Supplier.company_number)
            .where(Supplier.network_id == network_id, Supplier.company_number.in_(chunk)).order_by(Supplier.id)
        ):
            by_number.setdefault(number, supplier_id)
    for chunk in _chunks(names):
        for supplier_id, key, number in session.execute(
            select(Supplier.id, Supplier.normalised_name, Supplier.company_number)
            .where(Supplier.network_id == network_id, Supplier.normalised_name.in_(chunk)).order_by(Supplier.id)
        ):
            by_name.setdefault(key, (supplier_id, number))
    found = []
    for number, name in wanted:
        supplier_id = by_number.get(number) if number else None
        if supplier_id is None and (key := name_key(name)) and key in by_name:
            named_id, named_number = by_name[key]
            # A name is evidence only when the numbers do not disagree: two firms can share a name.
            if not (number and named_number and number != named_number):
                supplier_id = named_id
        found.append(supplier_id)
    return found
