"""Opportunities as Open Contracting Data Standard 1.1 releases, through the whole lifecycle.

One release for each stage an opportunity reached: planning (it was planned or in market
engagement), market engagement (``planningUpdate``), tender, award (the winner, and who bid),
contract (the contract the award became) and cancellation. A release's id is the ocid and the
stage (``<ocid>-tender``), so the same history gives the same ids every time it is published.
The portal keeps no history of edits: each release carries the opportunity's fields as they are
now, with the tender status, dates and sections of its own stage. See the OCDS 1.1 reference
(https://standard.open-contracting.org/1.1/en/schema/reference/) and, for what goes in each
stage, https://standard.open-contracting.org/1.1/en/guidance/map/.

Money leaves here as a Decimal of pounds, derived from integer pence exactly, and is written as
a JSON number by simplejson (``use_decimal``): never a float.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import simplejson

from portal import cpv
from portal.org_ids import org_identifier
from tenants.models import as_utc

from .histories import BidRecord, OpportunityHistory
from .queries import PublicOpportunity

VERSION = "1.1"
# Lots are not in the 1.1 core schema; declared only when a release has lots.
LOTS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
# tender.suitability.sme, as the UK's Find a Tender service publishes it (it also writes ``vcse``,
# an additional field that version of the extension does not define yet).
SUITABILITY_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_suitability_extension/master/extension.json")
UK = ZoneInfo("Europe/London")
CURRENCY = "GBP"
PLANNING_STAGES = ("planned", "market_engagement")
# The tender status each release shows (OCDS tenderStatus codelist).
TENDER_STATUS = {
    "planning": "planning", "engagement": "planning", "tender": "active", "award": "complete",
    "contract": "complete", "cancellation": "cancelled",
}
TAGS = {
    "planning": "planning", "engagement": "planningUpdate", "tender": "tender", "award": "award",
    "contract": "contract", "cancellation": "tenderCancellation",
}


def ocid(prefix: str, opportunity: PublicOpportunity) -> str:
    """'<prefix>-<network slug>-<id>': unique to the opportunity for as long as the network keeps its slug."""
    return f"{prefix}-{opportunity.network_slug}-{opportunity.id}"


def pounds(pence: int) -> Decimal:
    """Integer pence to a Decimal of pounds, exactly (12345 -> Decimal('123.45'))."""
    return Decimal(pence).scaleb(-2)


def _money(pence: int) -> dict:
    return {"amount": pounds(pence), "currency": CURRENCY}


def _start_of(day: date) -> datetime:
    """A UK date as the moment it began in London (what the officer meant by "on 2 November")."""
    return datetime.combine(day, time(0, 0), UK)


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat(timespec="seconds")


def _buyer(prefix: str, opportunity: PublicOpportunity) -> dict:
    return {"id": f"{prefix}-partner-{opportunity.partner_slug}", "name": opportunity.partner_name}


def bidder_party(prefix: str, bid: BidRecord) -> dict:
    """A bidder as an organisation reference: its register id when known, else the portal's own."""
    known = org_identifier(bid.company_number, bid.charity_number)
    if known:
        scheme, number = known
        return {"id": f"{scheme}-{number}", "name": bid.name,
                "identifier": {"scheme": scheme, "id": number, "legalName": bid.name}}
    if bid.supplier_id is not None:
        return {"id": f"{prefix}-supplier-{bid.supplier_id}", "name": bid.name}
    return {"id": f"{prefix}-business-{bid.business_id}", "name": bid.name}


