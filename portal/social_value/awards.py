"""An awarded opportunity handed over to social value: its contract, and its asks as proposals to confirm.

Called by ``portal.opportunities.awards`` inside the partner's tenant scope. The proposals
live in their own table (``ProposedCommitment``), never in ``sv_commitments``, so no totals
query can count one: only ``confirm_proposal`` makes a commitment, through ``record_commitment``.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.suppliers.models import Supplier
from tenants.models import Organisation

from .commitments import record_commitment
from .contracts import contract_by_reference
from .models import Commitment, Contract, Measure, ProposedCommitment
from .problems import SocialValueProblem
from .tenancy import current_partner_id


def contract_from_award(
    session: Session, *, reference: str, title: str, description: str, supplier_id: int | None,
    supplier_name: str, value_pence: int, start_date: date, category: str | None,
) -> Contract:
    """A new contract of the current partner for an award; the winner may be new to the partner.

    Unlike a contract entered by hand, the supplier need not be one the partner already pays:
    the award is what makes it one. It must still be in the partner's network's register.
    """
    organisation_id = current_partner_id()
    if not isinstance(value_pence, int) or isinstance(value_pence, bool) or value_pence < 0:
        raise SocialValueProblem("The contract value must be a whole number of pence, not negative")
    if supplier_id is not None:
        organisation = session.get(Organisation, organisation_id)
        supplier = session.get(Supplier, supplier_id)
        if supplier is None or supplier.network_id != organisation.network_id:
            raise SocialValueProblem("That supplier is not in the network's register")
    base, n = reference, 1
    while contract_by_reference(session, reference) is not None:
        n += 1
        reference = f"{base}-{n}"
    contract = Contract(
        organisation_id=organisation_id, reference=reference, title=title[:300], description=description or None,
        supplier_id=supplier_id, supplier_name_as_given=supplier_name, value_pence=value_pence,
        start_date=start_date, category=category,
    )
    session.add(contract)
    session.flush()
    return contract


def propose_commitments(session: Session, contract: Contract, asks) -> list[ProposedCommitment]:
    """Each ask, carried onto the contract as a proposal for the officer to confirm (counted nowhere yet)."""
    proposals = [
        ProposedCommitment(
            organisation_id=contract.organisation_id, contract_id=contract.id, ask_id=ask.id, kind=ask.kind,
            title=ask.title, beneficiary=ask.beneficiary or "", status="proposed",
        )
        for ask in asks
    ]
    session.add_all(proposals)
    session.flush()
    return proposals


def contract_proposals(session: Session, contract: Contract) -> list[ProposedCommitment]:
    """The contract's proposals, those still to decide first."""
    return list(session.scalars(
        select(ProposedCommitment).where(ProposedCommitment.contract_id == contract.id)
        .order_by(ProposedCommitment.status != "proposed", ProposedCommitment.id)
    ))


def get_proposal(session: Session, proposal_id: int) -> ProposedCommitment | None:
    """A proposal of the current partner, or None (another partner's is invisible)."""
    return session.scalar(select(ProposedCommitment).where(ProposedCommitment.id == proposal_id))


def confirm_proposal(
    session: Session, proposal: ProposedCommitment, measure: Measure, *, quantity, committed_on: date,
) -> Commitment:
    """The officer agreed the proposal with the supplier: it becomes a commitment to ``quantity`` of ``measure``."""
    if proposal.status != "proposed":
        raise SocialValueProblem(f"This proposal is already {proposal.status}")
    commitment = record_commitment(session, proposal.contract, measure, committed_on=committed_on, quantity=quantity)
    proposal.status, proposal.commitment_id = "confirmed", commitment.id
    session.flush()
    return commitment


def drop_proposal(session: Session, proposal: ProposedCommitment) -> ProposedCommitment:
    """The supplier will not take this ask on: the proposal is dropped, and counts nowhere."""
    if proposal.status != "proposed":
        raise SocialValueProblem(f"This proposal is already {proposal.status}")
    proposal.status = "dropped"
    session.flush()
    return proposal
