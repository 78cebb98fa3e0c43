"""Recording a partner's grants: plain functions in the partner's tenant scope; they flush, the request commits."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.spend.normalise import (
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
    postcode_district,
)

from .models import Grant
from .problems import GrantProblem

_DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
# Far beyond any grant, and small enough to fit the 64-bit integers both databases keep.
MOST_PENCE = 10_000_000_000 * 100


@dataclass(frozen=True)
class GrantDetails:
    title: str
    recipient_name: str
    amount_pence: int
    awarded_on: date
    description: str = ""
    programme: str = ""
    recipient_charity_number: str = ""
    recipient_company_number: str = ""
    recipient_postcode: str = ""
    recipient_district: str = ""


def partner_grants(session: Session) -> list[Grant]:
    """The current partner's grants, the latest award first."""
    return list(session.scalars(select(Grant).order_by(Grant.awarded_on.desc(), Grant.id.desc())))


def get_grant(session: Session, grant_id: int) -> Grant | None:
    """The current partner's grant, or None (another partner's is not found)."""
    return session.scalar(select(Grant).where(Grant.id == grant_id))


def record_grant(session: Session, details: GrantDetails, recorded_by_id: int | None = None) -> Grant:
    """Record a grant the current partner made (raises GrantProblem naming the field)."""
    grant = Grant(recorded_by_id=recorded_by_id)
    _apply(grant, details)
    session.add(grant)
    session.flush()
    return grant


def update_grant(session: Session, grant: Grant, details: GrantDetails) -> Grant:
    """Change a grant (raises GrantProblem naming the field, leaving the grant as it was)."""
    _apply(grant, details)
    session.flush()
    return grant


def charity_number(text: str) -> str | None:
    """A charity number as its register writes it ("sc 12345" -> "SC012345"); None when blank."""
    try:
        return normalise_charity_number(text or "")
    except ValueError:
        raise GrantProblem(
            "Enter the charity number as its register writes it, like 1123456, SC012345 or NIC100002",
            "recipient_charity_number") from None


def _apply(grant: Grant, details: GrantDetails) -> None:
    checked = check_details(details)
    for name, value in checked.items():
        setattr(grant, name, value)


def check_details(details: GrantDetails) -> dict:
    """The grant's fields as they are to be kept (raises GrantProblem naming the field)."""
    title, recipient = details.title.strip(), details.recipient_name.strip()
    if not title:
        raise GrantProblem("Enter the grant's title", "title")
    if not recipient:
        raise GrantProblem("Enter the name of the organisation that received the grant", "recipient_name")
    amount = details.amount_pence
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise GrantProblem("Enter the amount awarded, more than £0", "amount")
    if amount > MOST_PENCE:
        raise GrantProblem("The amount awarded cannot be more than £10,000,000,000", "amount")
    try:
        company = normalise_company_number(details.recipient_company_number) if details.recipient_company_number.strip() else None
    except ValueError:
        raise GrantProblem("Enter the company number as Companies House writes it, like 01234567 or SC123456",
                           "recipient_company_number") from None
    postcode = district = None
    if details.recipient_postcode.strip():
        try:
            postcode = normalise_postcode(details.recipient_postcode)
        except ValueError:
            raise GrantProblem("Enter a real UK postcode, like S60 1AE", "recipient_postcode") from None
        district = postcode_district(postcode)
    given_district = "".join(details.recipient_district.split()).upper()
    if given_district:
        if not _DISTRICT.match(given_district):
            raise GrantProblem("Enter the postcode district (the first half of a postcode), like S60", "recipient_district")
        if district and given_district != district:
            raise GrantProblem(f"The postcode {postcode} is in {district}, not {given_district}", "recipient_district")
        district = given_district
    return {
        "title": title, "description": details.description.strip(), "programme": details.programme.strip(),
        "recipient_name": recipient, "recipient_charity_number": charity_number(details.recipient_charity_number),
        "recipient_company_number": company, "recipient_postcode": postcode, "recipient_district": district,
        "amount_pence": amount, "awarded_on": details.awarded_on,
    }


def grants_package(session: Session, partner, prefix: str) -> dict:
    """The current partner's grants as a 360Giving package (what the page's download and an API route serve)."""
    from .threesixty import grants_package as package

    return package(prefix, partner, partner_grants(session))
