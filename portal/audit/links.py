"""Where each audit event's record can be seen: the page of the row itself, or of the row it belongs to."""
from __future__ import annotations

from collections import defaultdict

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.extensions import db

# Record type -> (endpoint, its id argument, the column holding that id: "id" for the row itself).
PAGES = {
    "Contract": ("social_value.contract", "contract_id", "id"),
    "Commitment": ("social_value.contract", "contract_id", "contract_id"),
    "ContractNote": ("social_value.contract", "contract_id", "contract_id"),
    "ReturnReminder": ("social_value.contract", "contract_id", "contract_id"),
    "DeliveryReport": ("social_value.delivery_report", "report_id", "id"),
    "EvidenceFile": ("social_value.delivery_report", "report_id", "delivery_report_id"),
    "DeliveryBeneficiaryCount": ("social_value.delivery_report", "report_id", "delivery_report_id"),
    "CaseStudy": ("social_value.delivery_report", "report_id", "delivery_report_id"),
    "SpendImport": ("spend.show_import", "import_id", "id"),
    "BulkImport": ("social_value.bulk_import_page", "bulk_import_id", "id"),
    "ContractRegisterImport": ("contract_registers.show_import", "register_import_id", "id"),
    "Opportunity": ("opportunities.manage", "opportunity_id", "id"),
    "OpportunityLot": ("opportunities.manage", "opportunity_id", "opportunity_id"),
    "SocialValueAsk": ("opportunities.ask", "ask_id", "id"),
    "AskOffer": ("opportunities.ask", "ask_id", "ask_id"),
}
# Records shown on one page of their own kind, not one page each.
LISTS = {
    "Membership": "accounts.people",
    "Invitation": "accounts.people",
    "PartnerTarget": "social_value.targets",
    "PartnerMeasure": "social_value.partner_measures_choice",
}


def _models() -> dict:
    return {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}


def record_links(session: Session, events) -> dict[int, str]:
    """{event id: address} for the events whose record (or the record it belongs to) still exists.

    One query per kind of record on the page; the tenant filter keeps them to the partner's own rows,
    so a row since deleted, or never the partner's, gets no link."""
    wanted = defaultdict(set)
    for event in events:
        if event.object_type in PAGES and event.object_id is not None:
            wanted[event.object_type].add(event.object_id)
    models, targets = _models(), {}
    for kind, ids in wanted.items():
        model, (_, _, column) = models.get(kind), PAGES[kind]
        if model is None:
            continue
        targets[kind] = dict(session.execute(select(model.id, getattr(model, column)).where(model.id.in_(ids))).all())
    links = {}
    for event in events:
        if event.object_type in LISTS:
            links[event.id] = url_for(LISTS[event.object_type])
            continue
        target = targets.get(event.object_type, {}).get(event.object_id)
        if target is not None:
            endpoint, argument, _ = PAGES[event.object_type]
            links[event.id] = url_for(endpoint, **{argument: target})
    return links
