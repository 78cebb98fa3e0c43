"""Writing what matching decided, and the values a match gives a supplier (the review applies the same).

The place rule: the supplier's postcode comes from the register only when it has none, or
when its postcode came from a register (or the API) before, so a refresh moves it. A postcode
from a partner's spend file stays (see matching.py for why), and is recorded as the spend file's.
"""
from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier, SupplierRegisterCandidate
from tenants.models import Network

from .entries import Entity, chunks

# A postcode these placed may be replaced by the register's (a refresh); one from a spend file may not.
REGISTER_SOURCES = ("companies", "charities", "mutuals", "api")
NUMBER_COLUMNS = {"companies": "company_number", "charities": "charity_number", "mutuals": "mutual_number"}


def match_values(supplier, entity: Entity, method: str, confidence: int, dates: dict, placed_by_id=None) -> dict:
    """The supplier's columns after matching it to ``entity`` (``supplier`` is a Supplier or the matcher's row)."""
    numbers = entity.numbers
    same_entity = all(
        not numbers[register] or getattr(supplier, column) == numbers[register] for register, column in NUMBER_COLUMNS.items()
    ) and supplier.match_method is not None
    values = {
        column: numbers[register] or getattr(supplier, column) for register, column in NUMBER_COLUMNS.items()
    }
    # A run that finds again what was found before keeps how it was first found (and who confirmed it).
    if same_entity:
        values.update(match_method=supplier.match_method, match_confidence=supplier.match_confidence,
                      placed_by_id=placed_by_id or supplier.placed_by_id)
    else:
        values.update(match_method=method, match_confidence=confidence, placed_by_id=placed_by_id)
    place = entity.place
    if place is not None and (supplier.postcode is None or supplier.place_source in REGISTER_SOURCES):
        values.update(postcode=place.postcode, postcode_district=place.postcode.split(" ")[0],
                      place_source=place.register, place_source_date=dates.get(place.register))
    elif supplier.postcode is not None and supplier.place_source is None:
        # A postcode with no source came with the supplier's first line (the importer sets none).
        values["place_source"] = "spend_file"
    return values


def _changed(supplier, values: dict) -> dict:
    return {k: v for k, v in values.items() if k != "postcode_district" and getattr(supplier, k) != v}


def apply_decisions(session: Session, network: Network, suppliers, decisions, existing, dates, now, report) -> None:
    """Write what was decided: changed suppliers in one executemany UPDATE, candidates offered, dropped or kept."""
    updates = []
    drop_ids: list[int] = []
    new_candidates = []
    for supplier in suppliers:
        decision = decisions[supplier.id]
        pending = {pair: c for pair, c in existing.get(supplier.id, {}).items() if c.status == "pending"}
        if decision.kind == "match":
            report.matched[decision.method] += 1
            values = match_values(supplier, decision.entity, decision.method, decision.confidence, dates, None)
            changes = _changed(supplier, values)
            if changes:
                updates.append({"id": supplier.id, **values})
                report.changed_ids.append(supplier.id)
            drop_ids.extend(c.id for c in pending.values())
            continue
        if decision.kind == "conflict":
            report.conflicts.append(decision.conflict)
        elif decision.kind == "none":
            report.unmatched += 1
        if decision.kind != "review":
            drop_ids.extend(c.id for c in pending.values())
            continue
        report.to_review.append(supplier.id)
        offered = {}
        for entity, method, score in decision.candidates:
            entry = entity.primary
            offered[(entry.register, entry.number)] = (entry, method, score)
        drop_ids.extend(c.id for pair, c in pending.items() if pair not in offered)
        for pair, (entry, method, score) in offered.items():
            held = existing.get(supplier.id, {}).get(pair)
            if held is None:
                new_candidates.append({
                    "network_id": network.id, "supplier_id": supplier.id, "register": entry.register,
                    "number": entry.number, "name": entry.name[:300], "postcode": entry.postcode, "method": method,
                    "score": score, "status": "pending", "created_at": now,
                })
            elif held.status == "pending" and (held.score, held.method, held.name, held.postcode) != (score, method, entry.name[:300], entry.postcode):
                held.score, held.method, held.name, held.postcode = score, method, entry.name[:300], entry.postcode
    if updates:
        session.execute(update(Supplier), updates)
    for chunk in chunks(drop_ids):
        session.execute(delete(SupplierRegisterCandidate).where(SupplierRegisterCandidate.id.in_(chunk)))
    if new_candidates:
        session.execute(SupplierRegisterCandidate.__table__.insert(), new_candidates)
    session.flush()
