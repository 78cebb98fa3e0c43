"""The network's social value on its public page: the partners that chose to show theirs, combined.

A partner's figures go in only when its admin has said so (``shows_social_value_publicly``),
and a combined figure is shown only when at least two partners' figures went into it, as
with spend (public.MIN_PARTNERS): with one, it would be that partner's own. Read from the
workers' year rows (``sv_period_totals``): a commitment spread over its contract's years,
delivery counted in the year it was delivered and verified.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from portal.social_value.models import SocialValuePeriodTotal
from tenants import network_wide
from tenants.models import Network, Organisation

from .figures import year_label
from .public import MIN_PARTNERS


@dataclass(frozen=True)
class PublicSocialValue:
    year_start: date
    partners_showing: int
    # None: fewer than MIN_PARTNERS partners had any, so the figure is withheld.
    committed_pence: int | None
    delivered_pence: int | None

    @property
    def label(self) -> str:
        return year_label(self.year_start)


def partners_showing(session: Session, network: Network) -> list[int]:
    return list(session.scalars(select(Organisation.id).where(
        Organisation.network_id == network.id, Organisation.shows_social_value_publicly.is_(True)
    ).order_by(Organisation.id)))


def social_value_summary(session: Session, network: Network) -> PublicSocialValue | None:
    """The latest financial year in which two or more showing partners have social value (None: no such year)."""
    showing = partners_showing(session, network)
    if len(showing) < MIN_PARTNERS:
        return None
    t = SocialValuePeriodTotal
    with network_wide(showing, "public summary: social value of the partners that chose to show it"):
        rows = session.execute(
            select(t.period_start,
                   func.sum(t.committed_value_pence), func.count(case((t.committed_value_pence != 0, t.organisation_id)).distinct()),
                   func.sum(t.delivered_value_pence), func.count(case((t.delivered_value_pence != 0, t.organisation_id)).distinct()),
                   func.count(t.organisation_id.distinct()))
            .where(t.organisation_id.in_(showing), t.period_type == "year")
            .group_by(t.period_start).order_by(t.period_start.desc())
        ).all()
    for year_start, committed, committers, delivered, deliverers, partners in rows:
        if partners >= MIN_PARTNERS and (committers >= MIN_PARTNERS or deliverers >= MIN_PARTNERS):
            return PublicSocialValue(
                year_start, len(showing),
                int(committed or 0) if committers >= MIN_PARTNERS else None,
                int(delivered or 0) if deliverers >= MIN_PARTNERS else None,
            )
    return None
