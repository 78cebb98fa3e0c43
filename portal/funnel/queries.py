"""The funnel of one financial year, for a network and each of its partners.

Each stage counts the distinct registered businesses that reached it *in the year*, dated by the
step itself: registered (the business's account was made), matched (first matched to one of the
partner's opportunities: ``FirstMatch``, kept after the match goes), interested (said so, and has
not withdrawn), bid (a bid recorded) and won (a winning bid whose award is dated in the year). A
business is counted once per stage however many opportunities it reached. Businesses register
with the network, not a partner, so a partner's "registered" is the network's.

The value won counts every award in the year whose winner is a local SME (or a VCSE): a
registered business by what its profile says (local, and not of the "large" band; a VCSE by its
type), a supplier of the register by the register's word. ``business_ids`` narrows every count
and the value to those businesses (a later filter: businesses that received support).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from portal.matching.models import FirstMatch, OpportunityInterest
from portal.opportunities.models import OpportunityAward, OpportunityBid
from portal.smes.models import SmeProfile
from portal.social_value.totals import year_range
from portal.suppliers.models import Supplier
from tenants import network_wide
from tenants.businesses import Business
from tenants.models import Network, Organisation

STAGES = ("registered", "matched", "interested", "bid", "won")


@dataclass(frozen=True)
class Stages:
    registered: int = 0
    matched: int = 0
    interested: int = 0
    bid: int = 0
    won: int = 0
    value_won_local_sme_pence: int = 0
    value_won_vcse_pence: int = 0

    def counts(self) -> list[tuple[str, int]]:
        return [(stage, getattr(self, stage)) for stage in STAGES]


@dataclass(frozen=True)
class Funnel:
    year: int
    network: Stages
    partners: dict[int, Stages] = field(default_factory=dict)  # by partner id


def _moment(day) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _by_partner(session: Session, query) -> tuple[int, dict[int, int]]:
    """Distinct businesses in ``query`` (which selects partner id and business id): the network's count and each partner's."""
    rows = session.execute(query).all()
    per_partner: dict[int, set[int]] = {}
    for partner_id, business_id in rows:
        per_partner.setdefault(partner_id, set()).add(business_id)
    return len({b for _, b in rows}), {p: len(b) for p, b in per_partner.items()}


def funnel(session: Session, network: Network, year: int, business_ids: Collection[int] | None = None) -> Funnel:
    """The funnel of the financial year starting in ``year`` (see the module's note for what each stage counts)."""
    start, end = year_range(network, year)
    partner_ids = list(session.scalars(select(Organisation.id).where(Organisation.network_id == network.id)))
    only = (lambda column: column.in_(list(business_ids))) if business_ids is not None else (lambda column: true())
    with network_wide(partner_ids, "the funnel's counts", business_networks=[network.id]):
        registered = session.scalar(select(func.count(Business.id)).where(
            Business.network_id == network.id, Business.created_at >= _moment(start), Business.created_at < _moment(end),
            only(Business.id))) or 0
        steps = {
            "matched": select(FirstMatch.organisation_id, FirstMatch.business_id).where(
                FirstMatch.network_id == network.id, FirstMatch.first_matched_at >= _moment(start),
                FirstMatch.first_matched_at < _moment(end), only(FirstMatch.business_id)),
            "interested": select(OpportunityInterest.organisation_id, OpportunityInterest.business_id).where(
                OpportunityInterest.network_id == network.id, OpportunityInterest.withdrawn_at.is_(None),
                OpportunityInterest.created_at >= _moment(start), OpportunityInterest.created_at < _moment(end),
                only(OpportunityInterest.business_id)),
            "bid": select(OpportunityBid.organisation_id, OpportunityBid.business_id).where(
                OpportunityBid.organisation_id.in_(partner_ids), OpportunityBid.business_id.is_not(None),
                OpportunityBid.recorded_on >= start, OpportunityBid.recorded_on < end, only(OpportunityBid.business_id)),
            "won": select(OpportunityAward.organisation_id, OpportunityBid.business_id)
            .join(OpportunityBid, OpportunityBid.id == OpportunityAward.bid_id).where(
                OpportunityAward.organisation_id.in_(partner_ids), OpportunityBid.business_id.is_not(None),
                OpportunityAward.awarded_on >= start, OpportunityAward.awarded_on < end, only(OpportunityBid.business_id)),
        }
        network_counts, partner_counts = {"registered": registered}, {p: {"registered": registered} for p in partner_ids}
        for stage, query in steps.items():
            total, per_partner = _by_partner(session, query)
            network_counts[stage] = total
            for partner_id in partner_ids:
                partner_counts[partner_id][stage] = per_partner.get(partner_id, 0)
        values = _values_won(session, partner_ids, start, end, business_ids)
    network_values = {k: sum(v.get(k, 0) for v in values.values())
                      for k in ("value_won_local_sme_pence", "value_won_vcse_pence")}
    return Funnel(
        year, Stages(**network_counts, **network_values),
        {p: Stages(**partner_counts[p], **values.get(p, {})) for p in partner_ids},
    )


def _values_won(session: Session, partner_ids, start, end, business_ids) -> dict[int, dict[str, int]]:
    """Each partner's awards in the year to local SMEs and to VCSEs, in pence."""
    rows = session.execute(
        select(OpportunityAward.organisation_id, OpportunityAward.value_pence, OpportunityBid.business_id,
               SmeProfile.is_local, SmeProfile.size_band, SmeProfile.charity, SmeProfile.social_enterprise,
               SmeProfile.organisation_type, Supplier.is_local, Supplier.is_sme, Supplier.kind)
        .join(OpportunityBid, OpportunityBid.id == OpportunityAward.bid_id)
        .outerjoin(SmeProfile, SmeProfile.business_id == OpportunityBid.business_id)
        .outerjoin(Supplier, Supplier.id == OpportunityBid.supplier_id)
        .where(OpportunityAward.organisation_id.in_(partner_ids), OpportunityAward.awarded_on >= start,
               OpportunityAward.awarded_on < end)
    ).all()
    vcse_types = ("charity", "cio", "community_interest_company")
    values: dict[int, dict[str, int]] = {}
    for (partner_id, pence, business_id, p_local, size, charity, social, org_type,
         s_local, s_sme, s_kind) in rows:
        if business_ids is not None and business_id not in business_ids:
            continue
        if business_id is not None:
            local_sme = bool(p_local) and size is not None and size != "large"
            vcse = bool(charity or social or org_type in vcse_types)
        else:
            local_sme, vcse = bool(s_local) and bool(s_sme), s_kind == "vcse"
        mine = values.setdefault(partner_id, {"value_won_local_sme_pence": 0, "value_won_vcse_pence": 0})
        mine["value_won_local_sme_pence"] += pence if local_sme else 0
        mine["value_won_vcse_pence"] += pence if vcse else 0
    return values


def years_with_activity(session: Session, network: Network, today) -> list[int]:
    """The financial years to offer: from the network's first to the current one, newest first."""
    from portal.social_value.totals import year_of

    first = year_of(network, network.created_at.date()) if network.created_at else year_of(network, today)
    current = year_of(network, today)
    return list(range(current, min(first, current) - 1, -1))[:10]


@dataclass(frozen=True)
class PublicYear:
    label: str
    value_won_local_sme_pence: int
    businesses_won: int | None  # None: under 5, suppressed


def public_summary(session: Session, network: Network, today) -> list[PublicYear]:
    """The public summary's lines: the value local SMEs won this financial year and last, and how many
    registered businesses won (suppressed under 5, as the public social value summary suppresses counts)."""
    from portal.network.comparison import year_label
    from portal.social_value.report import suppress_small_counts
    from portal.social_value.totals import year_of, year_start

    current = year_of(network, today)
    lines = []
    for year in (current, current - 1):
        result = funnel(session, network, year)
        [(_, won)] = suppress_small_counts([("won", result.network.won)])
        lines.append(PublicYear(year_label(year_start(network, year)), result.network.value_won_local_sme_pence, won))
    return lines
