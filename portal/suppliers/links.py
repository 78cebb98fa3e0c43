"""Every row of another table that points at a supplier, found from the models, so that a new table is covered.

A merge deletes the merged supplier. Without this, the database would set its contracts', bids', offers' and
businesses' links to NULL and delete its own rows (register candidates, its Companies House look-up); an undo
could put none of it back. So a merge moves the links to the supplier it keeps, writes down which rows it moved
and the rows it removed, and the undo puts exactly those back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Numeric, select, update
from sqlalchemy.orm import Session

from portal.extensions import db

# Moved and recorded by the merge its own way: the spellings carry their lines (spend_lines follow
# supplier_aliases), and the review pairs are kept whole.
OWN_WAY = frozenset({
    "supplier_aliases.supplier_id", "spend_lines.supplier_id",
    "supplier_match_candidates.supplier_id", "supplier_match_candidates.candidate_id",
})
# Earlier merges into the supplier now merged away: they keep pointing at nothing while it is gone
# (they cannot be undone until this merge is), and the undo points them at it again.
LEFT_EMPTY = frozenset({"supplier_merges.kept_supplier_id"})


@dataclass(frozen=True)
class Link:
    """A column pointing at suppliers.id, and what a merge does with the rows that point at the merged supplier."""

    model: type
    column: str
    # "moved": the rows point at the kept supplier instead (the key says ON DELETE SET NULL: the row outlives its
    # supplier); "emptied": left to ON DELETE SET NULL; "removed": the supplier's own rows, deleted with it (CASCADE).
    fate: str

    @property
    def key(self) -> str:
        return f"{self.model.__table__.name}.{self.column}"

    @property
    def attribute(self):
        return getattr(self.model, self.column)

    def pointed_at(self, supplier_id: int) -> dict:
        """The values that point a row at the supplier; columns stamped on update keep their value (a lead's
        merge is no edit of a business's profile or a partner's contract)."""
        table = self.model.__table__
        return {self.column: supplier_id, **{c.key: c for c in table.columns if c.onupdate is not None}}


def supplier_links() -> list[Link]:
    """Every column of the models that points at a supplier, except those the merge handles its own way."""
    links = []
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        for key in sorted(fk.parent.name for fk in table.foreign_keys if fk.column.table.name == "suppliers"):
            name = f"{table.name}.{key}"
            if name in OWN_WAY:
                continue
            foreign_key = next(fk for fk in table.c[key].foreign_keys)
            fate = "emptied" if name in LEFT_EMPTY else "removed" if foreign_key.ondelete == "CASCADE" else "moved"
            links.append(Link(mapper.class_, key, fate))
    return sorted(links, key=lambda link: link.key)


def row_as_json(row) -> dict:
    """Every column of the row, as JSON can hold it (dates as ISO text, decimals as text)."""
    values = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        values[column.key] = value
    return values


def row_from_json(model, values: dict) -> dict:
    """The columns ``row_as_json`` wrote, as the model takes them again."""
    columns, restored = {c.key: c for c in model.__table__.columns}, {}
    for key, value in values.items():
        kind = columns[key].type
        if value is not None and isinstance(kind, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, Date):
            value = date.fromisoformat(value)
        elif value is not None and isinstance(kind, Numeric) and kind.asdecimal:
            value = Decimal(value)
        restored[key] = value
    return restored


def move_links(session: Session, keep_id: int, gone_id: int) -> tuple[dict, dict]:
    """Before the merged supplier is deleted: point its links at the kept one and copy out its own rows.

    Returns (moved, removed): {"table.column": [row ids]} for the links moved or left to empty, and
    {"table.column": [rows as JSON]} for the rows the delete will take. Run it in a scope that sees
    every partner and business of the network (the rows are theirs).
    """
    moved, removed = {}, {}
    for link in supplier_links():
        ids = list(session.scalars(select(link.model.id).where(link.attribute == gone_id).order_by(link.model.id)))
        if not ids:
            continue
        if link.fate == "removed":
            removed[link.key] = [row_as_json(row) for row in session.scalars(
                select(link.model).where(link.attribute == gone_id).order_by(link.model.id))]
            continue
        moved[link.key] = ids
        if link.fate == "moved":
            for chunk in _chunks(ids):
                session.execute(update(link.model).where(link.model.id.in_(chunk)).values(link.pointed_at(keep_id)),
                                execution_options={"synchronize_session": "fetch"})
    return moved, removed


def _chunks(ids: list[int], size: int = 10_000):
    # A big supplier's retired lines run to many thousands: one IN list each would pass the drivers' parameter limits.
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def put_links_back(session: Session, keep_id: int, gone_id: int, moved: dict, removed: dict) -> None:
    """After the undo has put the merged supplier back: its links and its own rows, as ``move_links`` found them.

    A link since pointed elsewhere (a contract given another supplier) is the later decision, and stays.
    """
    links = {link.key: link for link in supplier_links()}
    for key, ids in (moved or {}).items():
        link = links.get(key)
        if link is None:  # a table dropped since the merge: its rows are gone with it
            continue
        now = link.attribute == keep_id if link.fate == "moved" else link.attribute.is_(None)
        for chunk in _chunks(ids):
            session.execute(update(link.model).where(link.model.id.in_(chunk), now).values(link.pointed_at(gone_id)),
                            execution_options={"synchronize_session": "fetch"})
    for key, rows in (removed or {}).items():
        if key not in links:
            continue
        model = links[key].model
        for values in rows:
            values = row_from_json(model, values)
            if session.get(model, values["id"]) is not None:
                values.pop("id")  # SQLite gave the id to a newer row: the row comes back under a new one
            session.add(model(**values))
    session.flush()
