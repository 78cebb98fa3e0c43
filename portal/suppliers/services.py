"""Resolving partners' spellings to one supplier, and the lead's merges and splits."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tenants import network_wide
from tenants.models import Network, Organisation, utcnow

from .models import Supplier, SupplierAlias, SupplierMatchCandidate

# token_sort_ratio at or above this sends a pair to the lead's review queue.
FUZZY_THRESHOLD = 90
# Near matches queued per new supplier, best first.
FUZZY_LIMIT = 5
# Values per IN (...) when the bulk resolver loads what the register knows (SQLite allows 32,766).
IN_CHUNK = 5000
# Scores the bulk resolver holds at once (float64, 4 MB): new names x the network's names, per slice.
FUZZY_CELLS = 500_000


def is_local(postcode_district: str | None, local_area: set[str], override: bool | None) -> bool | None:
    """The lead's override if set; otherwise local when the district is in the area; None if unknown."""
    if override is not None:
        return override
    if not postcode_district:
        return None
    return postcode_district in local_area


@dataclass(frozen=True)
class SupplierKey:
    """What a line says about its supplier, already normalised."""

    name: str
    normalised_name: str
    postcode: str | None = None
    postcode_district: str | None = None
    company_number: str | None = None
    charity_number: str | None = None
    vcse: bool | None = None

    @property
    def alias_key(self) -> tuple[str, str]:
        return (self.normalised_name, self.postcode or "")


