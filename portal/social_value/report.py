"""The annual social value report, for one partner or for the whole network, as plain data.

``partner_report`` reads inside the partner's own tenant context;
``network_report`` opens a ``network_wide`` read over the network's partners
(the lead's view). Both return the same ``AnnualReport``, which the page, the
PDF and the downloads render. The figures by year, theme, measure, partner and
route, the beneficiary counts and the top contracts (per-contract rows by year)
are read from the snapshots the workers keep (``totals.recompute_*``), or added
up on demand while a change is still waiting for its recompute. The Real Living
Wage list is always read on demand (a list of contracts by their own columns),
as are the targets (``targets.performance_against_targets``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.query_args import whole_number
from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation

from . import report_progress, totals
from .beneficiaries import PROTECTED_CHARACTERISTICS
from .models import (
    HEADLINES,
    ROUTES,
    Measure,
    NetworkSocialValueBeneficiaryTotal,
    NetworkSocialValueTotal,
    SocialValueBeneficiaryTotal,
    SocialValueTotal,
    Theme,
)
from .targets import TargetPerformance, performance_against_targets

TOP_CONTRACTS = 10
# The report page lists this many contracts in scope for the Real Living Wage; its downloads and PDF list them all.
LIVING_WAGE_SHOWN = 200
ROUTE_LABELS = {route: route.replace("_", " ").capitalize() for route in ROUTES}
RLW_LABELS = {"yes": "Paying", "no": "Not yet", "unknown": "Unknown"}


def year_label(start: date) -> str:
    """'2024 to 2025' for a financial year from April 2024; '2024' for a calendar year."""
    return str(start.year) if start.month == 1 else f"{start.year} to {start.year + 1}"


def change(now: int, before: int) -> tuple[int, Decimal | None]:
    """The change from ``before`` to ``now`` in pence, and as a percentage (None when before was 0)."""
    return now - before, None if before == 0 else (Decimal(now - before) * 100 / before).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Headline:
    """Committed or delivered £ this year and last, current valuation, with the valuation as committed beside it."""

    key: str
    label: str
    pence: int
    original_pence: int
    previous_pence: int
    how: str

    @property
    def change_pence(self) -> int:
        return change(self.pence, self.previous_pence)[0]

    @property
    def change_percent(self) -> Decimal | None:
        return change(self.pence, self.previous_pence)[1]


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: committed and delivered £ (current and as committed), quantities when one measure."""

    key: object
    label: str
    committed_pence: int = 0
    committed_original_pence: int = 0
    delivered_pence: int = 0
    delivered_original_pence: int = 0
    committed_quantity: Decimal | None = None
    delivered_quantity: Decimal | None = None
    unit: str = ""


@dataclass(frozen=True)
class Quantity:
    """A quantity figure of the report (apprenticeship weeks, local FTE): committed and delivered, and which measures count."""

    label: str
    committed: Decimal
    delivered: Decimal
    measures: list[str]


@dataclass
class AnnualReport:
    network: Network
    organisation: Organisation | None  # None: the network's report
    year_start: date
    year_end: date  # exclusive
    years: list[int]
    headlines: list[Headline]
    by_theme: list[Row]
    by_measure: list[Row]
    by_partner: list[Row]
    by_route: list[Row]
    by_year: list[Row]
    top_committed: list[totals.ContractTotal]
    top_delivered: list[totals.ContractTotal]
    living_wage: list[totals.LivingWageContract]
    living_wage_counts: dict[str, int]
    targets: list[TargetPerformance]
    apprenticeship_weeks: Quantity
    local_fte: Quantity
    local_sme_spend: Quantity
    # Counts under SMALL_COUNT are None ("fewer than 5"): every page and export reads these.
    beneficiaries_by_ward: list[tuple[str, int | None]]
    # The Equality Act's protected characteristics, in the Act's order; every other group apart.
    beneficiaries_by_group: list[tuple[str, int | None]]
    beneficiaries_by_other_group: list[tuple[str, int | None]]
    partner_names: dict[int, str] = field(default_factory=dict)
    # The network's report: partners sharing totals only, whose contracts are counted but not listed.
    unlisted_partners: list[str] = field(default_factory=list)
    # How many in-scope contracts the list would hold whole (the page lists the first LIVING_WAGE_SHOWN).
    living_wage_listed_count: int = 0
    rebased: bool = False
    # False: a change was still waiting for the workers, so the figures were added up on demand.
    from_snapshot: bool = False
    # To date since the policy start, delivery against the same commitments, and the year in halves.
    like_for_like: report_progress.LikeForLike | None = None

    @property
    def headline_quantities(self) -> tuple[Quantity, ...]:
        return (self.apprenticeship_weeks, self.local_fte, self.local_sme_spend)

    @property
    def label(self) -> str:
        return year_label(self.year_start)

    @property
    def previous_label(self) -> str:
        return year_label(totals.year_start(self.network, self.year_start.year - 1))

    @property
    def last_day(self) -> date:
        return self.year_end - timedelta(days=1)

    @property
    def who(self) -> str:
        return self.organisation.name if self.organisation else self.network.name

    @property
    def is_network(self) -> bool:
        return self.organisation is None

    def headline(self, key: str) -> Headline:
        return next(h for h in self.headlines if h.key == key)


