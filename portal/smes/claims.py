"""A registered business's claim to be a supplier in its network's register, and the lead's word on it.

The business's company or charity number (or its name and postcode) points at a
register entry: that is only a claim, since anyone can type a number. It is
proven when the network lead confirms it. A business's verified email domain
cannot prove it here: no supplier row holds an email address or a domain, so
there is nothing to match it against. Until the claim is confirmed the business
learns nothing about the register: not whether the number matched, nor what
partners have paid. Plain functions on a session; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier
from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Network, User

from .models import SmeProfile

PENDING, CONFIRMED, REJECTED = "pending", "confirmed", "rejected"


class ClaimProblem(LookupError):
    """No claim of this business waits for the lead (views answer 404)."""


def propose_supplier(profile: SmeProfile, supplier_id: int | None) -> None:
    """Record what the business's details now point at; a new target is a new claim, never a link."""
    if supplier_id == profile.claimed_supplier_id:
        return  # the same entry as before: keep the lead's word on it (confirmed or rejected)
    profile.claimed_supplier_id = supplier_id
    profile.claim_status = PENDING if supplier_id is not None else None
    profile.supplier_id = None


@dataclass(frozen=True)
class Claim:
    business_id: int
    business_name: str
    company_number: str | None
    charity_number: str | None
    postcode: str
    contact_email: str
    account_email: str
    account_verified: bool
    supplier: Supplier


def _network_businesses(network: Network, why: str):
    return network_wide((), why, business_networks=[network.id])


def pending_claims(session: Session, network: Network) -> list[Claim]:
    """Claims of the network's businesses waiting for the lead, oldest business first."""
    with _network_businesses(network, "the lead's list of claims to the supplier register"):
        rows = session.execute(
            select(SmeProfile, Business.name, Supplier)
            .join(Business, Business.id == SmeProfile.business_id)
            .join(Supplier, Supplier.id == SmeProfile.claimed_supplier_id)
            .where(SmeProfile.network_id == network.id, SmeProfile.claim_status == PENDING,
                   Supplier.network_id == network.id)
            .order_by(SmeProfile.business_id)
        ).all()
        accounts = {u.business_id: u for u in session.scalars(
            select(User).where(User.business_id.in_([profile.business_id for profile, _, _ in rows])))}
        return [
            Claim(profile.business_id, name, profile.company_number, profile.charity_number, profile.postcode,
                  profile.contact_email, accounts[profile.business_id].email if profile.business_id in accounts else "",
                  bool(accounts.get(profile.business_id) and accounts[profile.business_id].email_verified_at), supplier)
            for profile, name, supplier in rows
        ]


def decide_claim(action, business_id: int, confirm: bool) -> Supplier:
    """Confirm (link the business to the entry) or reject a pending claim; recorded in the lead's audit log.

    ``action`` is the lead's ``LeadAction`` (portal/network/supplier_register.py).
    :raise ClaimProblem: when the business is not the network's or has no pending claim.
    """
    session, network = action.session, action.network
    with _network_businesses(network, "the lead decides a claim to the supplier register"):
        profile = session.scalar(select(SmeProfile).where(SmeProfile.business_id == business_id,
                                                          SmeProfile.network_id == network.id))
        if profile is None or profile.claim_status != PENDING or profile.claimed_supplier_id is None:
            raise ClaimProblem(business_id)
        supplier = session.get(Supplier, profile.claimed_supplier_id)
        business = session.get(Business, business_id)
        profile.claim_status = CONFIRMED if confirm else REJECTED
        profile.supplier_id = supplier.id if confirm else None
        session.flush()
        name = business.name if business else str(business_id)
    action.record("sme_claim.confirmed" if confirm else "sme_claim.rejected", business_id=business_id,
                  business=name, supplier_id=supplier.id, supplier=supplier.name)
    return supplier