@dataclass
class SupplierResolver:
    """Finds or creates register entries for an import, remembering what it resolved.

    Order of evidence: an alias seen before (same spelling and postcode), the
    company number, the charity number, the normalised name with the postcode
    (or the one supplier of that name when no postcode is given); otherwise a
    new supplier, with near-identical names queued for the lead to review.
    Where several suppliers fit, the oldest (lowest id) wins.

    ``resolve`` takes one key (the single-line form); ``resolve_all`` takes a whole
    import's keys in file order and gives the same results as calling ``resolve`` on
    each in turn, with a handful of set-based statements instead of several round trips
    per supplier (tests/spend/test_importing.py compares the two).
    """

    session: Session
    network: Network
    _aliases: dict = field(default_factory=dict)
    _names: dict | None = None

    def __post_init__(self):
        self.area = set(self.network.local_area or [])

    def resolve(self, key: SupplierKey) -> tuple[int, int]:
        """(supplier id, alias id) for this key."""
        cached = self._aliases.get(key.alias_key)
        if cached:
            return cached
        alias = self.session.scalar(
            select(SupplierAlias).where(
                SupplierAlias.network_id == self.network.id,
                SupplierAlias.normalised_name == key.normalised_name,
                SupplierAlias.postcode == (key.postcode or ""),
            )
        )
        if alias is not None:
            supplier = self.session.get(Supplier, alias.supplier_id)
            self._learn(supplier, key)
        else:
            supplier = self._find_supplier(key)
            if supplier is None:
                supplier = self._create(key)
            else:
                self._learn(supplier, key)
            alias = SupplierAlias(
                network_id=self.network.id, supplier_id=supplier.id, name_as_given=key.name[:300],
                normalised_name=key.normalised_name, postcode=key.postcode or "",
            )
            self.session.add(alias)
            self.session.flush()
        result = (supplier.id, alias.id)
        self._aliases[key.alias_key] = result
        return result

    def _find_supplier(self, key: SupplierKey) -> Supplier | None:
        in_network = select(Supplier).where(Supplier.network_id == self.network.id).order_by(Supplier.id)
        if key.company_number:
            found = self.session.scalar(in_network.where(Supplier.company_number == key.company_number))
            if found:
                return found
        if key.charity_number:
            found = self.session.scalar(in_network.where(Supplier.charity_number == key.charity_number))
            if found:
                return found
        same_name = in_network.where(Supplier.normalised_name == key.normalised_name)
        if key.postcode:
            return self.session.scalar(same_name.where(Supplier.postcode == key.postcode)) or self.session.scalar(
                same_name.where(Supplier.postcode.is_(None))
            )
        matches = self.session.scalars(same_name.limit(2)).all()
        return matches[0] if len(matches) == 1 else None

    def _create(self, key: SupplierKey) -> Supplier:
        supplier = Supplier(
            network_id=self.network.id, name=key.name[:300], normalised_name=key.normalised_name,
            company_number=key.company_number, charity_number=key.charity_number, postcode=key.postcode,
            postcode_district=key.postcode_district, kind="vcse" if key.vcse else ("private" if key.company_number else "unknown"),
            place_source=_from_file(key),
        )
        supplier.is_local = is_local(supplier.postcode_district, self.area, None)
        self.session.add(supplier)
        self.session.flush()
        self._queue_near_matches(supplier)
        return supplier

    def _learn(self, supplier: Supplier, key: SupplierKey) -> None:
        """Fill what the register did not know yet; never overwrite what it did."""
        if key.postcode and not supplier.postcode:
            supplier.postcode, supplier.postcode_district = key.postcode, key.postcode_district
            supplier.place_source = "spend_file"
            supplier.is_local = is_local(supplier.postcode_district, self.area, supplier.local_override)
        if key.company_number and not supplier.company_number:
            supplier.company_number = key.company_number
        if key.charity_number and not supplier.charity_number:
            supplier.charity_number = key.charity_number
        if key.vcse and supplier.kind == "unknown":
            supplier.kind = "vcse"

    def _queue_near_matches(self, supplier: Supplier) -> None:
        if self._names is None:
            self._names = dict(
                self.session.execute(
                    select(Supplier.id, Supplier.normalised_name)
                    .where(Supplier.network_id == self.network.id, Supplier.id != supplier.id)
                    .order_by(Supplier.id)
                ).all()
            )
        for _, score, other_id in process.extract(
            supplier.normalised_name, self._names, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD,
            limit=FUZZY_LIMIT,
        ):
            low, high = sorted((supplier.id, other_id))
            self.session.add(SupplierMatchCandidate(network_id=self.network.id, supplier_id=low, candidate_id=high, score=score))
        self._names[supplier.id] = supplier.normalised_name


    # --- a whole import's keys at once ----------------------------------------------------

    def resolve_all(self, keys: Iterable[SupplierKey]) -> list[tuple[int, int]]:
        """(supplier id, alias id) for each key, as ``resolve`` would give them one by one in this order.

        The register is read with a few IN queries (aliases by the keys' names; suppliers
        by those aliases, company numbers, charity numbers and names), the rules run in
        memory in the keys' order (so a supplier created or completed by one key is found
        by the next, as before), then new suppliers and aliases go in with one INSERT ...
        RETURNING each, completed suppliers with one executemany UPDATE, and the new
        suppliers' near matches are scored against the network's names in one ``cdist``.
        """
        keys = list(keys)
        pending = [key for key in keys if key.alias_key not in self._aliases]
        if pending:
            self._resolve_in_bulk(pending)
        return [self._aliases[key.alias_key] for key in keys]

    def _resolve_in_bulk(self, keys: list[SupplierKey]) -> None:
        session, network_id = self.session, self.network.id
        session.flush()  # anything resolve() left pending is then visible to the queries below
        names = {key.normalised_name for key in keys}
        companies = {key.company_number for key in keys if key.company_number}
        charities = {key.charity_number for key in keys if key.charity_number}

        aliases = {}  # alias key -> (supplier id, alias id)
        for chunk in _chunks(names):
            for alias_id, supplier_id, name, postcode in session.execute(
                select(SupplierAlias.id, SupplierAlias.supplier_id, SupplierAlias.normalised_name, SupplierAlias.postcode)
                .where(SupplierAlias.network_id == network_id, SupplierAlias.normalised_name.in_(chunk))
            ):
                aliases[(name, postcode)] = (supplier_id, alias_id)
        register = _Register(self.area)
        for column, values in ((Supplier.id, {s for s, _ in aliases.values()}), (Supplier.company_number, companies),
                               (Supplier.charity_number, charities), (Supplier.normalised_name, names)):
            for chunk in _chunks(values):
                for row in session.execute(
                    select(*_ENTRY_COLUMNS).where(Supplier.network_id == network_id, column.in_(chunk))
                ):
                    register.load(row)

        # The rules, in the keys' order, on the register in memory.
        done: dict = {}  # alias key -> (entry, alias id, or None for a new alias)
        new_aliases: list = []  # (alias key, key, entry)
        for key in keys:
            alias_key = key.alias_key
            if alias_key in done:
                continue
            known = aliases.get(alias_key)
            if known is not None:
                entry = register.entries[known[0]]
                register.learn(entry, key)
                done[alias_key] = (entry, known[1])
                continue
            entry = register.find(key)
            if entry is None:
                entry = register.create(key)
            else:
                register.learn(entry, key)
            done[alias_key] = (entry, None)
            new_aliases.append((alias_key, key, entry))

        if register.new and self._names is None:
            # The network's names before this import's suppliers, as _queue_near_matches reads them.
            self._names = dict(session.execute(
                select(Supplier.id, Supplier.normalised_name).where(Supplier.network_id == network_id).order_by(Supplier.id)
            ).all())
        if register.new:
            ids = _insert_returning_ids(session, Supplier, [{"network_id": network_id, **entry.values()} for entry in register.new])
            for entry, new_id in zip(register.new, ids):
                entry.id = new_id
        changed = [entry for entry in register.entries.values() if entry.changed]
        if changed:
            session.execute(update(Supplier), [{"id": entry.id, **entry.learned()} for entry in changed])
            changed_ids = {entry.id for entry in changed}
            for obj in list(session.identity_map.values()):
                if isinstance(obj, Supplier) and obj.id in changed_ids:
                    session.expire(obj)
        if new_aliases:
            alias_ids = _insert_returning_ids(session, SupplierAlias, [
                {"network_id": network_id, "supplier_id": entry.id, "name_as_given": key.name[:300],
                 "normalised_name": key.normalised_name, "postcode": key.postcode or ""}
                for _, key, entry in new_aliases
            ])
            for (alias_key, _, entry), alias_id in zip(new_aliases, alias_ids):
                done[alias_key] = (entry, alias_id)
        if register.new:
            self._queue_near_matches_in_bulk(register.new)
        for alias_key, (entry, alias_id) in done.items():
            self._aliases[alias_key] = (entry.id, alias_id)

    def _queue_near_matches_in_bulk(self, new: list[_Entry]) -> None:
        """What _queue_near_matches does for each new supplier in turn, scored in one cdist.

        The k-th new supplier is compared with the names the network had before, then the
        k-1 created before it (never itself or later ones); ties keep the names' order, as
        ``process.extract`` does.
        """
        import numpy  # only here: the app does not load it otherwise

        before = len(self._names)
        choice_ids = list(self._names) + [entry.id for entry in new]
        choices = list(self._names.values()) + [entry.normalised_name for entry in new]
        rows_per_slice = max(1, FUZZY_CELLS // max(1, len(choices)))
        candidates = []
        for start in range(0, len(new), rows_per_slice):
            batch = new[start:start + rows_per_slice]
            width = before + start + len(batch) - 1  # the last query of the slice sees this many names
            scores = process.cdist(
                [entry.normalised_name for entry in batch], choices[:width], scorer=fuzz.token_sort_ratio,
                score_cutoff=FUZZY_THRESHOLD, dtype=numpy.float64, workers=-1,
            ) if width else numpy.zeros((len(batch), 0))
            for offset, entry in enumerate(batch):
                row = scores[offset, :before + start + offset]
                hits = numpy.flatnonzero(row >= FUZZY_THRESHOLD)
                best = sorted(hits.tolist(), key=lambda column: (-row[column], column))[:FUZZY_LIMIT]
                for column in best:
                    low, high = sorted((entry.id, choice_ids[column]))
                    candidates.append({"network_id": self.network.id, "supplier_id": low, "candidate_id": high,
                                       "score": float(row[column])})
        if candidates:
            self.session.execute(SupplierMatchCandidate.__table__.insert(), candidates)
        for entry in new:
            self._names[entry.id] = entry.normalised_name


_ENTRY_COLUMNS = (Supplier.id, Supplier.name, Supplier.normalised_name, Supplier.company_number, Supplier.charity_number,
                  Supplier.postcode, Supplier.postcode_district, Supplier.kind, Supplier.local_override, Supplier.is_local,
                  Supplier.place_source)
_LEARNED = ("postcode", "postcode_district", "is_local", "company_number", "charity_number", "kind", "place_source")


class _Entry:
    """A supplier as the bulk resolver sees it: read from the register, or to be created."""

    __slots__ = ("id", "order", "name", "normalised_name", "company_number", "charity_number", "postcode",
                 "postcode_district", "kind", "local_override", "is_local", "place_source", "changed")

    def __init__(self, order, **values):
        self.order, self.changed = order, False
        for name, value in values.items():
            setattr(self, name, value)

    def values(self) -> dict:
        return {name: getattr(self, name) for name in _ENTRY_COLUMNS_NAMES if name != "id"}

    def learned(self) -> dict:
        return {name: getattr(self, name) for name in _LEARNED}


_ENTRY_COLUMNS_NAMES = tuple(column.key for column in _ENTRY_COLUMNS)


class _Register:
    """The part of the register an import can reach, indexed as _find_supplier queries it."""

    def __init__(self, area: set[str]):
        self.area = area
        self.entries: dict[int, _Entry] = {}  # existing suppliers by id
        self.new: list[_Entry] = []  # in creation order: their ids will follow every existing one's
        self.by_company: dict[str, list[_Entry]] = {}
        self.by_charity: dict[str, list[_Entry]] = {}
        self.by_name: dict[str, list[_Entry]] = {}

    def load(self, row) -> None:
        if row.id in self.entries:
            return
        entry = _Entry((0, row.id), **row._asdict())
        self.entries[row.id] = entry
        self._index(entry)

    def _index(self, entry: _Entry) -> None:
        self.by_name.setdefault(entry.normalised_name, []).append(entry)
        if entry.company_number:
            self.by_company.setdefault(entry.company_number, []).append(entry)
        if entry.charity_number:
            self.by_charity.setdefault(entry.charity_number, []).append(entry)

    def find(self, key: SupplierKey) -> _Entry | None:
        """_find_supplier, on what was loaded and what this import created or completed."""
        if key.company_number:
            found = _oldest(e for e in self.by_company.get(key.company_number, ()) if e.company_number == key.company_number)
            if found:
                return found
        if key.charity_number:
            found = _oldest(e for e in self.by_charity.get(key.charity_number, ()) if e.charity_number == key.charity_number)
            if found:
                return found
        same_name = self.by_name.get(key.normalised_name, ())
        if key.postcode:
            return _oldest(e for e in same_name if e.postcode == key.postcode) or _oldest(
                e for e in same_name if e.postcode is None
            )
        return same_name[0] if len(same_name) == 1 else None

    def create(self, key: SupplierKey) -> _Entry:
        """_create, without the database: the row is inserted with the others afterwards."""
        entry = _Entry(
            (1, len(self.new)), id=None, name=key.name[:300], normalised_name=key.normalised_name,
            company_number=key.company_number, charity_number=key.charity_number, postcode=key.postcode,
            postcode_district=key.postcode_district,
            kind="vcse" if key.vcse else ("private" if key.company_number else "unknown"), local_override=None,
            is_local=is_local(key.postcode_district, self.area, None), place_source=_from_file(key),
        )
        self.new.append(entry)
        self._index(entry)
        return entry

    def learn(self, entry: _Entry, key: SupplierKey) -> None:
        """SupplierResolver._learn on an entry, keeping the indexes in step."""
        changed = False
        if key.postcode and not entry.postcode:
            entry.postcode, entry.postcode_district = key.postcode, key.postcode_district
            entry.place_source = "spend_file"
            entry.is_local = is_local(entry.postcode_district, self.area, entry.local_override)
            changed = True
        if key.company_number and not entry.company_number:
            entry.company_number = key.company_number
            self.by_company.setdefault(key.company_number, []).append(entry)
            changed = True
        if key.charity_number and not entry.charity_number:
            entry.charity_number = key.charity_number
            self.by_charity.setdefault(key.charity_number, []).append(entry)
            changed = True
        if key.vcse and entry.kind == "unknown":
            entry.kind = "vcse"
            changed = True
        if changed and entry.id is not None:
            entry.changed = True


def _insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert the rows (a few multi-row statements) and return their new ids in the rows' order.

    PostgreSQL: SQLAlchemy's ``sort_by_parameter_order`` (INSERT ... SELECT ... ORDER BY, ids
    matched to rows). SQLite, where SQLAlchemy would fall back to a statement per row for that:
    ids are the rowid, max + 1 for each row in the VALUES' order (we hold the write lock), so the
    ids returned, sorted, are the rows' ids in order.
    """
    table = model.__table__
    if session.get_bind().dialect.name == "sqlite":
        ids = sorted(session.scalars(table.insert().returning(table.c.id), rows).all())
    else:
        ids = session.scalars(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows).all()
    if len(ids) != len(rows):
        raise RuntimeError(f"inserted {len(rows)} {table.name} rows but got {len(ids)} ids back")
    return ids


def _from_file(key: SupplierKey) -> str | None:
    """A postcode a spend file gave outranks a register's (registers/placing.py): say where it came from."""
    return "spend_file" if key.postcode else None