def chosen_year(network: Network, years: list[int], asked: str | None) -> int:
    """The year asked for (``?year=2024``), else the latest with figures, else this financial year."""
    if (wanted := whole_number(asked, 1990, 2200)) is not None:
        return wanted
    return years[0] if years else totals.year_of(network, date.today())


def partner_report(session: Session, organisation: Organisation, year: int | None = None, asked: str | None = None,
                   living_wage_limit: int | None = None) -> AnnualReport:
    """The partner's annual report, read inside its own tenant context (``living_wage_limit``: see ``_report``)."""
    with tenant_context(organisation.id):
        return _report(session, organisation.network, [organisation.id], organisation, year, asked,
                       living_wage_limit=living_wage_limit)


def network_report(session: Session, network: Network, year: int | None = None, asked: str | None = None,
                   reader_id: int | None = None, living_wage_limit: int | None = None) -> AnnualReport:
    """The network's annual report over all its partners: a network-wide read.

    Every partner's figures are in the totals; contracts are listed by name (reference, title,
    supplier) only for partners that share their lines with the lead, the same choice that
    opens their spend lines (portal/partner/services.py). Others share their totals only.
    ``reader_id``: a partner (not the lead) is reading: only its own contracts are listed,
    since a partner's choice shares its lines with the lead, not with the other partners.
    """
    partners = session.execute(select(Organisation.id, Organisation.shares_lines_with_lead)
                               .where(Organisation.network_id == network.id)).all()
    partner_ids = [p.id for p in partners]
    if reader_id is None:
        listed = [p.id for p in partners if p.shares_lines_with_lead]
    else:
        listed = [p.id for p in partners if p.id == reader_id]
    with network_wide(partner_ids, f"annual social value report of network {network.id}"):
        return _report(session, network, partner_ids, None, year, asked, listed_ids=listed,
                       living_wage_limit=living_wage_limit)


def _rows(committed: list[totals.Total], delivered: list[totals.Total], labels: dict, units: dict | None = None) -> list[Row]:
    """Join a committed and a delivered breakdown on their key (a few dozen grouped rows, not commitments)."""
    made = {t.key[0]: t for t in committed}
    done = {t.key[0]: t for t in delivered}
    rows = []
    for key in sorted(set(made) | set(done), key=lambda k: (labels.get(k, str(k)), str(k))):
        m, d = made.get(key), done.get(key)
        rows.append(Row(
            key, labels.get(key, str(key)),
            m.current_value_pence if m else 0, m.value_pence if m else 0,
            d.current_value_pence if d else 0, d.value_pence if d else 0,
            (m.quantity if m else Decimal(0)) if units is not None else None,
            (d.quantity if d else Decimal(0)) if units is not None else None,
            (units or {}).get(key, ""),
        ))
    return rows


# Beneficiary counts under 5 are never shown or exported: a count of 1 or 2 people in
# a ward and group can point to a person (the ONS and NHS small-number rule).
SMALL_COUNT = 5


