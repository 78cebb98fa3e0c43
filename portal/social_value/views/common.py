"""What the social value views share: loading a partner's rows (404 otherwise) and the audit log."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from portal.accounts.services import record
from portal.extensions import db
from portal.network.supplier_register import home_partner
from tenants import tenant_context
from tenants.web import current_partner

from .. import commitments, contracts, delivery


def contract_or_404(contract_id: int):
    """:raise 404: unless the contract is the current partner's (the tenant filter hides others)."""
    found = contracts.get_contract(db.session, contract_id)
    if found is None:
        abort(404)
    return found


def commitment_or_404(commitment_id: int):
    """:raise 404: unless the commitment is the current partner's."""
    found = commitments.get_commitment(db.session, commitment_id)
    if found is None:
        abort(404)
    return found


def report_or_404(report_id: int):
    """:raise 404: unless the delivery report is the current partner's."""
    found = delivery.get_report(db.session, report_id)
    if found is None:
        abort(404)
    return found


def audit(action: str, **detail) -> None:
    """Record a partner's change in its own audit log."""
    record(db.session, action, current_user, **detail)


def lead_audit(network, action: str, **detail) -> None:
    """Record a lead's change to the network in the audit log of the lead's own partner in it.

    :raise 403: when the lead belongs to no partner of the network (an unrecorded change is not allowed).
    """
    partner = current_partner()
    home = home_partner(db.session, network, current_user, partner.organisation.id if partner else None)
    if home is None:
        abort(403, description=f"Changes to {network.name}'s social value are recorded in the audit log of your own "
                               "partner in the network, and you are not a member of any of its partners.")
    with tenant_context(home.id):
        record(db.session, action, current_user, network_id=network.id, **detail)
        db.session.flush()
