"""The two chasing emails, rendered by the worker as it sends them (portal/mail/messages.py).

The supplier's email carries its self-reporting link, signed there and then:
the link exists only in the message handed to SMTP. Either email is dropped if it
no longer applies when its turn comes (the return was met, the contact or the
manager changed, the contract is gone).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from portal.mail.messages import link
from tenants import tenant_context
from tenants.models import Organisation

from .chasing import return_met
from .models import ReturnReminder
from .supplier_link import make_supplier_link_token


def _period(reminder: ReturnReminder) -> str:
    return f"{reminder.period_start:%-d %B %Y} to {reminder.period_end:%-d %B %Y}"


def supplier_return_due(session: Session, recipient: str, organisation_id: int, reminder_id: int) -> str | None:
    with tenant_context(organisation_id):
        reminder = session.get(ReturnReminder, reminder_id)
        if reminder is None or reminder.organisation_id != organisation_id:
            return None
        contract = reminder.contract
        if contract.supplier_contact_email != recipient or return_met(session, contract.id, reminder.period_start, reminder.period_end):
            return None
        partner = session.get(Organisation, organisation_id).name
        url = link("social_value.supplier_report", token=make_supplier_link_token(contract))
        return (
            f"Hello,\n\n{partner} asks for your social value return for contract {contract.reference} "
            f"({contract.title}), for {_period(reminder)}. It was due on {reminder.due_on:%-d %B %Y}.\n\n"
            f"Report what you delivered, with any evidence, here (no account needed):\n\n{url}\n\n"
            "The link is for this contract only. Please do not forward it.\n"
        )


def contract_return_overdue(session: Session, recipient: str, organisation_id: int, reminder_id: int) -> str | None:
    with tenant_context(organisation_id):
        reminder = session.get(ReturnReminder, reminder_id)
        if reminder is None or reminder.organisation_id != organisation_id or reminder.escalated_to != recipient:
            return None
        contract = reminder.contract
        if return_met(session, contract.id, reminder.period_start, reminder.period_end):
            return None
        supplier = contract.supplier.name if contract.supplier else contract.supplier_name_as_given
        url = link("social_value.contract", contract_id=contract.id)
        return (
            f"Hello,\n\n{supplier or 'The supplier'} has not sent its social value return for contract "
            f"{contract.reference} ({contract.title}), for {_period(reminder)}. It was due on "
            f"{reminder.due_on:%-d %B %Y} and the supplier was reminded"
            f"{' at ' + reminder.sent_to if reminder.sent_to else ' (no supplier contact is recorded, so no email went)'}.\n\n"
            f"You are the contract's manager. Sign in to see the contract and record what you agree:\n\n{url}\n"
        )