def suppress_small_counts(rows: Sequence[tuple[str, int]]) -> list[tuple[str, int | None]]:
    """The rows with every count under ``SMALL_COUNT`` replaced by None (shown as "fewer than 5")."""
    return [(key, n if n >= SMALL_COUNT else None) for key, n in rows]


def _groups_apart(rows: Sequence[tuple[str, int]]) -> dict:
    """The protected characteristics (in the Act's order) and the other groups (adopted, or as recorded), suppressed."""
    order = {name: i for i, name in enumerate(PROTECTED_CHARACTERISTICS)}
    protected = sorted((r for r in rows if r[0] in order), key=lambda r: order[r[0]])
    others = [r for r in rows if r[0] not in order]
    return {"beneficiaries_by_group": suppress_small_counts(protected),
            "beneficiaries_by_other_group": suppress_small_counts(others)}


def _quantity(session, label, measure_select, made: list[totals.Total], done: list[totals.Total]) -> Quantity:
    """A quantity of the measures ``measure_select`` picks, from the by-measure totals (one or two rows)."""
    measures = dict(session.execute(select(Measure.id, Measure.code).where(Measure.id.in_(measure_select))).all())

    def total(rows):
        return sum((t.quantity for t in rows if t.key[0] in measures), Decimal(0))

    return Quantity(label, total(made), total(done), sorted(measures.values()))


def _snapshot_total(key: tuple, row, source: str) -> totals.Total | None:
    """The committed or delivered half of a snapshot row, as the on-demand functions give it (None: nothing there)."""
    count = getattr(row, f"{source}_count")
    if not count:
        return None
    return totals.Total(key, Decimal(str(getattr(row, f"{source}_quantity") or 0)).quantize(Decimal("0.001")),
                        int(getattr(row, f"{source}_value_pence")), int(getattr(row, f"{source}_current_value_pence")), int(count))


def _from_snapshot(session: Session, network: Network, organisation, year_wanted) -> tuple:
    """The report's by-year series, breakdowns and beneficiaries read from the workers' snapshot rows.

    Themes are the measure rows added up by each measure's theme in the catalogue as it is now.
    """
    if organisation is None:
        table, where = NetworkSocialValueTotal, NetworkSocialValueTotal.network_id == network.id
        people, people_where = (NetworkSocialValueBeneficiaryTotal,
                                NetworkSocialValueBeneficiaryTotal.network_id == network.id)
    else:
        table, where = SocialValueTotal, SocialValueTotal.organisation_id == organisation.id
        people, people_where = (SocialValueBeneficiaryTotal,
                                SocialValueBeneficiaryTotal.organisation_id == organisation.id)
    overall = session.scalars(select(table).where(where, table.breakdown == "all").order_by(table.year)).all()
    by_year = tuple([t for row in overall if (t := _snapshot_total((row.year,), row, source))] for source in ("committed", "delivered"))
    years = sorted({row.year for row in overall}, reverse=True)
    year = year_wanted(years)
    rows = session.scalars(select(table).where(where, table.year == year).order_by(table.breakdown, table.key)).all()
    theme_of = dict(session.execute(select(Measure.id, Measure.theme_id).where(Measure.network_id == network.id)).all())
    found = []
    for source in ("committed", "delivered"):
        made = {name: [] for name in totals.BREAKDOWNS}
        for row in rows:
            key = row.key if row.breakdown == "route" else (int(row.key) if row.key else None)
            total = _snapshot_total(() if row.breakdown == "all" else (key,), row, source)
            if total is not None:
                made[row.breakdown].append(total)
        made["theme"] = _by_theme(made["measure"], theme_of)
        found.append(made)
    counted = session.execute(select(people.breakdown, people.key, people.count).where(people_where, people.year == year)).all()
    beneficiaries = {by: sorted(((key, int(n)) for b, key, n in counted if b == by), key=lambda r: (-r[1], r[0]))
                     for by in ("ward", "protected_group")}
    return by_year, years, year, found[0], found[1], beneficiaries


