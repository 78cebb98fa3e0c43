"""Published opportunities as Open Contracting Data Standard 1.1 releases (tender stage).

See the OCDS 1.1 reference (https://standard.open-contracting.org/1.1/en/schema/reference/).
Money leaves here as a Decimal of pounds, derived from integer pence exactly,
and is written as a JSON number by simplejson (``use_decimal``): never a float.
"""
from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import simplejson

from portal import cpv
from tenants.models import as_utc

from .queries import PublicOpportunity

VERSION = "1.1"
# Lots are not in the 1.1 core schema: declared through the lots extension.
EXTENSIONS = ["https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"]
UK = ZoneInfo("Europe/London")


def ocid(prefix: str, opportunity: PublicOpportunity) -> str:
    """'<prefix>-<network slug>-<id>': unique to the opportunity for as long as the network keeps its slug."""
    return f"{prefix}-{opportunity.network_slug}-{opportunity.id}"


def pounds(pence: int) -> Decimal:
    """Integer pence to a Decimal of pounds, exactly (12345 -> Decimal('123.45'))."""
    return Decimal(pence).scaleb(-2)


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="seconds")


def _party_id(prefix: str, opportunity: PublicOpportunity) -> str:
    return f"{prefix}-partner-{opportunity.partner_slug}"


def release(opportunity: PublicOpportunity, prefix: str) -> dict:
    """One release describing the opportunity as it is now."""
    the_ocid = ocid(prefix, opportunity)
    changed = opportunity.updated_at
    buyer = {"id": _party_id(prefix, opportunity), "name": opportunity.partner_name}
    first = opportunity.published_at is None or (changed - opportunity.published_at).total_seconds() < 1
    tender = {
        "id": str(opportunity.id),
        "title": opportunity.title,
        "description": opportunity.description,
        "status": "active",
        "procuringEntity": buyer,
        "items": [
            {
                "id": str(number),
                "description": cpv.label(code),
                "classification": {"scheme": "CPV", "id": code, "description": cpv.label(code)},
            }
            for number, code in enumerate(opportunity.cpv_codes, start=1)
        ],
        # The closing date is a UK date: bids are taken to the end of that day, London time.
        "tenderPeriod": {"endDate": datetime.combine(opportunity.closing_date, time(23, 59, 59), UK).isoformat()},
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": f"Email {opportunity.contact_name} at {opportunity.contact_email}",
        # As the UK's Find a Tender service publishes it.
        "suitability": {"sme": opportunity.suitable_for_sme, "vcse": opportunity.suitable_for_vcse},
    }
    if opportunity.estimated_value_pence is not None:
        tender["value"] = {"amount": pounds(opportunity.estimated_value_pence), "currency": "GBP"}
    if opportunity.lots:
        tender["lots"] = [
            {"id": str(lot.number), "title": lot.title, "description": lot.description, "status": "active"}
            for lot in opportunity.lots
        ]
    return {
        "ocid": the_ocid,
        "id": f"{the_ocid}-{changed.strftime('%Y%m%dT%H%M%S')}",
        "date": _iso(changed),
        "tag": ["tender" if first else "tenderUpdate"],
        "initiationType": "tender",
        "language": "en",
        "parties": [
            {
                **buyer,
                "roles": ["buyer", "procuringEntity"],
                "contactPoint": {"name": opportunity.contact_name, "email": opportunity.contact_email},
            }
        ],
        "buyer": buyer,
        "tender": tender,
    }


def release_package(
    opportunities: list[PublicOpportunity], *, prefix: str, uri: str, publisher: str, published: datetime | None = None
) -> dict:
    """A release package of the opportunities' current releases."""
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": _iso(published or datetime.now(UTC)),
        "publisher": {"name": publisher},
        "releases": [release(o, prefix) for o in opportunities],
    }


def dumps(package: dict) -> str:
    """The package as JSON text, amounts as exact numbers."""
    return simplejson.dumps(package, use_decimal=True, ensure_ascii=False, indent=2)
