"""One person, one account: what an invitation does to an address that already has one (issue 14, item 5).

- A partner's or lead's account: the invitation adds a membership to it, and the
  partner switcher moves between the partners it belongs to.
- A business (SME or VCSE) account whose address is confirmed: refused, with a
  message. A business account is never a partner's member (tenants/web.py): its
  requests are scoped to its own profile, and one account that switched between
  a business's scope and a partner's would carry a supplier's view into the
  buyer's side. The person is invited at another address instead.
- A business account whose address nobody has confirmed: the registration gives
  way. Anyone can register with any address, so it proves nothing; the invitation
  was emailed to the address, so whoever opens it holds the address. Keeping the
  unconfirmed registration would let a stranger block the real person's partner
  account for good. The unconfirmed business and its account are removed, and the
  partner account is created as for a new address.
"""
from __future__ import annotations

from enum import Enum

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tenants import business_context
from tenants.businesses import Business
from tenants.models import User


class ExistingAccount(Enum):
    NONE = "none"  # a new account is created
    PARTNER = "partner"  # the membership is added to it
    UNCONFIRMED_BUSINESS = "unconfirmed business"  # it gives way to the invitation
    BUSINESS = "business"  # refused


REFUSED = (
    "This email address already belongs to a business registered on the portal, and a business's account "
    "cannot also work for a partner. Ask the person who invited you to invite you at another email address, "
    "such as your work address."
)


def existing_account(user: User | None) -> ExistingAccount:
    if user is None:
        return ExistingAccount.NONE
    if user.business_id is None:
        return ExistingAccount.PARTNER
    if user.email_verified_at is None:
        return ExistingAccount.UNCONFIRMED_BUSINESS
    return ExistingAccount.BUSINESS


def remove_unconfirmed_registration(session: Session, user: User) -> None:
    """Remove a business whose address was never confirmed, with its account; the caller commits.

    Everything the business wrote hangs off it and goes with it (ON DELETE CASCADE).
    """
    if user.business_id is None or user.email_verified_at is not None:
        raise ValueError("only an unconfirmed business's registration gives way to an invitation")
    business_id = user.business_id
    session.flush()
    session.expunge(user)
    with business_context(business_id):
        session.execute(delete(Business).where(Business.id == business_id))
