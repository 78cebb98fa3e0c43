"""The INSERT ... SELECT statements that rebuild the snapshot tables: a partner's years, then the network's.

Each adds up in the database (GROUP BY, UNION ALL); nothing loops over rows in Python.
"""
from __future__ import annotations

from sqlalchemy import (
    String,
    case,
    cast,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    union_all,
)

from tenants.models import Network

from ..models import (
    Commitment,
    Contract,
    DeliveryBeneficiaryCount,
    DeliveryReport,
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueContractTotal,
    SocialValueTotal,
)
from .years import _year_expression

SNAPSHOT_FIGURES = (
    "committed_quantity", "committed_value_pence", "committed_current_value_pence", "committed_count",
    "delivered_quantity", "delivered_value_pence", "delivered_current_value_pence", "delivered_count",
)


def _in_years(column, years):
    return true() if years is None else column.in_(list(years))


def _partner_figures_insert(network: Network, organisation_id: int, years, computed_at):
    """INSERT INTO sv_totals: every year by measure, route and overall, from one read of each source.

    Commitments and verified reports are added up once by year, measure and route (a
    few hundred groups), side by side in one row set (UNION ALL, zeros for the other
    source), and that set is rolled up three ways: sums of sums, so the figures are
    those of a GROUP BY over the rows.
    """
    zero = literal_column("0")
    made_year = _year_expression(network, Commitment.committed_on)
    made = (
        select(made_year, Commitment.measure_id.label("measure"), Contract.route.label("route"),
               func.sum(Commitment.quantity).label("cq"), func.sum(Commitment.committed_value_pence).label("cv"),
               func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)).label("ccv"),
               func.count().label("cn"), zero.label("dq"), zero.label("dv"), zero.label("dcv"), zero.label("dn"))
        .select_from(Commitment).join(Contract, Contract.id == Commitment.contract_id)
        .where(Commitment.organisation_id == organisation_id, _in_years(made_year, years))
        .group_by(made_year, Commitment.measure_id, Contract.route)
    )
    done_year = _year_expression(network, DeliveryReport.period_end)
    done = (
        select(done_year, Commitment.measure_id, Contract.route, zero, zero, zero, zero,
               func.sum(DeliveryReport.quantity), func.sum(DeliveryReport.value_pence),
               func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)), func.count())
        .select_from(DeliveryReport)
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .join(Contract, Contract.id == Commitment.contract_id)
        .where(DeliveryReport.organisation_id == organisation_id, DeliveryReport.status == "verified",
               _in_years(done_year, years))
        .group_by(done_year, Commitment.measure_id, Contract.route)
    )
    fine = union_all(made, done).cte("sv_fine")
    sums = [func.sum(fine.c[name]) for name in ("cq", "cv", "ccv", "cn", "dq", "dv", "dcv", "dn")]
    stamp = literal(computed_at, SocialValueTotal.computed_at.type)
    parts = [
        select(literal(organisation_id), fine.c.year, literal("all"), literal(""), *sums, stamp).group_by(fine.c.year),
        select(literal(organisation_id), fine.c.year, literal("measure"), cast(fine.c.measure, String), *sums, stamp)
        .group_by(fine.c.year, fine.c.measure),
        select(literal(organisation_id), fine.c.year, literal("route"), fine.c.route, *sums, stamp)
        .group_by(fine.c.year, fine.c.route),
    ]
    columns = ["organisation_id", "year", "breakdown", "key", *SNAPSHOT_FIGURES, "computed_at"]
    return insert(SocialValueTotal.__table__).from_select(columns, union_all(*parts))


def _partner_contracts_insert(network: Network, organisation_id: int, years, computed_at):
    """INSERT INTO sv_contract_totals: each contract's commitments made and verified delivery, by year."""
    zero = literal_column("0")
    made_year = _year_expression(network, Commitment.committed_on)
    made = (
        select(made_year, Commitment.contract_id.label("contract"), func.sum(Commitment.committed_value_pence).label("cv"),
               func.sum(func.coalesce(Commitment.rebased_value_pence, Commitment.committed_value_pence)).label("ccv"),
               zero.label("dv"), zero.label("dcv"))
        .where(Commitment.organisation_id == organisation_id, _in_years(made_year, years))
        .group_by(made_year, Commitment.contract_id)
    )
    done_year = _year_expression(network, DeliveryReport.period_end)
    done = (
        select(done_year, Commitment.contract_id, zero, zero, func.sum(DeliveryReport.value_pence),
               func.sum(func.coalesce(DeliveryReport.rebased_value_pence, DeliveryReport.value_pence)))
        .select_from(DeliveryReport).join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .where(DeliveryReport.organisation_id == organisation_id, DeliveryReport.status == "verified",
               _in_years(done_year, years))
        .group_by(done_year, Commitment.contract_id)
    )
    both = union_all(made, done).subquery("sv_by_contract")
    query = select(literal(organisation_id), both.c.year, both.c.contract, func.sum(both.c.cv), func.sum(both.c.ccv),
                   func.sum(both.c.dv), func.sum(both.c.dcv),
                   literal(computed_at, SocialValueContractTotal.computed_at.type)).group_by(both.c.year, both.c.contract)
    columns = ["organisation_id", "year", "contract_id", "committed_value_pence", "committed_current_pence",
               "delivered_value_pence", "delivered_current_pence", "computed_at"]
    return insert(SocialValueContractTotal.__table__).from_select(columns, query)


