"""Reading register entries in bulk: by number, by exact normalised name, and by block.

Every lookup takes many keys at once and runs a few IN queries (chunked, so SQLite's
limit on bound values is never reached): the matcher never asks once per supplier.
An ``Entity`` is what a supplier is matched to: one company, charity or society, or a
charitable company seen in both registers (a charity row's company number ties the two).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Integer, String, and_, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from portal.spend.normalise import normalise_postcode

from .models import RegisterCharity, RegisterCompany, RegisterCompanyName, RegisterMutual

# Values per IN (...): well under SQLite's 32,766 bound values, and a plan PostgreSQL keeps on the index.
IN_CHUNK = 5000
# A status containing one of these means the entry no longer trades: Companies House
# "Dissolved" and "Converted / Closed", the Charity Commission's "Removed", the FCA's "Cancelled".
# "Active - Proposal to Strike off", "Liquidation" and "In Administration" still exist, so count as live.
_ENDED = ("dissolved", "removed", "closed", "cancelled", "deregistered")


def chunks(values: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def one_of(session: Session, column, values: list):
    """``column IN values``; on PostgreSQL ``column = ANY(:array)``, one parameter however many values
    (thousands of placeholders cost psycopg more to send than the index costs to search)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(String)))
    return column.in_(values)


def is_live(status: str | None) -> bool:
    """A register entry that still trades; an entry with no status is taken as live (the bulk
    company file holds live companies only)."""
    return not status or not any(word in status.lower() for word in _ENDED)


def clean_postcode(postcode: str | None) -> str | None:
    """The register's postcode in the form suppliers keep (one space, capitals), or None if it is not one."""
    if not postcode:
        return None
    try:
        return normalise_postcode(postcode)
    except ValueError:
        return None


@dataclass(frozen=True)
class Entry:
    """One row of one register, as the matcher and the review page need it."""

    register: str  # "companies", "charities" or "mutuals"
    number: str
    name: str
    postcode: str | None
    status: str | None
    address: str | None = None
    # A charity's company number (a charitable company is in both registers).
    company_number: str | None = None

    @property
    def live(self) -> bool:
        return is_live(self.status)


@dataclass
class Entity:
    """What a supplier is matched to: its entries in one, two or three registers."""

    entries: dict[str, Entry] = field(default_factory=dict)

    @property
    def numbers(self) -> dict[str, str | None]:
        """The entity's number in each register (a charity's company number counts for companies)."""
        company = self.entries.get("companies")
        charity = self.entries.get("charities")
        mutual = self.entries.get("mutuals")
        return {
            "companies": company.number if company else (charity.company_number if charity else None),
            "charities": charity.number if charity else None,
            "mutuals": mutual.number if mutual else None,
        }

    @property
    def key(self) -> tuple:
        numbers = self.numbers
        return (numbers["companies"], numbers["charities"], numbers["mutuals"])

    @property
    def live(self) -> bool:
        return any(entry.live for entry in self.entries.values())

    @property
    def primary(self) -> Entry:
        """The entry the lead sees first and the candidate row names: the company, else the charity, else the society."""
        for register in ("companies", "charities", "mutuals"):
            if register in self.entries:
                return self.entries[register]
        raise ValueError("an entity has at least one entry")

    @property
    def place(self) -> Entry | None:
        """The entry whose postcode places the supplier: the registered office first, then the charity's, then the society's."""
        for register in ("companies", "charities", "mutuals"):
            entry = self.entries.get(register)
            if entry is not None and entry.postcode:
                return entry
        return None

    def pairs(self) -> set[tuple[str, str]]:
        return {(entry.register, entry.number) for entry in self.entries.values()}