def _reference(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


def stages(history: OpportunityHistory) -> list[tuple[str, datetime]]:
    """The stages the opportunity reached, each with when it began, in order and never going back in time."""
    o = history.opportunity
    first_seen = o.published_at or o.created_at or o.updated_at
    found: list[tuple[str, datetime]] = []
    planned = (o.stage in PLANNING_STAGES or o.market_engagement_on or o.expected_market_engagement_on
               or o.expected_tender_on)
    if planned:
        found.append(("planning", first_seen))
    if o.market_engagement_on:
        found.append(("engagement", _start_of(o.market_engagement_on)))
    if o.tender_on or o.stage in ("tender", "awarded"):
        began = _start_of(o.tender_on) if o.tender_on else first_seen
        # Put out to tender and published the same day or later: the public saw it when it was published.
        if o.published_at and o.tender_on and as_utc(o.published_at).astimezone(UK).date() >= o.tender_on:
            began = o.published_at
        found.append(("tender", began))
    if history.award:
        found.append(("award", _start_of(history.award.awarded_on)))
    if history.award and history.contract:
        found.append(("contract", _start_of(history.contract.start_date or history.award.awarded_on)))
    if o.stage == "cancelled":
        found.append(("cancellation", _start_of(o.cancelled_on) if o.cancelled_on else o.updated_at))
    in_order, latest = [], None
    for stage, moment in found:
        latest = moment if latest is None or as_utc(moment) > as_utc(latest) else latest
        in_order.append((stage, latest))
    return in_order


def _tender_status(o: PublicOpportunity, stage: str) -> str:
    # Closed by the partner while out to tender, with no award: no longer taking bids.
    if stage == "tender" and o.stage == "tender" and o.status == "closed":
        return "complete"
    return TENDER_STATUS[stage]


def _tender(prefix: str, history: OpportunityHistory, stage: str, with_bidders: bool) -> dict:
    o = history.opportunity
    tender = {
        "id": str(o.id),
        "title": o.title,
        "description": o.description,
        "status": _tender_status(o, stage),
        "procuringEntity": _buyer(prefix, o),
        "items": [
            {"id": str(number), "description": cpv.label(code),
             "classification": {"scheme": "CPV", "id": code, "description": cpv.label(code)}}
            for number, code in enumerate(o.cpv_codes, start=1)
        ],
        # As the UK's Find a Tender service publishes it.
        "suitability": {"sme": o.suitable_for_sme, "vcse": o.suitable_for_vcse},
    }
    if o.estimated_value_pence is not None:
        tender["value"] = _money(o.estimated_value_pence)
    if stage in ("planning", "engagement"):
        if o.expected_tender_on:
            tender["tenderPeriod"] = {"startDate": _iso(_start_of(o.expected_tender_on))}
    else:
        period = {"endDate": datetime.combine(o.closing_date, time(23, 59, 59), UK).isoformat()}
        if o.tender_on:
            period = {"startDate": _iso(_start_of(o.tender_on)), **period}
        # The closing date is a UK date: bids are taken to the end of that day, London time.
        tender["tenderPeriod"] = period
        tender["submissionMethod"] = ["electronicSubmission"]
        tender["submissionMethodDetails"] = f"Email {o.contact_name} at {o.contact_email}"
    awarded = history.award.awarded_on if history.award and stage in ("award", "contract") else o.expected_award_on
    if awarded:
        tender["awardPeriod"] = {"endDate": _iso(_start_of(awarded))}
    if stage in ("award", "contract") and history.bids:
        tender["numberOfTenderers"] = len(history.bids)
        if with_bidders:
            tender["tenderers"] = [_reference(bidder_party(prefix, b)) for b in history.bids]
    if o.lots:
        tender["lots"] = [
            {"id": str(lot.number), "title": lot.title, "description": lot.description,
             "status": "cancelled" if stage == "cancellation" else ("complete" if stage in ("award", "contract") else "active")}
            for lot in o.lots
        ]
    return tender


def _winner(history: OpportunityHistory) -> BidRecord | None:
    if history.award is None:
        return None
    return next((b for b in history.bids if b.id == history.award.bid_id), None)


def _parties(prefix: str, history: OpportunityHistory, stage: str, with_bidders: bool) -> list[dict]:
    o = history.opportunity
    parties = {}
    buyer = {**_buyer(prefix, o), "roles": ["buyer", "procuringEntity"]}
    if o.contact_name or o.contact_email:
        buyer["contactPoint"] = {k: v for k, v in (("name", o.contact_name), ("email", o.contact_email)) if v}
    parties[buyer["id"]] = buyer
    if stage in ("award", "contract"):
        winner = _winner(history)
        for bid in history.bids if with_bidders else [b for b in (winner,) if b]:
            party = bidder_party(prefix, bid)
            held = parties.setdefault(party["id"], {**party, "roles": []})
            for role in (["tenderer"] if with_bidders else []) + (["supplier"] if bid == winner else []):
                if role not in held["roles"]:
                    held["roles"].append(role)
    return list(parties.values())


def _award(prefix: str, history: OpportunityHistory) -> dict:
    award, winner = history.award, _winner(history)
    found = {"id": str(award.id), "title": history.opportunity.title, "status": "active",
             "date": _iso(_start_of(award.awarded_on)), "value": _money(award.value_pence)}
    if winner:
        found["suppliers"] = [_reference(bidder_party(prefix, winner))]
    return found


def _contract(history: OpportunityHistory, today: date) -> dict:
    contract, award = history.contract, history.award
    ends = contract.expiry_date or contract.end_date
    status = ("pending" if contract.start_date and contract.start_date > today
              else "terminated" if ends and ends < today else "active")
    found = {"id": str(contract.id), "awardID": str(award.id), "title": contract.title, "status": status}
    if contract.description:
        found["description"] = contract.description
    period = {}
    if contract.start_date:
        period["startDate"] = _iso(_start_of(contract.start_date))
    if ends:
        period["endDate"] = _iso(datetime.combine(ends, time(23, 59, 59), UK))
    if period:
        found["period"] = period
    if contract.value_pence is not None:
        found["value"] = _money(contract.value_pence)
    return found


def releases(history: OpportunityHistory, prefix: str, *, with_bidders: bool = False, today: date | None = None) -> list[dict]:
    """One release for each stage the opportunity reached, oldest first.

    ``with_bidders``: name every bidder (the partner's own export); the public reads how many
    bid and who won, as a UK contract award notice says.
    """
    o = history.opportunity
    the_ocid = ocid(prefix, o)
    out = []
    for stage, began in stages(history):
        release = {
            "ocid": the_ocid,
            "id": f"{the_ocid}-{stage}",
            "date": _iso(began),
            "tag": [TAGS[stage]],
            "initiationType": "tender",
            "language": "en",
            "parties": _parties(prefix, history, stage, with_bidders),
            "buyer": _buyer(prefix, o),
        }
        if stage in ("planning", "engagement"):
            milestones = _engagement_milestones(o)
            if milestones:
                release["planning"] = {"milestones": milestones}
        release["tender"] = _tender(prefix, history, stage, with_bidders)
        if stage in ("award", "contract"):
            release["awards"] = [_award(prefix, history)]
        if stage == "contract":
            release["contracts"] = [_contract(history, today or date.today())]
        out.append(release)
    return out


def _engagement_milestones(o: PublicOpportunity) -> list[dict]:
    if not (o.expected_market_engagement_on or o.market_engagement_on):
        return []
    milestone = {"id": "market-engagement", "title": "Market engagement", "type": "engagement",
                 "status": "met" if o.market_engagement_on else "scheduled"}
    if o.expected_market_engagement_on:
        milestone["dueDate"] = _iso(_start_of(o.expected_market_engagement_on))
    if o.market_engagement_on:
        milestone["dateMet"] = _iso(_start_of(o.market_engagement_on))
    return [milestone]


def release_package(
    histories: list[OpportunityHistory], *, prefix: str, uri: str, publisher: str, published: datetime | None = None,
    with_bidders: bool = False, today: date | None = None,
) -> dict:
    """A release package of every release of the opportunities, the extensions it uses declared."""
    all_releases = [r for h in histories for r in releases(h, prefix, with_bidders=with_bidders, today=today)]
    extensions = [SUITABILITY_EXTENSION] if all_releases else []
    if any("lots" in r["tender"] for r in all_releases):
        extensions.insert(0, LOTS_EXTENSION)
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": extensions,
        "publishedDate": _iso(published or datetime.now(UTC)),
        "publisher": {"name": publisher},
        "releases": all_releases,
    }


def dumps(package: dict) -> str:
    """The package as JSON text, amounts as exact numbers."""
    return simplejson.dumps(package, use_decimal=True, ensure_ascii=False, indent=2)
