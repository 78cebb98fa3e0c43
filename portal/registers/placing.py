"""Placing a network's suppliers: where each one is, against the network's area, and what class it is.

Where the supplier's address comes from, strongest first:

1. the lead (``place_by_lead``): their postcode stands; nothing automatic overwrites it;
2. the spend file (``place_source`` "spend_file", or an older supplier's postcode with no source:
   before registers were loaded only spend files gave postcodes): the payer saw the invoice;
3. the live Companies House lookup ("api"): kept until the lead changes it, as it is the fresher word;
4. the register entry the supplier's numbers point to: the company's registered office, else the
   charity's contact postcode, else the society's, with that register file's date.

The postcode is looked up whole in the ONS postcode directory, never by its district (districts
straddle boroughs). A postcode the directory does not hold places nothing: the supplier is unplaced.

Locality, nearest tier first: "based" (registered office in the area's districts); "branched"
(a branch postcode the lead recorded in the area); "wider" (office or branch in the wider tier);
"region" (office or branch in the network's region); "elsewhere". NULL when the office's postcode
is not placed, unless the branch is in the area (a local branch is local wherever the office is).

The lead's older yes/no override (``local_override``) still counts: yes makes a supplier that is
not based "branched" (a local presence the lead vouches for); no keeps it out of the area's two
tiers (wider, region or elsewhere, by its codes; "elsewhere" when unplaced). ``is_local`` follows:
True for based or branched, False for any other placed tier, None when unplaced (for a network
whose area is still a list of postcode districts, the older rule: district in the list).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier
from portal.suppliers.services import is_local
from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation

from .classing import SupplierFacts, class_of
from .lookup_models import CompaniesHouseLookup
from .models import RegisterCharity, RegisterCompany, RegisterMutual, RegisterPostcode
from .services import register_dates

# Values per IN (...) (SQLite allows 32,766 parameters).
IN_CHUNK = 5000
REGISTER_OF_SOURCE = {"companies": "companies", "charities": "charities", "mutuals": "mutuals"}
# The columns placement writes; a supplier is "changed" when any of them moves.
PLACE_COLUMNS = ("postcode", "postcode_district", "place_source", "place_source_date", "district_code", "ward_code",
                 "lsoa_code", "region_code", "imd_decile", "branch_district_code", "locality", "is_local")
CLASS_COLUMNS = ("kind", "is_sme")
_SUPPLIER_COLUMNS = (
    Supplier.id, Supplier.name, Supplier.postcode, Supplier.postcode_district, Supplier.place_source,
    Supplier.place_source_date, Supplier.place_by_lead, Supplier.company_number, Supplier.charity_number,
    Supplier.mutual_number, Supplier.branch_postcode, Supplier.local_override, Supplier.district_code,
    Supplier.ward_code, Supplier.lsoa_code, Supplier.region_code, Supplier.imd_decile, Supplier.branch_district_code,
    Supplier.locality, Supplier.is_local, Supplier.kind, Supplier.is_sme, Supplier.kind_by_lead, Supplier.sme_by_lead,
)
_REGISTER_COLUMNS = (
    RegisterCompany.company_number.label("company_found"), RegisterCompany.postcode.label("company_postcode"),
    RegisterCompany.category.label("company_category"), RegisterCompany.accounts_category.label("accounts_category"),
    RegisterCharity.charity_number.label("charity_found"), RegisterCharity.postcode.label("charity_postcode"),
    RegisterCharity.status.label("charity_status"),
    RegisterMutual.mutual_number.label("mutual_found"), RegisterMutual.postcode.label("mutual_postcode"),
    # What the live Companies House lookup said, for a company the bulk file does not hold.
    CompaniesHouseLookup.company_number.label("api_found"), CompaniesHouseLookup.category.label("api_category"),
    CompaniesHouseLookup.accounts_category.label("api_accounts_category"),
)


def network_region(session: Session, network: Network) -> str | None:
    """The network's region: the one it names, else the region most of its area's postcodes lie in."""
    if network.region_code:
        return network.region_code
    if not network.area_codes:
        return None
    row = session.execute(
        select(RegisterPostcode.region_code, func.count()).where(
            RegisterPostcode.district_code.in_(list(network.area_codes)), RegisterPostcode.region_code.is_not(None))
        .group_by(RegisterPostcode.region_code).order_by(func.count().desc(), RegisterPostcode.region_code).limit(1)
    ).first()
    return row[0] if row else None


def place_suppliers(session: Session, network: Network, supplier_ids: Iterable[int] | None = None, *, user=None) -> set[int]:
    """Place and class the network's suppliers (all, or these); return the ids whose place or class changed.

    Set-based: a joined read and one executemany UPDATE per few thousand suppliers. The totals of
    every partner with lines of a changed supplier are marked due in this transaction (queued after
    the commit). ``user`` is kept for callers that log; the lead's own changes are logged by them.
    """
    area, wider = set(network.area_codes or []), set(network.wider_area_codes or [])
    region = network_region(session, network)
    # A network whose area is still only postcode districts (not yet moved to GSS codes) keeps the
    # older is_local (district in the list), so its figures hold until its area is set.
    legacy = None if area else set(network.local_area or [])
    dates = register_dates(session)

    def derive(rows):
        places = _postcode_places(session, {p for row in rows for p in _wanted_postcodes(row)})
        return lambda row: _placed(row, places, area, wider, region, dates, legacy) | _classed(row)

    return rewrite_suppliers(session, network, supplier_ids, derive)


def rewrite_suppliers(session: Session, network: Network, supplier_ids, derive) -> set[int]:
    """Write what ``derive(rows)(row)`` gives each supplier where it differs; mark the totals that move as due.

    Suppliers are read in slices; ``derive`` sees each slice first (to look its postcodes up at once).
    """
    changed: set[int] = set()
    for rows in _supplier_rows(session, network, supplier_ids):
        values_of = derive(rows)
        updates = []
        for row in rows:
            new = values_of(row)
            if any(new[name] != getattr(row, name) for name in new):
                updates.append({"id": row.id, **new})
        if updates:
            session.execute(update(Supplier), updates)
            changed.update(u["id"] for u in updates)
    if changed:
        _expire(session, changed)
        mark_totals_due(session, network, changed)
    return changed


def replace_changed(session: Session, register: str, keys: Iterable[str]) -> int:
    """After a register refresh: place again only the suppliers, in any network, holding a changed key.

    ``register`` is "companies", "charities", "mutuals" (keys are numbers) or "postcodes" (keys
    are postcodes, matched against a supplier's postcode and branch postcode). Returns how many
    suppliers were placed again; only those whose place or class moved are written.
    """
    columns = {
        "companies": (Supplier.company_number,), "charities": (Supplier.charity_number,),
        "mutuals": (Supplier.mutual_number,), "postcodes": (Supplier.postcode, Supplier.branch_postcode),
    }[register]
    by_network: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(set(keys)):
        for column in columns:
            for supplier_id, network_id in session.execute(
                select(Supplier.id, Supplier.network_id).where(column.in_(chunk))
            ):
                by_network[network_id].add(supplier_id)
    for network_id, ids in sorted(by_network.items()):
        place_suppliers(session, session.get(Network, network_id), ids)
    return sum(len(ids) for ids in by_network.values())


def mark_totals_due(session: Session, network: Network, supplier_ids: set[int]) -> None:
    """Mark due the months of every partner holding lines of these suppliers; refreshes queue after the commit."""
    from portal.spend.models import SpendLine
    from portal.spend.tasks import TOTALS_DUE
    from workers import due

    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
    if not partner_ids:
        return
    months: dict[int, set[date]] = defaultdict(set)
    with network_wide(partner_ids, reason="a supplier's place or class moved: its partners' totals are due"):
        for chunk in _chunks(supplier_ids):
            for organisation_id, month in session.execute(
                select(SpendLine.organisation_id, SpendLine.month).where(SpendLine.supplier_id.in_(chunk)).distinct()
            ):
                months[organisation_id].add(month)
    for organisation_id, wanted in sorted(months.items()):
        with tenant_context(organisation_id):
            due.mark_due(session, TOTALS_DUE, network.id, organisation_id, wanted)


# --- the pieces ---------------------------------------------------------------------------------

def _supplier_rows(session: Session, network: Network, supplier_ids):
    query = (
        select(*_SUPPLIER_COLUMNS, *_REGISTER_COLUMNS)
        .outerjoin(RegisterCompany, RegisterCompany.company_number == Supplier.company_number)
        .outerjoin(RegisterCharity, RegisterCharity.charity_number == Supplier.charity_number)
        .outerjoin(RegisterMutual, RegisterMutual.mutual_number == Supplier.mutual_number)
        .outerjoin(CompaniesHouseLookup, and_(CompaniesHouseLookup.supplier_id == Supplier.id,
                                              CompaniesHouseLookup.company_number == Supplier.company_number))
        .where(Supplier.network_id == network.id).order_by(Supplier.id)
    )
    if supplier_ids is None:
        last = 0
        while rows := session.execute(query.where(Supplier.id > last).limit(IN_CHUNK)).all():
            yield rows
            last = rows[-1].id
        return
    for chunk in _chunks(set(supplier_ids)):
        rows = session.execute(query.where(Supplier.id.in_(chunk))).all()
        if rows:
            yield rows


def _own_postcode_source(row) -> str | None:
    """Where the supplier's own postcode came from, when it outranks the registers."""
    if not row.postcode:
        return None
    if row.place_source == "lead":  # only the lead's correction writes this source
        return "lead"
    if row.place_source in (None, "spend_file", "api"):
        return row.place_source or "spend_file"
    return None


def _register_postcode(row) -> tuple[str | None, str | None]:
    """(postcode, register) of the register entry the supplier's numbers point to."""
    for postcode, register in ((row.company_postcode, "companies"), (row.charity_postcode, "charities"),
                               (row.mutual_postcode, "mutuals")):
        if postcode:
            return postcode, register
    return None, None


def _wanted_postcodes(row) -> list[str]:
    office = row.postcode if _own_postcode_source(row) else _register_postcode(row)[0]
    return [p for p in (office, row.branch_postcode) if p]


def _postcode_places(session: Session, postcodes: set[str]) -> dict[str, RegisterPostcode]:
    found = {}
    for chunk in _chunks(postcodes):
        for place in session.execute(
            select(RegisterPostcode.postcode, RegisterPostcode.district_code, RegisterPostcode.ward_code,
                   RegisterPostcode.lsoa_code, RegisterPostcode.region_code, RegisterPostcode.imd_decile)
            .where(RegisterPostcode.postcode.in_(chunk))
        ):
            found[place.postcode] = place
    return found


def _placed(row, places: dict, area: set, wider: set, region: str | None, dates: dict, legacy: set | None) -> dict:
    source = _own_postcode_source(row)
    if source:
        postcode, source_date = row.postcode, row.place_source_date if source in ("lead", "api") else None
    else:
        postcode, register = _register_postcode(row)
        source, source_date = (register, dates.get(register)) if postcode else (None, None)
    office, branch = places.get(postcode), places.get(row.branch_postcode)
    values = {
        "postcode": postcode, "postcode_district": postcode.split(" ")[0][:4] if postcode else None,
        "place_source": source, "place_source_date": source_date,
        "district_code": office.district_code if office else None, "ward_code": office.ward_code if office else None,
        "lsoa_code": office.lsoa_code if office else None, "region_code": office.region_code if office else None,
        "imd_decile": office.imd_decile if office else None,
        "branch_district_code": branch.district_code if branch else None,
    }
    values["locality"] = locality_of(office, branch, area, wider, region, row.local_override)
    if legacy is not None:
        values["is_local"] = is_local(values["postcode_district"], legacy, row.local_override)
        if office is None and values["locality"] is None and values["is_local"] is not None:
            # Still an area of postcode districts and no directory row: its district decides, as the
            # migration placed every supplier before the directory was loaded.
            values["locality"] = "based" if values["is_local"] else "elsewhere"
    else:
        values["is_local"] = None if values["locality"] is None else values["locality"] in ("based", "branched")
    return values


def locality_of(office, branch, area: set, wider: set, region: str | None, override: bool | None) -> str | None:
    """The tier the office (and the lead's branch) fall in; the module docstring gives the rules."""
    office_district = office.district_code if office else None
    branch_district = branch.district_code if branch else None
    if override is not False:
        if office_district and office_district in area:
            return "based"
        if branch_district and branch_district in area:
            return "branched"
        if override:
            return "branched"
    if office is None:
        return "elsewhere" if override is False else None
    districts = {d for d in (office_district, branch_district) if d}
    if districts & wider:
        return "wider"
    regions = {p.region_code for p in (office, branch) if p is not None and p.region_code}
    if region and region in regions:
        return "region"
    return "elsewhere"


def _classed(row) -> dict:
    in_bulk = row.company_found is not None
    kind, is_sme = class_of(SupplierFacts(
        name=row.name, current_kind=row.kind, company_matched=in_bulk or row.api_found is not None,
        company_category=row.company_category if in_bulk else row.api_category,
        accounts_category=row.accounts_category if in_bulk else row.api_accounts_category,
        charity_number=row.charity_number, charity_status=row.charity_status, mutual_number=row.mutual_number,
        mutual_matched=row.mutual_found is not None, company_number=row.company_number,
    ))
    values = {}
    if not row.kind_by_lead:
        values["kind"] = kind
    if not row.sme_by_lead:
        values["is_sme"] = is_sme
    return values


def _expire(session: Session, ids: set[int]) -> None:
    """Objects already loaded read the new values next time (the UPDATE went round the ORM's back)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Supplier) and obj.id in ids:
            session.expire(obj)


def _chunks(values) -> Iterable[list]:
    values = sorted(v for v in values if v is not None)
    for start in range(0, len(values), IN_CHUNK):
        yield values[start:start + IN_CHUNK]


def source_counts(session: Session, network: Network) -> Counter:
    """How many of the network's suppliers were placed from each source (None: unplaced)."""
    return Counter(dict(session.execute(
        select(Supplier.place_source, func.count()).where(Supplier.network_id == network.id)
        .group_by(Supplier.place_source)
    ).all()))