def _by_theme(by_measure: list[totals.Total], theme_of: dict) -> list[totals.Total]:
    """By-measure totals added up by theme (a few dozen rows)."""
    themes: dict = {}
    for t in by_measure:
        theme = theme_of.get(t.key[0])
        q, v, cv, n = themes.get(theme, (Decimal(0), 0, 0, 0))
        themes[theme] = (q + t.quantity, v + t.value_pence, cv + t.current_value_pence, n + t.count)
    return [totals.Total((theme,), *figures) for theme, figures in sorted(themes.items(), key=lambda item: str(item[0]))]


def _spread_in_year(like_for_like: report_progress.LikeForLike, theme_of: dict) -> dict[str, list[totals.Total]]:
    """The committed side of the year's breakdowns from the commitments spread over it (current valuation only:
    the spread snapshots keep no other, so "as first valued" is the same figure here)."""
    by_measure = [totals.Total((row["measure_id"],), row["committed_quantity"], row["committed_value_pence"],
                               row["committed_value_pence"], 1)
                  for row in like_for_like.by_measure_in_year if row["committed_value_pence"] or row["committed_quantity"]]
    by_partner = [totals.Total((organisation_id,), quantity, pence, pence, 1)
                  for organisation_id, (quantity, pence) in sorted(like_for_like.committed_by_partner_in_year.items())]
    overall = totals.Total((), sum((t.quantity for t in by_measure), Decimal(0)), sum(t.value_pence for t in by_measure),
                           sum(t.current_value_pence for t in by_measure), len(by_measure))
    return {"measure": by_measure, "theme": _by_theme(by_measure, theme_of), "partner": by_partner,
            "all": [overall] if by_measure else []}


def _on_demand(session: Session, network: Network, ids: Sequence[int], year_wanted) -> tuple:
    """The same figures added up from commitments and delivery reports now (a change is still waiting for the worker)."""
    by_year = (totals.committed(session, network, ids, by=("year",)), totals.delivered(session, network, ids, by=("year",)))
    years = sorted({int(t.key[0]) for rows in by_year for t in rows}, reverse=True)
    year = year_wanted(years)
    start, end = totals.year_range(network, year)
    made = totals.breakdowns(session, network, ids, source="committed", start=start, end=end)
    done = totals.breakdowns(session, network, ids, source="delivered", start=start, end=end)
    return by_year, years, year, made, done, totals.beneficiary_counts(session, ids, start=start, end=end)


