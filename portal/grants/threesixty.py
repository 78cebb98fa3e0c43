"""A partner's grants in the 360Giving Data Standard (JSON), for anyone who maps where grants go.

Follows the 360Giving standard's schema (https://standard.threesixtygiving.org/en/latest/technical/
reference/): a package is ``{"grants": [...]}``; each grant has an id, title, description,
currency, amountAwarded, awardDate, its recipient and funding organisations. Identifiers:
``360G-<prefix>-<grant id>`` for grants, where the prefix is the one 360Giving registers for the
publisher (the ``THREESIXTY_GIVING_PREFIX`` setting); organisations by org-id.guide
(``GB-CHC-1123456``, ``GB-COH-01234567``), or ``360G-<prefix>-...`` when no register knows them,
as the standard's guidance on identifiers says. Amounts are Decimal pounds from integer pence.
"""
from __future__ import annotations

import re
from decimal import Decimal

import simplejson

from portal.org_ids import org_identifier
from tenants.models import Organisation, as_utc

from .models import Grant

CURRENCY = "GBP"


def grant_id(prefix: str, grant: Grant) -> str:
    return f"360G-{prefix}-{grant.id}"


def pounds(pence: int) -> Decimal:
    """Integer pence to a Decimal of pounds, exactly (12345 -> Decimal('123.45'))."""
    return Decimal(pence).scaleb(-2)


def _local_id(prefix: str, name: str) -> str:
    # The same name gives the same id, so one recipient's grants stay together.
    return f"360G-{prefix}-org-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "unnamed")


def recipient(prefix: str, grant: Grant) -> dict:
    known = org_identifier(grant.recipient_company_number, grant.recipient_charity_number)
    found = {"id": f"{known[0]}-{known[1]}" if known else _local_id(prefix, grant.recipient_name),
             "name": grant.recipient_name}
    if grant.recipient_charity_number:
        found["charityNumber"] = grant.recipient_charity_number
    if grant.recipient_company_number:
        found["companyNumber"] = grant.recipient_company_number
    if grant.recipient_postcode:
        found["postalCode"] = grant.recipient_postcode
    if grant.recipient_district:
        found["location"] = [{"name": f"{grant.recipient_district} postcode district"}]
    return found


def funder(prefix: str, partner: Organisation) -> dict:
    return {"id": f"360G-{prefix}-partner-{partner.slug}", "name": partner.name}


def grant_record(prefix: str, partner: Organisation, grant: Grant) -> dict:
    """One grant as a 360Giving grant."""
    record = {
        "id": grant_id(prefix, grant),
        "title": grant.title,
        # The standard asks for a description; a grant recorded without one is described by its title.
        "description": grant.description or grant.title,
        "currency": CURRENCY,
        "amountAwarded": pounds(grant.amount_pence),
        "awardDate": grant.awarded_on.isoformat(),
        "recipientOrganization": [recipient(prefix, grant)],
        "fundingOrganization": [funder(prefix, partner)],
        "dateModified": as_utc(grant.updated_at).isoformat(timespec="seconds"),
    }
    if grant.programme:
        record["grantProgramme"] = [{"title": grant.programme}]
    return record


def grants_package(prefix: str, partner: Organisation, grants: list[Grant]) -> dict:
    """The partner's grants as a 360Giving package."""
    return {"grants": [grant_record(prefix, partner, g) for g in grants]}


def dumps(package: dict) -> str:
    """The package as JSON text, amounts as exact numbers."""
    return simplejson.dumps(package, use_decimal=True, ensure_ascii=False, indent=2)