def entities_of(entries: Iterable[Entry], companies: dict[str, Entry] | None = None) -> list[Entity]:
    """Group entries into entities: a charity whose company number is among them (or in ``companies``) joins that company."""
    by_key: dict[tuple, Entity] = {}
    entries = list(entries)
    company_numbers = {e.number for e in entries if e.register == "companies"}
    for entry in sorted(entries, key=lambda e: ("companies", "charities", "mutuals").index(e.register)):
        if entry.register == "companies":
            key = ("company", entry.number)
        elif entry.register == "charities" and entry.company_number and (
            entry.company_number in company_numbers or (companies and entry.company_number in companies)
        ):
            key = ("company", entry.company_number)
        else:
            key = (entry.register, entry.number)
        entity = by_key.setdefault(key, Entity())
        entity.entries.setdefault(entry.register, entry)
        if key[0] == "company" and "companies" not in entity.entries and companies and key[1] in companies:
            entity.entries["companies"] = companies[key[1]]
    return list(by_key.values())


def _company_entry(row) -> Entry:
    return Entry("companies", row.company_number, row.name, clean_postcode(row.postcode), row.status, row.address)


def _charity_entry(row) -> Entry:
    return Entry("charities", row.charity_number, row.name, clean_postcode(row.postcode), row.status,
                 company_number=row.company_number)


def _mutual_entry(row) -> Entry:
    return Entry("mutuals", row.mutual_number, row.name, clean_postcode(row.postcode), row.status,
                 address=row.society_type)


_COMPANY_COLUMNS = (RegisterCompany.company_number, RegisterCompany.name, RegisterCompany.postcode,
                    RegisterCompany.status, RegisterCompany.address)
_CHARITY_COLUMNS = (RegisterCharity.charity_number, RegisterCharity.name, RegisterCharity.postcode,
                    RegisterCharity.status, RegisterCharity.company_number)
_MUTUAL_COLUMNS = (RegisterMutual.mutual_number, RegisterMutual.name, RegisterMutual.postcode,
                   RegisterMutual.status, RegisterMutual.society_type)


def companies_by_number(session: Session, numbers: Iterable[str]) -> dict[str, Entry]:
    found = {}
    for chunk in chunks(sorted(set(numbers))):
        for row in session.execute(select(*_COMPANY_COLUMNS).where(one_of(session, RegisterCompany.company_number, chunk))):
            found[row.company_number] = _company_entry(row)
    return found


def charities_by_number(session: Session, numbers: Iterable[str]) -> dict[str, Entry]:
    found = {}
    for chunk in chunks(sorted(set(numbers))):
        for row in session.execute(select(*_CHARITY_COLUMNS).where(one_of(session, RegisterCharity.charity_number, chunk))):
            found[row.charity_number] = _charity_entry(row)
    return found


def mutuals_by_number(session: Session, numbers: Iterable[str]) -> dict[str, Entry]:
    found = {}
    for chunk in chunks(sorted(set(numbers))):
        for row in session.execute(select(*_MUTUAL_COLUMNS).where(one_of(session, RegisterMutual.mutual_number, chunk))):
            found[row.mutual_number] = _mutual_entry(row)
    return found


def entry_of(session: Session, register: str, number: str) -> Entry | None:
    """One entry by its register and number (the review page's candidates)."""
    lookup = {"companies": companies_by_number, "charities": charities_by_number, "mutuals": mutuals_by_number}[register]
    return lookup(session, [number]).get(number)


@dataclass(frozen=True)
class NamedEntries:
    """Entries whose normalised name is one of the keys asked for, by key."""

    current: dict[str, list[Entry]]
    previous: dict[str, list[Entry]]


def entries_by_name(session: Session, keys: Iterable[str]) -> NamedEntries:
    """Every company (current and previous names), charity and society whose normalised name is one of ``keys``."""
    names = RegisterCompanyName.__table__
    companies = RegisterCompany.__table__
    charities, mutuals = RegisterCharity.__table__, RegisterMutual.__table__
    connection = session.connection()
    current: dict[str, list[Entry]] = {}
    previous: dict[str, list[Entry]] = {}
    for chunk in chunks(sorted(set(keys))):
        rows = connection.execute(
            select(names.c.normalised_name, names.c.is_current, *(companies.c[c.key] for c in _COMPANY_COLUMNS))
            .join(companies, companies.c.company_number == names.c.company_number)
            .where(one_of(session, names.c.normalised_name, chunk))
        ).all()
        for row in rows:
            (current if row.is_current else previous).setdefault(row.normalised_name, []).append(_company_entry(row))
        for row in connection.execute(
            select(charities.c.normalised_name, *(charities.c[c.key] for c in _CHARITY_COLUMNS))
            .where(one_of(session, charities.c.normalised_name, chunk))
        ).all():
            current.setdefault(row.normalised_name, []).append(_charity_entry(row))
        for row in connection.execute(
            select(mutuals.c.normalised_name, *(mutuals.c[c.key] for c in _MUTUAL_COLUMNS))
            .where(one_of(session, mutuals.c.normalised_name, chunk))
        ).all():
            current.setdefault(row.normalised_name, []).append(_mutual_entry(row))
    # A company's current name is sometimes also listed among its previous ones: one listing is enough.
    for key, entries in previous.items():
        have = {(e.register, e.number) for e in current.get(key, [])}
        previous[key] = [e for e in entries if (e.register, e.number) not in have]
    return NamedEntries(current, previous)


