"""Resolving partners' spellings to one supplier, and the lead's merges and splits."""
from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tenants import network_wide
from tenants.models import Network, Organisation, utcnow

from .models import Supplier, SupplierAlias, SupplierMatchCandidate

# token_sort_ratio at or above this sends a pair to the lead's review queue.
FUZZY_THRESHOLD = 90


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
        in_network = select(Supplier).where(Supplier.network_id == self.network.id)
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
                    select(Supplier.id, Supplier.normalised_name).where(
                        Supplier.network_id == self.network.id, Supplier.id != supplier.id
                    )
                ).all()
            )
        for _, score, other_id in process.extract(
            supplier.normalised_name, self._names, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD, limit=5
        ):
            low, high = sorted((supplier.id, other_id))
            self.session.add(SupplierMatchCandidate(network_id=self.network.id, supplier_id=low, candidate_id=high, score=score))
        self._names[supplier.id] = supplier.normalised_name


def network_partner_ids(session: Session, network_id: int) -> list[int]:
    return list(session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)))


def merge_suppliers(session: Session, network: Network, keep: Supplier, merge: Supplier) -> None:
    """Fold `merge` into `keep`: its spellings and every partner's lines move over."""
    from portal.spend.models import SpendLine

    if keep.network_id != network.id or merge.network_id != network.id or keep.id == merge.id:
        raise ValueError("both suppliers must be different suppliers of this network")
    with network_wide(network_partner_ids(session, network.id), reason="supplier merge moves every partner's lines"):
        session.execute(
            update(SpendLine).where(SpendLine.supplier_id == merge.id).values(supplier_id=keep.id),
            execution_options={"synchronize_session": False},
        )
    session.execute(update(SupplierAlias).where(SupplierAlias.supplier_id == merge.id).values(supplier_id=keep.id))
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


def split_alias(session: Session, network: Network, alias: SupplierAlias) -> Supplier:
    """Make a spelling its own supplier again, taking its lines with it."""
    from portal.spend.models import SpendLine

    supplier = Supplier(
        network_id=network.id, name=alias.name_as_given, normalised_name=alias.normalised_name,
        postcode=alias.postcode or None, kind="unknown",
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
