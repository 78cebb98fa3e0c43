"""The lead's corrections to where a supplier is, and where each placement came from.

Plain functions on a session; the caller commits. The lead may set a supplier's company,
charity and mutual numbers, its postcode and a local branch's postcode. Numbers or a postcode
set by hand are the lead's (``place_by_lead``): matching and register refreshes leave them alone
until the lead hands the supplier back to automatic placing. Every change is logged in the lead's
own partner's audit log, the supplier is placed again, and the totals of every partner with its
lines are marked due, so the figures follow.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.registers.area import area_names
from portal.registers.placing import place_suppliers
from portal.suppliers.models import Supplier, SupplierAlias
from tenants.models import User

from .supplier_register import LeadAction

PLACE_FIELDS = ("company_number", "charity_number", "mutual_number", "postcode")
SHOWN = PLACE_FIELDS + ("branch_postcode", "place_source", "place_by_lead", "district_code", "locality")
REGISTER_NAMES = {"companies": "the Companies House register", "charities": "the Charity Commission register",
                  "mutuals": "the FCA Mutuals Public Register"}
LOCALITY_TEXT = {
    "based": "Based in the local area", "branched": "Branched in the local area (a local branch)",
    "wider": "In the wider area", "region": "In the region", "elsewhere": "Elsewhere",
}
KIND_TEXT = {
    "private": "Private company", "vcse": "Voluntary, community or social enterprise (VCSE)", "public": "Public body",
    "tax": "Tax (HMRC)", "pension": "Pension fund", "individual": "Individual or payee not named",
    "sole_trader": "Sole trader", "unknown": "Not known",
}


def _state(supplier: Supplier) -> dict:
    return {name: getattr(supplier, name) for name in SHOWN}


def set_place(action: LeadAction, supplier: Supplier, *, company_number: str | None, charity_number: str | None,
              mutual_number: str | None, postcode: str | None, branch_postcode: str | None) -> bool:
    """Record the lead's numbers, postcode and branch; True if anything changed.

    Only the fields the lead actually changed become the lead's: resaving the form with the
    register's postcode in it does not pin that postcode.
    """
    before = _state(supplier)
    given = {"company_number": company_number, "charity_number": charity_number, "mutual_number": mutual_number,
             "postcode": postcode}
    moved = {name: value for name, value in given.items() if getattr(supplier, name) != value}
    if not moved and supplier.branch_postcode == branch_postcode:
        return False
    for name, value in moved.items():
        setattr(supplier, name, value)
    supplier.branch_postcode = branch_postcode
    if moved:
        supplier.place_by_lead = True
        supplier.placed_by_id = action.user.id
        if "postcode" in moved:
            supplier.place_source = "lead" if supplier.postcode else None
        elif supplier.place_source in REGISTER_NAMES:
            # New numbers, and the postcode was the old entry's: the new entry's comes in its place.
            supplier.postcode, supplier.place_source = None, None
    return _placed_again(action, supplier, before, "supplier.placed")


def place_automatically(action: LeadAction, supplier: Supplier) -> bool:
    """Hand the supplier back to automatic placing; True if it was the lead's.

    The numbers stay (matching may now change them); the postcode goes back to the one the spend
    files gave (the spellings' postcodes), else to the register's.
    """
    if not supplier.place_by_lead:
        return False
    before = _state(supplier)
    from_file = action.session.scalar(
        select(SupplierAlias.postcode).where(SupplierAlias.supplier_id == supplier.id, SupplierAlias.postcode != "")
        .group_by(SupplierAlias.postcode).order_by(func.count().desc(), SupplierAlias.postcode).limit(1)
    )
    supplier.place_by_lead = False
    supplier.placed_by_id = None
    supplier.postcode = from_file
    supplier.place_source = "spend_file" if from_file else None
    supplier.place_source_date = None
    return _placed_again(action, supplier, before, "supplier.placed_automatically")


def _placed_again(action: LeadAction, supplier: Supplier, before: dict, event: str) -> bool:
    action.session.flush()
    place_suppliers(action.session, action.network, [supplier.id], user=action.user)
    action.session.refresh(supplier)
    after = _state(supplier)
    changed = sorted(k for k in after if after[k] != before[k])
    action.record(event, supplier_id=supplier.id, supplier=supplier.name,
                  before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return True


@dataclass(frozen=True)
class Placement:
    """What the supplier page says about where a supplier is and what it is."""

    source: str
    district: str | None
    ward: str | None
    branch_district: str | None
    imd_decile: int | None
    locality: str
    kind: str
    kind_from: str
    sme_from: str


def placement(session, supplier: Supplier) -> Placement:
    """Where the supplier's place came from (the spend file, a register and its date, the API, by hand by whom)."""
    source = supplier.place_source
    if source == "lead":
        who = session.get(User, supplier.placed_by_id) if supplier.placed_by_id else None
        said = f"Set by hand by {who.name}" if who else "Set by hand"
    elif source == "spend_file":
        said = "From a partner's spend file"
    elif source in REGISTER_NAMES:
        dated = f" of {supplier.place_source_date:%-d %B %Y}" if supplier.place_source_date else ""
        said = f"From {REGISTER_NAMES[source]}{dated}"
    elif source == "api":
        dated = f" on {supplier.place_source_date:%-d %B %Y}" if supplier.place_source_date else ""
        said = f"From Companies House's live service{dated}"
    else:
        said = "No address known"
    names = area_names(session, [supplier.district_code, supplier.ward_code, supplier.branch_district_code])

    def name(code):
        return f"{names[code]} ({code})" if code in names else code

    return Placement(
        source=said, district=name(supplier.district_code), ward=name(supplier.ward_code),
        branch_district=name(supplier.branch_district_code), imd_decile=supplier.imd_decile,
        locality=LOCALITY_TEXT.get(supplier.locality, "Not placed: no postcode the postcode directory holds"),
        kind=KIND_TEXT.get(supplier.kind, supplier.kind),
        kind_from="Set by hand" if supplier.kind_by_lead else "From the registers and the name",
        sme_from="Set by hand" if supplier.sme_by_lead else "From the company's accounts",
    )