def _partner_beneficiaries_insert(network: Network, organisation_id: int, years, computed_at):
    """INSERT INTO sv_beneficiary_totals: counts on verified reports by year, ward and group, rolled up each way."""
    year = _year_expression(network, DeliveryReport.period_end)
    fine = (
        select(year, DeliveryBeneficiaryCount.ward.label("ward"), DeliveryBeneficiaryCount.protected_group.label("grp"),
               func.sum(DeliveryBeneficiaryCount.count).label("n"))
        .select_from(DeliveryBeneficiaryCount)
        .join(DeliveryReport, DeliveryReport.id == DeliveryBeneficiaryCount.delivery_report_id)
        .where(DeliveryBeneficiaryCount.organisation_id == organisation_id, DeliveryReport.organisation_id == organisation_id,
               DeliveryReport.status == "verified", _in_years(year, years))
        .group_by(year, DeliveryBeneficiaryCount.ward, DeliveryBeneficiaryCount.protected_group)
        .cte("sv_fine_beneficiaries")
    )
    stamp = literal(computed_at, SocialValueBeneficiaryTotal.computed_at.type)
    parts = [
        select(literal(organisation_id), fine.c.year, literal(by), key, func.sum(fine.c.n), stamp).group_by(fine.c.year, key)
        for by, key in (("ward", fine.c.ward), ("protected_group", fine.c.grp))
    ]
    columns = ["organisation_id", "year", "breakdown", "key", "count", "computed_at"]
    return insert(SocialValueBeneficiaryTotal.__table__).from_select(columns, union_all(*parts))


def _network_figures_insert(network: Network, partner_ids, years, computed_at):
    """INSERT INTO sv_network_totals: the partners' rows summed by key, and each partner's overall row as "partner"."""
    row = SocialValueTotal
    stamp = literal(computed_at, NetworkSocialValueTotal.computed_at.type)
    where = (row.organisation_id.in_(list(partner_ids)), _in_years(row.year, years))
    summed = (
        select(literal(network.id), row.year, row.breakdown, row.key,
               *(func.sum(getattr(row, name)) for name in SNAPSHOT_FIGURES), *_partners_counted(row), stamp)
        .where(*where).group_by(row.year, row.breakdown, row.key)
    )
    by_partner = (
        select(literal(network.id), row.year, literal("partner"), cast(row.organisation_id, String),
               *(getattr(row, name) for name in SNAPSHOT_FIGURES), literal_column("1"), row.organisation_id, stamp)
        .where(*where, row.breakdown == "all")
    )
    columns = ["network_id", "year", "breakdown", "key", *SNAPSHOT_FIGURES, "partner_count", "sole_partner_id", "computed_at"]
    return insert(NetworkSocialValueTotal.__table__).from_select(columns, union_all(summed, by_partner))


def _partners_counted(row) -> tuple:
    """partner_count and sole_partner_id of a sum over partners' rows grouped by key."""
    partners = func.count(row.organisation_id.distinct())
    return partners, case((partners == 1, func.min(row.organisation_id)))


def _network_beneficiaries_insert(network: Network, partner_ids, years, computed_at):
    row = SocialValueBeneficiaryTotal
    query = (
        select(literal(network.id), row.year, row.breakdown, row.key, func.sum(row.count), *_partners_counted(row),
               literal(computed_at, NetworkSocialValueBeneficiaryTotal.computed_at.type))
        .where(row.organisation_id.in_(list(partner_ids)), _in_years(row.year, years))
        .group_by(row.year, row.breakdown, row.key)
    )
    columns = ["network_id", "year", "breakdown", "key", "count", "partner_count", "sole_partner_id", "computed_at"]
    return insert(NetworkSocialValueBeneficiaryTotal.__table__).from_select(columns, query)
