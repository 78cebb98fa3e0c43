"""A business's own profile: saving it, its categories, and its place in the supplier register.

Plain functions on a session, run inside the business's own scope (the request's,
or ``business_context``); the caller commits. Only the nightly linking opens
every business of a network, and says so.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, object_session

from portal.spend.normalise import normalise_postcode, normalise_supplier_name
from portal.suppliers.models import Supplier, SupplierAlias
from portal.suppliers.services import is_local
from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Network, utcnow
from workers import enqueue_after_commit

from .claims import propose_supplier
from .models import SmeCategory, SmeProfile

# Values per IN (...) when the nightly linking looks keys up (SQLite allows 32,766).
IN_CHUNK = 5000


def locality(postcode: str, network: Network, session: Session | None = None) -> tuple[str, str, bool]:
    """(postcode as Royal Mail writes it, its district, whether it is in the network's area).

    By the full postcode against the area's local authority districts when the postcode directory
    holds it (districts straddle boroughs); otherwise, as before, by its postcode district.
    """
    from portal.registers.models import RegisterPostcode

    postcode = normalise_postcode(postcode)
    district = postcode.split(" ")[0]
    session = session or object_session(network)
    if network.area_codes and session is not None:
        district_code = session.scalar(select(RegisterPostcode.district_code).where(RegisterPostcode.postcode == postcode))
        if district_code is not None:
            return postcode, district, district_code in network.area_codes
    return postcode, district, bool(is_local(district, set(network.local_area or []), None))


def own_profile(session: Session) -> SmeProfile | None:
    """The profile of the business whose scope this is (the scope shows no other)."""
    return session.scalar(select(SmeProfile))


@dataclass
class ProfileChanges:
    """What the profile form says, already validated and normalised."""

    name: str
    organisation_type: str
    postcode: str
    size_band: str
    company_number: str | None = None
    charity_number: str | None = None
    cpv_codes: list[str] = field(default_factory=list)
    ownership: set[str] = field(default_factory=set)
    living_wage_accredited: bool = False
    accreditations: list[str] = field(default_factory=list)
    what_we_do: str = ""
    social_value_offers: list[str] = field(default_factory=list)
    social_value_detail: str = ""
    contact_name: str = ""
    contact_email: str = ""
    phone: str = ""
    website: str = ""
    wants_weekly_digest: bool = False


OWNERSHIP_FLAGS = ("employee_owned", "cooperative", "social_enterprise", "charity")


def save_profile(session: Session, business: Business, changes: ProfileChanges) -> SmeProfile:
    """Write the business's profile (creating it the first time) and its categories.

    Claims a place in the network's supplier register when the numbers or the name and
    postcode point at one (the lead proves it: ``claims.py``), and has the matching worker
    re-score it after commit.
    """
    where = locality(changes.postcode, business.network, session)
    profile = own_profile(session) or SmeProfile()
    business.name = changes.name
    profile.postcode, profile.postcode_district, profile.is_local = where
    for name in (
        "organisation_type", "size_band", "company_number", "charity_number", "living_wage_accredited",
        "accreditations", "what_we_do", "social_value_offers", "social_value_detail", "contact_name",
        "contact_email", "phone", "website", "wants_weekly_digest",
    ):
        setattr(profile, name, getattr(changes, name))
    for flag in OWNERSHIP_FLAGS:
        setattr(profile, flag, flag in changes.ownership)
    session.add(profile)  # complete before it is added: a query's autoflush may write it
    set_categories(session, changes.cpv_codes)
    session.flush()
    propose_supplier(profile, find_supplier_id(session, business, profile))
    session.flush()
    on_profile_changed(session, business.id)
    return profile


def set_categories(session: Session, codes: Iterable[str]) -> None:
    """Make the business's CPV categories exactly these (valid, 8-digit codes)."""
    wanted = list(dict.fromkeys(codes))
    existing = {row.cpv_code: row for row in session.scalars(select(SmeCategory))}
    for code, row in existing.items():
        if code not in wanted:
            session.delete(row)
    for code in wanted:
        if code not in existing:
            session.add(SmeCategory(cpv_code=code))
    if set(wanted) != existing.keys() and (profile := own_profile(session)) is not None:
        # Matching re-prepares a business whose profile's updated_at moved (matching/services.py).
        profile.updated_at = utcnow()
    session.flush()
    session.expire_all()  # the profile's categories relationship is read-only: reload it


def on_profile_changed(session: Session, business_id: int) -> None:
    """Have the matching worker re-score this business once the change commits."""
    from portal.matching.tasks import rematch_business

    enqueue_after_commit(session, rematch_business, business_id)


# --- the supplier register ------------------------------------------------------------------


@dataclass(frozen=True)
class _Keys:
    company_number: str | None
    charity_number: str | None
    name: str | None  # normalised as the register normalises suppliers' names
    postcode: str | None


def _keys(business_name: str, profile: SmeProfile) -> _Keys:
    try:
        name = normalise_supplier_name(business_name)
    except ValueError:
        name = None
    return _Keys(profile.company_number, profile.charity_number, name, profile.postcode)


class _RegisterIndex:
    """The network's suppliers that share a key with some businesses; the oldest supplier wins.

    Same order of evidence as the import's resolver: company number, charity
    number, then the name with the postcode (on the supplier or on one of the
    spellings partners have used for it).
    """

    def __init__(self, session: Session, network_id: int, keys: Iterable[_Keys]):
        keys = list(keys)
        companies = sorted({k.company_number for k in keys if k.company_number})
        charities = sorted({k.charity_number for k in keys if k.charity_number})
        names = sorted({k.name for k in keys if k.name})
        self.by_company: dict[str, int] = {}
        self.by_charity: dict[str, int] = {}
        self.by_name: dict[tuple[str, str], int] = {}
        suppliers = Supplier.__table__.c
        for chunk in _chunks(companies, charities, names):
            rows = session.execute(
                select(suppliers.id, suppliers.company_number, suppliers.charity_number, suppliers.normalised_name,
                       suppliers.postcode)
                .where(suppliers.network_id == network_id)
                .where(or_(suppliers.company_number.in_(chunk[0]), suppliers.charity_number.in_(chunk[1]),
                           suppliers.normalised_name.in_(chunk[2])))
                .order_by(suppliers.id)
            )
            for row in rows:
                self._keep(self.by_company, row.company_number, row.id)
                self._keep(self.by_charity, row.charity_number, row.id)
                if row.postcode:
                    self._keep(self.by_name, (row.normalised_name, row.postcode), row.id)
            aliases = SupplierAlias.__table__.c
            for row in session.execute(
                select(aliases.supplier_id, aliases.normalised_name, aliases.postcode)
                .where(aliases.network_id == network_id, aliases.normalised_name.in_(chunk[2]), aliases.postcode != "")
                .order_by(aliases.supplier_id)
            ):
                self._keep(self.by_name, (row.normalised_name, row.postcode), row.supplier_id)

    @staticmethod
    def _keep(index: dict, key, supplier_id: int) -> None:
        if key and (key not in index or supplier_id < index[key]):
            index[key] = supplier_id

    def find(self, keys: _Keys) -> int | None:
        return (
            (keys.company_number and self.by_company.get(keys.company_number))
            or (keys.charity_number and self.by_charity.get(keys.charity_number))
            or (keys.name and keys.postcode and self.by_name.get((keys.name, keys.postcode)))
            or None
        )


def _chunks(*lists: list) -> Iterable[tuple[list, ...]]:
    longest = max((len(values) for values in lists), default=0)
    for start in range(0, max(longest, 1), IN_CHUNK):
        yield tuple(values[start : start + IN_CHUNK] for values in lists)


def find_supplier_id(session: Session, business: Business, profile: SmeProfile) -> int | None:
    """The register's entry for this business, if its numbers or name and postcode are there."""
    keys = _keys(business.name, profile)
    return _RegisterIndex(session, business.network_id, [keys]).find(keys)


def link_businesses_to_suppliers(session: Session, network_id: int) -> list[int]:
    """Open a claim for every registered business of the network whose details now point at a register entry.

    For the nightly task and for after a spend import, which may have created the
    supplier a business already is. The lead confirms each (``claims.py``); nothing is
    linked here. Returns the ids of the businesses with a new claim.
    """
    with network_wide((), "link registered businesses to the supplier register", business_networks=[network_id]):
        rows = session.execute(
            select(SmeProfile, Business.name)
            .join(Business, Business.id == SmeProfile.business_id)
            .where(SmeProfile.network_id == network_id, SmeProfile.supplier_id.is_(None),
                   SmeProfile.claimed_supplier_id.is_(None))
        ).all()
        keyed = [(profile, _keys(name, profile)) for profile, name in rows]
        index = _RegisterIndex(session, network_id, (keys for _, keys in keyed))
        linked = []
        for profile, keys in keyed:
            supplier_id = index.find(keys)
            if supplier_id is not None:
                propose_supplier(profile, supplier_id)
                linked.append(profile.business_id)
        session.flush()
    return linked