def _oldest(entries) -> _Entry | None:
    return min(entries, key=lambda entry: entry.order, default=None)


def _chunks(values) -> Iterable[list]:
    values = sorted(values)
    for start in range(0, len(values), IN_CHUNK):
        yield values[start:start + IN_CHUNK]


def network_partner_ids(session: Session, network_id: int) -> list[int]:
    return list(session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)))


def merge_suppliers(session: Session, network: Network, keep: Supplier, merge: Supplier) -> tuple[dict, dict]:
    """Fold `merge` into `keep`: its spellings, every partner's lines and every row that points at it move over.

    Returns what ``links.move_links`` moved and removed, for the merge's record.
    """
    from portal.spend.models import SpendLine

    from .links import move_links

    if keep.network_id != network.id or merge.network_id != network.id or keep.id == merge.id:
        raise ValueError("both suppliers must be different suppliers of this network")
    with network_wide(network_partner_ids(session, network.id), business_networks=(network.id,),
                      reason="supplier merge points every partner's and business's rows at the kept supplier"):
        links = move_links(session, keep.id, merge.id)
    with network_wide(network_partner_ids(session, network.id), reason="supplier merge moves every partner's lines"):
        session.execute(
            update(SpendLine).where(SpendLine.supplier_id == merge.id).values(supplier_id=keep.id),
            execution_options={"synchronize_session": False},
        )
    session.execute(update(SupplierAlias).where(SupplierAlias.supplier_id == merge.id).values(supplier_id=keep.id))
    if keep.postcode is None and merge.postcode is not None:
        keep.place_source, keep.place_source_date = merge.place_source, merge.place_source_date
    for attribute in ("company_number", "charity_number", "postcode", "postcode_district", "is_sme"):
        if getattr(keep, attribute) is None and getattr(merge, attribute) is not None:
            setattr(keep, attribute, getattr(merge, attribute))
    keep.employee_owned = keep.employee_owned or merge.employee_owned
    keep.living_wage_accredited = keep.living_wage_accredited or merge.living_wage_accredited
    if keep.kind == "unknown":
        keep.kind = merge.kind
    keep.is_local = is_local(keep.postcode_district, set(network.local_area or []), keep.local_override)
    session.execute(
        update(SupplierMatchCandidate)
        .where((SupplierMatchCandidate.supplier_id == merge.id) | (SupplierMatchCandidate.candidate_id == merge.id))
        .values(status="merged", decided_at=utcnow())
    )
    session.delete(merge)
    session.flush()
    return links