def _report(session: Session, network: Network, ids: Sequence[int], organisation, year, asked,
            listed_ids: Sequence[int] | None = None, living_wage_limit: int | None = None) -> AnnualReport:
    """``listed_ids``: the partners whose contracts may be listed one by one (default: all of ``ids``);
    ``living_wage_limit``: list only the first so many contracts in scope for the Real Living Wage (the page's)."""
    listed_ids = list(ids if listed_ids is None else listed_ids)

    def year_wanted(years):
        return year if year is not None else chosen_year(network, years, asked)

    # The workers' snapshot unless a change of one of these partners is still waiting for its
    # recompute: the report never shows figures older than the last commit.
    from_snapshot = totals.snapshot_is_current(session, ids)
    read = _from_snapshot(session, network, organisation, year_wanted) if from_snapshot else \
        _on_demand(session, network, ids, year_wanted)
    by_year, years, year, made, done, beneficiaries = read
    start, end = totals.year_range(network, year)

    def in_year(rows, wanted: int) -> totals.Total:
        return totals.grand_total([t for t in rows if int(t.key[0]) == wanted])

    like_for_like = report_progress.like_for_like(session, network, ids, year, snapshot_current=from_snapshot)
    theme_of = dict(session.execute(select(Measure.id, Measure.theme_id).where(Measure.network_id == network.id)).all())
    # Committed in the year: each commitment's share of the year, spread over the contract period it covers,
    # so it sets like against like with the delivery of the year. The route and top contract tables
    # still count the commitments made in the year (the spread snapshots are kept by measure and partner).
    spread = _spread_in_year(like_for_like, theme_of)
    made_in_year_by_route = made["route"]
    made = {**made, **spread}
    spread_by_year = [totals.Total((totals.year_of(network, at),), Decimal(0), pence, pence, 1)
                      for at, pence in like_for_like.committed_by_year.items()]
    by_year = (spread_by_year, by_year[1])
    made_now, done_now = totals.grand_total(made["all"]), totals.grand_total(done["all"])
    made_before, done_before = in_year(by_year[0], year - 1), in_year(by_year[1], year - 1)
    headlines = [
        Headline("committed", "Social value committed", made_now.current_value_pence, made_now.value_pence,
                 made_before.current_value_pence,
                 "Committed counts each commitment's share of the year: what the supplier promised over the contract "
                 "period (or its profile years), spread pro rata by days, so a three-year promise counts a third in "
                 "each year. It is valued at the proxy values in force when it was made, or at the network's re-based "
                 "values where it re-based."),
        Headline("delivered", "Social value delivered", done_now.current_value_pence, done_now.value_pence,
                 done_before.current_value_pence,
                 "Delivery reports checked and verified by the partner, for periods ending in the year. Reports waiting "
                 "to be checked, and rejected reports, are not counted; a report is counted once however often it is edited."),
    ]
    theme_names = dict(session.execute(select(Theme.id, Theme.name).where(Theme.network_id == network.id)).all())
    measure_rows = session.execute(select(Measure.id, Measure.code, Measure.description, Measure.unit)
                                   .where(Measure.network_id == network.id)).all()
    measure_labels = {m.id: f"{m.code} {m.description}" for m in measure_rows}
    units = {m.id: m.unit for m in measure_rows}
    partner_names = dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(ids)))).all())
    up_to = [[t for t in rows if int(t.key[0]) <= year] for rows in by_year]
    year_labels = {t.key[0]: year_label(totals.year_start(network, int(t.key[0]))) for rows in up_to for t in rows}
    organisation_id = organisation.id if organisation else None
    # The top contracts from the workers' per-contract rows (a year of delivery is not added up per request).
    living_wage_counts = totals.living_wage_status_counts(session, ids, start=start, end=end)
    top, top_when = ((totals.top_contracts_from_snapshot, {"year": year}) if from_snapshot
                     else (totals.top_contracts, {"start": start, "end": end}))
    like_for_like.measure_labels, like_for_like.units = measure_labels, units
    return AnnualReport(
        network=network, organisation=organisation, year_start=start, year_end=end, years=years, headlines=headlines,
        by_theme=_rows(made["theme"], done["theme"], theme_names),
        by_measure=_rows(made["measure"], done["measure"], measure_labels, units),
        by_partner=_rows(made["partner"], done["partner"], partner_names) if organisation is None else [],
        by_route=_rows(made_in_year_by_route, done["route"], ROUTE_LABELS),
        by_year=sorted(_rows(*up_to, year_labels), key=lambda r: int(r.key)),
        top_committed=top(session, listed_ids, order="committed", limit=TOP_CONTRACTS, **top_when),
        top_delivered=top(session, listed_ids, order="delivered", limit=TOP_CONTRACTS, **top_when),
        living_wage=totals.living_wage_contracts(session, listed_ids, start=start, end=end, limit=living_wage_limit),
        living_wage_counts=living_wage_counts,
        living_wage_listed_count=sum((living_wage_counts if set(listed_ids) == set(ids) else
                                      totals.living_wage_status_counts(session, listed_ids, start=start, end=end)).values()),
        targets=performance_against_targets(session, network, organisation_id=organisation_id,
                                            period_start=start, period_end=end - timedelta(days=1)),
        **{tag: _quantity(session, label, totals.headline_measures(network, tag), made["measure"], done["measure"])
           for tag, label in HEADLINES.items()},
        beneficiaries_by_ward=suppress_small_counts(beneficiaries["ward"]),
        **_groups_apart(beneficiaries["protected_group"]),
        partner_names=partner_names,
        unlisted_partners=sorted(partner_names[i] for i in ids if i not in listed_ids and i in partner_names),
        rebased=made_now.current_value_pence != made_now.value_pence or done_now.current_value_pence != done_now.value_pence,
        from_snapshot=from_snapshot,
        like_for_like=like_for_like,
    )
