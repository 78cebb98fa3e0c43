"""Reading spend totals for pages. Money stays integer pence; shares are Decimal percentages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenants import NoTenantContext, current_organisation_id, network_wide
from tenants.models import Network, Organisation

from .models import NetworkSpendTotal, SpendTotal
from .totals import MEASURES, add_months


def share(part: int | None, whole: int | None) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to 0.1 %; None when there is no whole to share."""
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _current_partner() -> int:
    organisation_id = current_organisation_id()
    if organisation_id is None:
        raise NoTenantContext("partner totals are read inside tenant_context(organisation_id)")
    return organisation_id


def partner_totals(session: Session, period_type: str, breakdown: str = "all", year_start: date | None = None) -> list[SpendTotal]:
    """The current partner's rows of one period type and breakdown, by period then key.

    With ``year_start``, only periods within the financial year starting then.
    """
    query = select(SpendTotal).where(
        SpendTotal.organisation_id == _current_partner(),
        SpendTotal.period_type == period_type,
        SpendTotal.breakdown == breakdown,
    )
    if year_start is not None:
        query = query.where(SpendTotal.period_start >= year_start, SpendTotal.period_start < add_months(year_start, 12))
    return list(session.scalars(query.order_by(SpendTotal.period_start, SpendTotal.key)))


def over_the_network(session: Session, network_id: int, why: str):
    """A scope over every partner of the network, in which its combined rows only one partner went into show too.

    Row-level security shows such a row to that partner alone; the lead's pages (which
    compare the partners anyway) and the public summary (which withholds those figures
    itself, but must know they exist) read under this.
    """
    partners = session.scalars(select(Organisation.id).where(Organisation.network_id == network_id)).all()
    return network_wide(partners, reason=why)


def network_totals(session: Session, network_id: int, period_type: str, breakdown: str = "all") -> list[NetworkSpendTotal]:
    """The network's combined rows of one period type and breakdown, by period then key."""
    query = select(NetworkSpendTotal).where(
        NetworkSpendTotal.network_id == network_id,
        NetworkSpendTotal.period_type == period_type,
        NetworkSpendTotal.breakdown == breakdown,
    )
    return list(session.scalars(query.order_by(NetworkSpendTotal.period_start, NetworkSpendTotal.key)))


@dataclass(frozen=True)
class PartnerPeriod:
    """One partner's 'all' totals for a period; ``measures`` is None when it has no lines then."""

    organisation_id: int
    name: str
    measures: dict[str, int] | None


def partners_side_by_side(session: Session, network: Network, period_type: str, period_start: date) -> list[PartnerPeriod]:
    """Every partner of the network with its 'all' totals for one period (for the lead), by name."""
    partners = session.execute(
        # Conduit partners report no spend: no row of zeros beside the spenders (their figures are support's).
        select(Organisation.id, Organisation.name).where(Organisation.network_id == network.id, Organisation.conduit.is_(False))
        .order_by(Organisation.name)
    ).all()
    with network_wide([p.id for p in partners], reason="lead: partners side by side"):
        rows = session.execute(
            select(SpendTotal.organisation_id, *(getattr(SpendTotal, m) for m in MEASURES)).where(
                SpendTotal.organisation_id.in_([p.id for p in partners]),
                SpendTotal.period_type == period_type,
                SpendTotal.period_start == period_start,
                SpendTotal.breakdown == "all",
            )
        ).all()
    # Plain values, not ORM rows: the rows leave the network-wide scope with us.
    found = {row.organisation_id: {m: getattr(row, m) for m in MEASURES} for row in rows}
    return [PartnerPeriod(p.id, p.name, found.get(p.id)) for p in partners]


def largest_categories_leaving(
    session: Session, owner: Network | Organisation, period_type: str, period_start: date, limit: int = 10
) -> list[SpendTotal] | list[NetworkSpendTotal]:
    """The categories with most procurable spend not known to be local (procurable - local), largest first.

    ``owner`` is a Network (its combined rows) or an Organisation (its own rows,
    read inside that partner's tenant context).
    """
    if isinstance(owner, Network):
        model, mine = NetworkSpendTotal, NetworkSpendTotal.network_id == owner.id
    else:
        if _current_partner() != owner.id:
            raise PermissionError("a partner's categories are read inside its own tenant context")
        model, mine = SpendTotal, SpendTotal.organisation_id == owner.id
    leaving = model.procurable_pence - model.local_pence
    query = (
        select(model)
        .where(mine, model.period_type == period_type, model.period_start == period_start, model.breakdown == "category")
        .order_by(leaving.desc(), model.key)
        .limit(limit)
    )
    return list(session.scalars(query))