def split_alias(session: Session, network: Network, alias: SupplierAlias) -> Supplier:
    """Make a spelling its own supplier again, taking its lines with it."""
    from portal.spend.models import SpendLine

    supplier = Supplier(
        network_id=network.id, name=alias.name_as_given, normalised_name=alias.normalised_name,
        postcode=alias.postcode or None, kind="unknown", place_source="spend_file" if alias.postcode else None,
    )
    if supplier.postcode:
        supplier.postcode_district = supplier.postcode.split(" ")[0]
    supplier.is_local = is_local(supplier.postcode_district, set(network.local_area or []), None)
    session.add(supplier)
    session.flush()
    alias.supplier_id = supplier.id
    with network_wide(network_partner_ids(session, network.id), reason="supplier split moves every partner's lines"):
        session.execute(
            update(SpendLine).where(SpendLine.supplier_alias_id == alias.id).values(supplier_id=supplier.id),
            execution_options={"synchronize_session": False},
        )
    session.flush()
    return supplier


def refresh_locality(session: Session, network: Network) -> None:
    """Re-derive every supplier's locality after the network's area changes."""
    area = set(network.local_area or [])
    for supplier in session.scalars(select(Supplier).where(Supplier.network_id == network.id)):
        supplier.is_local = is_local(supplier.postcode_district, area, supplier.local_override)
    session.flush()
