"""A partner's contracts: record and change them, inside the partner's tenant context."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier

from . import living_wage
from .models import REPORTING_FREQUENCIES, RLW_ANSWERS, ROUTES, Contract
from .problems import SocialValueProblem
from .tasks import queue_totals_refresh
from .tenancy import current_partner_id

EDITABLE = (
    "title", "supplier_id", "supplier_name_as_given", "value_pence", "start_date", "end_date",
    "category", "route", "rlw_in_scope", "supplier_pays_rlw", *living_wage.FACTS, "renewal_date",
    "reporting_frequency", "supplier_contact_email", "contract_manager_id",
)


def own_suppliers(organisation_id: int):
    """The network register's suppliers this partner pays (its spend lines) or has a contract with.

    All a partner may see of the shared register: which suppliers another partner pays is that
    partner's to share, and partners share only with the lead (docs/security.md, V8).
    The tenant filter binds both subqueries too; the explicit partner is the rule, said plainly.
    """
    from portal.spend.models import SpendLine

    paid = select(SpendLine.supplier_id).where(SpendLine.organisation_id == organisation_id)
    contracted = select(Contract.supplier_id).where(Contract.organisation_id == organisation_id)
    return select(Supplier).where(or_(Supplier.id.in_(paid), Supplier.id.in_(contracted)))


def _check(session: Session, organisation_id: int, fields: dict) -> None:
    if fields.get("route") is not None and fields["route"] not in ROUTES:
        raise SocialValueProblem(f"Route must be one of: {', '.join(ROUTES)}")
    if fields.get("supplier_pays_rlw") is not None and fields["supplier_pays_rlw"] not in RLW_ANSWERS:
        raise SocialValueProblem("Whether the supplier pays the Real Living Wage must be yes, no or unknown")
    value = fields.get("value_pence")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise SocialValueProblem("The contract value must be a whole number of pence, not negative")
    start, end = fields.get("start_date"), fields.get("end_date")
    if start and end and end < start:
        raise SocialValueProblem("The contract cannot end before it starts")
    if fields.get("reporting_frequency") is not None and fields["reporting_frequency"] not in REPORTING_FREQUENCIES:
        raise SocialValueProblem(f"How often returns are due must be one of: {', '.join(REPORTING_FREQUENCIES)}")
    email = fields.get("supplier_contact_email")
    if email is not None and ("@" not in email or len(email) > 320 or any(c.isspace() for c in email)):
        raise SocialValueProblem("Enter the supplier contact's email address, like name@example.com")
    if fields.get("reporting_frequency") not in (None, "none") and not email:
        raise SocialValueProblem("Enter the supplier contact's email address: returns are chased by email")
    if fields.get("contract_manager_id") is not None and not is_partner_member(session, organisation_id, fields["contract_manager_id"]):
        raise SocialValueProblem("The contract manager must be one of your organisation's people")
    if fields.get("renewal_date") and start and fields["renewal_date"] < start:
        raise SocialValueProblem("The renewal date cannot be before the contract starts")
    if fields.get("supplier_id") is not None:
        from tenants.models import Organisation

        organisation = session.get(Organisation, organisation_id)
        supplier = session.get(Supplier, fields["supplier_id"])
        if supplier is None or supplier.network_id != organisation.network_id:
            raise SocialValueProblem("That supplier is not in the network's register")
        if not session.scalar(select(own_suppliers(organisation_id).where(Supplier.id == supplier.id).exists())):
            raise SocialValueProblem("That supplier is not one you pay: type its name instead")


def create_contract(
    session: Session, *, reference: str, title: str, start_date: date, end_date: date | None = None,
    supplier_id: int | None = None, supplier_name_as_given: str | None = None, value_pence: int = 0,
    category: str | None = None, route: str = "procurement", rlw_in_scope: bool = False,
    supplier_pays_rlw: str = "unknown", **more,
) -> Contract:
    """Record a contract for the current partner; the reference must be new to the partner."""
    organisation_id = current_partner_id()
    reference = reference.strip()
    if not reference:
        raise SocialValueProblem("Enter the contract reference")
    fields = {
        "title": title.strip(), "supplier_id": supplier_id, "supplier_name_as_given": supplier_name_as_given,
        "value_pence": value_pence, "start_date": start_date, "end_date": end_date, "category": category, "route": route,
        "rlw_in_scope": rlw_in_scope, "supplier_pays_rlw": supplier_pays_rlw,
    }
    unknown = set(more) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not a contract field: {', '.join(sorted(unknown))}")
    fields |= more
    _check(session, organisation_id, fields)
    # In scope for the Real Living Wage follows the rule when its facts are recorded (living_wage.py).
    fields = living_wage.decide_scope(fields)
    if contract_by_reference(session, reference) is not None:
        raise SocialValueProblem(f"You already have a contract with reference {reference}")
    contract = Contract(organisation_id=organisation_id, reference=reference, **fields)
    session.add(contract)
    session.flush()
    return contract


def update_contract(session: Session, contract: Contract, **changes) -> Contract:
    """Change a contract's details (not its reference); commitments keep their valuation."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    merged = {name: getattr(contract, name) for name in EDITABLE} | changes
    _check(session, contract.organisation_id, merged)
    decided = living_wage.decide_scope(merged)
    if decided.get("rlw_rule_version") is not None or "rlw_in_scope" in changes:
        changes = changes | {"rlw_in_scope": decided["rlw_in_scope"]}
    changes = changes | {"rlw_rule_version": decided["rlw_rule_version"]}
    if merged["route"] != contract.route:  # every year's route figures move
        queue_totals_refresh(session, contract.organisation_id)
    for name, value in changes.items():
        setattr(contract, name, value)
    session.flush()
    return contract


def contract_by_reference(session: Session, reference: str) -> Contract | None:
    """The current partner's contract with this reference (the tenant filter applies)."""
    return session.scalars(select(Contract).where(Contract.reference == reference.strip())).first()


def get_contract(session: Session, contract_id: int) -> Contract | None:
    """A contract visible in the current tenant context, or None (views answer 404)."""
    return session.scalars(select(Contract).where(Contract.id == contract_id)).first()


def is_partner_member(session: Session, organisation_id: int, user_id: int) -> bool:
    """Whether the user is an active member of the partner (a contract manager must be)."""
    from tenants.models import Membership, User

    return bool(session.scalar(select(Membership.id).join(User, User.id == Membership.user_id).where(
        Membership.organisation_id == organisation_id, Membership.user_id == user_id, User.active.is_(True))))


def partner_people(session: Session, organisation_id: int):
    """The partner's active people, by name: who may manage a contract."""
    from tenants.models import Membership, User

    return session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.organisation_id == organisation_id, User.active.is_(True)).order_by(User.name)).all()


def contracts_in_rlw_scope(session: Session) -> list[Contract]:
    """Every visible contract in scope for the Real Living Wage, by reference (scrutiny's list)."""
    return list(session.scalars(select(Contract).where(Contract.rlw_in_scope.is_(True)).order_by(Contract.reference)))
