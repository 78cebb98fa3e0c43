"""Supplier self-reporting: a signed, expiring link for one contract, used without an account.

The token names the organisation and the contract (and the contract's link
version, so a partner can revoke every link it issued by bumping it). Work
done through a link runs inside that organisation's tenant context only, and
only on that contract's commitments.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask import current_app
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.tokens import LinkProblem, read_token
from tenants import tenant_context
from tenants.models import Organisation

from .delivery import BeneficiaryInput, record_delivery
from .models import Commitment, Contract

PURPOSE = "supplier-delivery"
DEFAULT_MAX_AGE_SECONDS = 60 * 24 * 3600  # a quarter's reporting window and some


@dataclass(frozen=True)
class SupplierLink:
    organisation_id: int
    contract_id: int
    version: int


def _max_age(max_age_seconds: int | None) -> int:
    if max_age_seconds is not None:
        return max_age_seconds
    return int(current_app.config.get("SUPPLIER_LINK_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS))


def make_supplier_link_token(contract: Contract) -> str:
    """A token for the supplier of ``contract`` (put it in a URL); it expires after the max age."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"anchor-portal:{PURPOSE}")
    return serializer.dumps({"o": contract.organisation_id, "c": contract.id, "v": contract.supplier_link_version})


def read_supplier_link(token: str, max_age_seconds: int | None = None) -> SupplierLink:
    """Check the signature and age only; raises LinkProblem (expired or not valid)."""
    payload = read_token(PURPOSE, token, _max_age(max_age_seconds))
    try:
        return SupplierLink(int(payload["o"]), int(payload["c"]), int(payload["v"]))
    except (KeyError, TypeError, ValueError):
        raise LinkProblem("This link is not valid. Check you copied the whole link from the email.") from None


@contextmanager
def supplier_link_context(session: Session, token: str, max_age_seconds: int | None = None) -> Iterator[Contract]:
    """Enter the link's partner tenant and yield its contract; LinkProblem if it cannot be used."""
    link = read_supplier_link(token, max_age_seconds)
    if session.get(Organisation, link.organisation_id) is None:
        raise LinkProblem("This link is no longer valid. Ask the organisation for a new one.")
    with tenant_context(link.organisation_id):
        contract = session.scalars(select(Contract).where(Contract.id == link.contract_id)).first()
        if contract is None or contract.organisation_id != link.organisation_id or contract.supplier_link_version != link.version:
            raise LinkProblem("This link is no longer valid. Ask the organisation for a new one.")
        yield contract


def submit_supplier_delivery(
    session: Session, token: str, commitment_id: int, *, period_start: date, period_end: date, quantity,
    narrative: str = "", beneficiaries: BeneficiaryInput = (), max_age_seconds: int | None = None,
) -> int:
    """Record a supplier's own report against one of the link's contract's commitments; returns the report id.

    The report is "reported" (the partner verifies it). Raises LinkProblem for a
    bad link, or for a commitment that is not on the link's contract.
    """
    with supplier_link_context(session, token, max_age_seconds) as contract:
        commitment = session.scalars(
            select(Commitment).where(Commitment.id == commitment_id, Commitment.contract_id == contract.id)
        ).first()
        if commitment is None:
            raise LinkProblem("That commitment is not part of the contract this link is for.")
        report = record_delivery(
            session, commitment, period_start=period_start, period_end=period_end, quantity=quantity,
            narrative=narrative, beneficiaries=beneficiaries, via="supplier_link",
        )
        return report.id


def revoke_supplier_links(session: Session, contract: Contract) -> None:
    """Every link issued for this contract stops working (the partner's context)."""
    contract.supplier_link_version += 1
    session.flush()
