"""Snapshots kept by workers.

Each partner's figures by financial year, kept in ``sv_totals`` (by measure, route and
overall) and ``sv_beneficiary_totals``; the network's in ``sv_network_*`` as sums of
its partners' rows. Plain functions on a session; the caller (a task) commits. A
recompute deletes and rebuilds whole years, so running it twice gives the same rows.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation, utcnow

from .. import progress_snapshot
from ..models import (
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueContractTotal,
    SocialValueTotal,
    SocialValueTotalsPending,
)
from .snapshot_rows import (
    _in_years,
    _network_beneficiaries_insert,
    _network_figures_insert,
    _partner_beneficiaries_insert,
    _partner_contracts_insert,
    _partner_figures_insert,
)

# pg_advisory_xact_lock(namespace, id): one recompute of a partner, one writer of a network's
# rows at a time; partners first, by ascending id, then the network: no deadlocks.
_PARTNER_LOCK, _NETWORK_LOCK = 73_201, 73_202


def _lock(session: Session, namespace: int, key: int) -> None:
    # SQLite serialises writers anyway; PostgreSQL needs telling.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": namespace, "key": key})


def recompute_partner_totals(session: Session, network: Network, organisation_id: int, years: Iterable[int] | None = None) -> list[int] | None:
    """Rebuild the partner's snapshot rows for these financial years (None: all), and clear what was waiting for them.

    Returns the years rebuilt (None when all were), for the network recompute.
    """
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.network_id != network.id:
        raise ValueError(f"organisation {organisation_id} is not a partner of network {network.id}")
    years = None if years is None else sorted({int(y) for y in years})
    with tenant_context(organisation_id):
        _lock(session, _PARTNER_LOCK, organisation_id)
        # The marks go first, before anything is read: a change committed after this
        # statement keeps its mark (and its own task); one committed before it is read below.
        pending = delete(SocialValueTotalsPending).where(SocialValueTotalsPending.organisation_id == organisation_id)
        if years is not None:
            pending = pending.where(SocialValueTotalsPending.year.in_(years))
        session.execute(pending.execution_options(synchronize_session=False))
        if years == []:
            return years
        for table in (SocialValueTotal, SocialValueBeneficiaryTotal, SocialValueContractTotal):
            session.execute(delete(table).where(table.organisation_id == organisation_id, _in_years(table.year, years))
                            .execution_options(synchronize_session=False))
        computed_at = utcnow()
        session.execute(_partner_figures_insert(network, organisation_id, years, computed_at))
        session.execute(_partner_beneficiaries_insert(network, organisation_id, years, computed_at))
        session.execute(_partner_contracts_insert(network, organisation_id, years, computed_at))
        # The like-with-like figures span years (a commitment spread over its contract, to date
        # since the policy start): rebuilt whole for the partner on any change.
        progress_snapshot.recompute_partner(session, network, organisation_id)
        session.flush()
    return years


def recompute_network_totals(session: Session, network: Network, years: Iterable[int] | None = None) -> None:
    """Rebuild the network's snapshot rows for these years (None: all) as sums of its partners' rows."""
    years = None if years is None else sorted({int(y) for y in years})
    partner_ids = session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)).all()
    with network_wide(partner_ids, reason="social value network totals"):
        _lock(session, _NETWORK_LOCK, network.id)
        for table in (NetworkSocialValueTotal, NetworkSocialValueBeneficiaryTotal):
            session.execute(delete(table).where(table.network_id == network.id, _in_years(table.year, years))
                            .execution_options(synchronize_session=False))
        if partner_ids and years != []:
            now = utcnow()
            session.execute(_network_figures_insert(network, partner_ids, years, now))
            session.execute(_network_beneficiaries_insert(network, partner_ids, years, now))
        session.flush()


def recompute_all(session: Session, network: Network) -> None:
    """Rebuild every partner's snapshot and the network's from scratch (the nightly job)."""
    partner_ids = session.scalars(
        select(Organisation.id).where(Organisation.network_id == network.id).order_by(Organisation.id)
    ).all()
    for organisation_id in partner_ids:  # every partner's lock first, in id order, before the network's
        _lock(session, _PARTNER_LOCK, organisation_id)
    for organisation_id in partner_ids:
        recompute_partner_totals(session, network, organisation_id)
    recompute_network_totals(session, network)


def snapshot_is_current(session: Session, organisation_ids: Sequence[int]) -> bool:
    """True unless a change of one of these partners is still waiting for its recompute (read in the caller's scope)."""
    waiting = select(SocialValueTotalsPending.id).where(SocialValueTotalsPending.organisation_id.in_(list(organisation_ids)))
    return session.scalars(waiting.limit(1)).first() is None