def names_in_blocks(session: Session, lengths: dict[str, tuple[int, int]]) -> dict[str, list[tuple[str, str, str]]]:
    """(register, number, normalised name) of the current names of companies, charities and societies in each
    block whose length lies in the block's (shortest, longest): fuzzy matching's only candidates.

    ``lengths`` maps each block to the name lengths worth reading (a name outside them cannot
    score enough, see matching.py). On PostgreSQL the bounds go in with the blocks (an
    ``unnest`` of three arrays joined on the block index), so a common first word's block is
    not read whole; elsewhere the block is read and the lengths checked here. Read through
    Core, as plain tuples: ORM rows or a dataclass each cost more than scoring them does.
    """
    names, charities, mutuals = RegisterCompanyName.__table__, RegisterCharity.__table__, RegisterMutual.__table__
    connection = session.connection()
    postgresql = connection.dialect.name == "postgresql"
    found: dict[str, list[tuple[str, str, str]]] = {}
    for chunk in chunks(sorted(lengths)):
        if postgresql:
            wanted = func.unnest(
                bindparam(None, chunk, type_=ARRAY(String)),
                bindparam(None, [lengths[b][0] for b in chunk], type_=ARRAY(Integer)),
                bindparam(None, [lengths[b][1] for b in chunk], type_=ARRAY(Integer)),
            ).table_valued("block", "shortest", "longest").render_derived(with_types=False)

            def within(table, wanted=wanted):
                return table.join(wanted, and_(table.c.block == wanted.c.block, func.length(table.c.normalised_name)
                                              .between(wanted.c.shortest, wanted.c.longest)))
        else:
            def within(table, chunk=chunk):
                return table

        queries = (
            ("companies", select(names.c.block, names.c.company_number, names.c.normalised_name)
             .select_from(within(names)).where(one_of(session, names.c.block, chunk), names.c.is_current.is_(True))),
            ("charities", select(charities.c.block, charities.c.charity_number, charities.c.normalised_name)
             .select_from(within(charities)).where(one_of(session, charities.c.block, chunk))),
            ("mutuals", select(mutuals.c.block, mutuals.c.mutual_number, mutuals.c.normalised_name)
             .select_from(within(mutuals)).where(one_of(session, mutuals.c.block, chunk))),
        )
        for register, query in queries:
            for block, number, name in connection.execute(query).all():
                shortest, longest = lengths[block]
                if not shortest <= len(name) <= longest:
                    continue
                entry = (register, number, name)
                try:
                    found[block].append(entry)
                except KeyError:
                    found[block] = [entry]
    return found


def entries_for(session: Session, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Entry]:
    """Full entries for (register, number) pairs, with the companies charities name (to make entities)."""
    wanted: dict[str, set[str]] = {"companies": set(), "charities": set(), "mutuals": set()}
    for register, number in pairs:
        wanted[register].add(number)
    charities = charities_by_number(session, wanted["charities"])
    wanted["companies"] |= {e.company_number for e in charities.values() if e.company_number}
    companies = companies_by_number(session, wanted["companies"])
    mutuals = mutuals_by_number(session, wanted["mutuals"])
    found = {("companies", n): e for n, e in companies.items()}
    found.update({("charities", n): e for n, e in charities.items()})
    found.update({("mutuals", n): e for n, e in mutuals.items()})
    return found
