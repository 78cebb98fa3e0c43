"""The annual report for scrutiny, as plain data: spend, combined anchor spend, social value, method notes.

Nothing is recomputed here. Spend comes from the stored totals through
``portal.dashboard.figures.headlines`` and ``places.place_figures`` (the dashboard's
own functions), partners side by side from ``portal.network.comparison``, and
social value from ``portal.social_value.report`` (which already applies each
partner's sharing choice to the contracts it lists).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from portal.benchmarks import comparison as benchmarking
from portal.dashboard import figures, method, places, public
from portal.formatting import govuk_date
from portal.network import comparison
from portal.social_value import report as sv
from portal.social_value import totals as sv_totals
from portal.social_value.models import Commitment, ProxyValue
from portal.spend import queries
from portal.spend.queries import share
from portal.spend.totals import add_months
from tenants import network_wide, tenant_context
from tenants.models import Network, Organisation

from . import case_studies, periods

ILLUSTRATIVE_WARNING = ("Illustrative values: some social value figures in this report use proxy values marked "
                        "illustrative (invented for the demonstration). They are not for reporting.")


@dataclass(frozen=True)
class SpendFigure:
    """One spend headline this year with last year's beside it."""

    key: str
    label: str
    pence: int | None  # None: withheld (only one partner's spend is in it, and a partner is reading)
    share: object
    previous_pence: int | None
    previous_share: object
    share_of: str
    how: str

    @property
    def change_pence(self) -> int | None:
        return None if self.previous_pence is None or self.pence is None else self.pence - self.previous_pence

    @property
    def change_points(self):
        """The change in share, in percentage points (None when either year has none)."""
        return None if self.share is None or self.previous_share is None else self.share - self.previous_share


@dataclass(frozen=True)
class SpendSection:
    figures: list[SpendFigure]
    places: places.PlaceFigures


@dataclass(frozen=True)
class CombinedRow:
    """One partner's year of spend in the network's combined figure, with what its published files cover."""

    name: str
    total_pence: int | None
    procurable_pence: int | None
    local_pence: int | None
    local_share: object
    threshold: str  # what its published files cover, stated beside its figure


@dataclass
class CommitteeReport:
    network: Network
    organisation: Organisation | None  # None: the network's report
    period: periods.Period
    spend: SpendSection | None  # None: no spend totals for the year
    combined: list[CombinedRow]
    social_value: sv.AnnualReport
    illustrative: bool
    rule: method.CountingRule
    notes: list[tuple[str, str]] = field(default_factory=list)
    # (partner name, narrative): chosen by each partner's officers; the network's report shows
    # only partners that share their lines with the lead (or, to a partner, its own).
    case_studies: list[tuple[str, case_studies.Narrative]] = field(default_factory=list)
    # Other places' published figures beside the network's own computed the same way (the network's report only).
    benchmarks: list[benchmarking.Comparison] = field(default_factory=list)

    @property
    def is_network(self) -> bool:
        return self.organisation is None

    @property
    def who(self) -> str:
        return self.organisation.name if self.organisation else self.network.name

    @property
    def year_start(self) -> date:
        return self.period.year_start

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def previous_label(self) -> str:
        return self.period.previous.label


# A partner's published spend file covers payments over this; the network does not record it yet.
THRESHOLD_NOT_RECORDED = "Publishing threshold not recorded"


def _spend_figures(now_row, before_row, period: periods.Period, rule, withheld=lambda row: frozenset()) -> list[SpendFigure]:
    """The dashboard's headlines this period and the same period last year; ``withheld(row)`` names the ones not to show."""
    now = figures.headlines(now_row, figures.month_range(period.start, period.months), rule)
    before = {h.key: h for h in figures.headlines(before_row, {}, rule)} if before_row is not None else {}
    hidden_now = withheld(now_row)
    hidden_before = withheld(before_row) if before_row is not None else frozenset()
    out = []
    for h in now:
        b = None if h.key in hidden_before else before.get(h.key)
        if h.key in hidden_now:
            out.append(SpendFigure(h.key, h.label, None, None, None, None, h.share_of, h.how))
            continue
        out.append(SpendFigure(h.key, h.label, h.pence, h.share, b.pence if b else None, b.share if b else None,
                               h.share_of, h.how))
    return out


# Measures the network's rows do not count partners for: a partner reading the network's
# report cannot be shown them, as they may be one other partner's figure.
NOT_COUNTED_BY_PARTNER = frozenset({"employee_owned", "living_wage"})


def withheld_from_partners(row) -> frozenset[str]:
    """The network's headline measures only one partner's spend went into (the public summary's rule), and the uncounted."""
    hidden = public.withheld_measures(row) | NOT_COUNTED_BY_PARTNER
    if row.partner_count < public.MIN_PARTNERS:
        hidden |= {"total"}
    return hidden


def _one(rows):
    return rows[0] if rows else None


def _spend(session: Session, read, period: periods.Period, rule, for_partner: bool = False) -> SpendSection | None:
    """Spend of the period and the same period last year, by ward and IMD decile, from ``read``'s stored rows.

    ``for_partner``: a partner is reading the network's rows, so a figure only one partner's
    spend went into is withheld, as on the public summary (it would be that partner's own).
    """
    now = _one(periods.rows_for(read, period, "all"))
    if now is None:
        return None
    before = _one(periods.rows_for(read, period.previous, "all"))
    wards, deciles = periods.rows_for(read, period, "ward"), periods.rows_for(read, period, "imd")
    withheld_keys = set()
    if for_partner:
        withheld_keys = {(b, r.key) for b, rows in (("imd", deciles), ("ward", wards)) for r in rows
                         if not public.procurable_shown(r)}
    return SpendSection(
        _spend_figures(now, before, period, rule, withheld_from_partners if for_partner else (lambda row: frozenset())),
        places.place_figures(deciles, wards, now.procurable_pence, method.area_names(session, [r.key for r in wards]),
                             withheld_keys=withheld_keys),
    )


def _combined(session: Session, network: Network, period: periods.Period) -> list[CombinedRow]:
    """Each partner's period (totals only, never lines), as the lead's comparison reads them."""
    thresholds = {o.id: threshold_label(o) for o in network.organisations}
    if period.half is None:
        reads = [queries.partners_side_by_side(session, network, "year", period.start)]
    else:
        reads = [queries.partners_side_by_side(session, network, "quarter", add_months(period.start, n)) for n in (0, 3)]
    rows = []
    for parts in zip(*reads, strict=True):
        found = [p.measures for p in parts if p.measures is not None]
        measures = {m: sum(f[m] for f in found) for m in ("total_pence", "procurable_pence", "local_pence")} if found else None
        if measures is None:
            rows.append(CombinedRow(parts[0].name, None, None, None, None, thresholds.get(parts[0].organisation_id, "")))
            continue
        rows.append(CombinedRow(parts[0].name, measures["total_pence"], measures["procurable_pence"], measures["local_pence"],
                                share(measures["local_pence"], measures["procurable_pence"]),
                                thresholds.get(parts[0].organisation_id, THRESHOLD_NOT_RECORDED)))
    return rows


def only_the_readers(combined: list[CombinedRow], social_value: sv.AnnualReport, reader_id: int, network: Network):
    """A partner reading the network's report: partner by partner, its own row alone, other partners not named.

    The network's totals stay whole; another partner's own figure (or name) is the lead's to see, not a peer's.
    """
    own_name = next((o.name for o in network.organisations if o.id == reader_id), None)
    social_value.by_partner = [row for row in social_value.by_partner if row.key == reader_id]
    others = len(social_value.unlisted_partners)
    social_value.unlisted_partners = [f"{others} other partner{'' if others == 1 else 's'}"] if others else []
    social_value.partner_names = {k: v for k, v in social_value.partner_names.items() if k == reader_id}
    # Beneficiaries are counted for the network without saying which partners' reports they came
    # from: a ward named there may be another partner's alone, so a partner sees none of them.
    social_value.beneficiaries_by_ward = []
    social_value.beneficiaries_by_group = []
    social_value.beneficiaries_by_other_group = []
    return [row for row in combined if row.name == own_name], social_value


def threshold_label(organisation: Organisation) -> str:
    """What the partner's published spend files cover, in its words ("Publishes spend over £500")."""
    pence = organisation.publishes_spend_over_pence
    if pence is None:
        return THRESHOLD_NOT_RECORDED
    return f"Publishes spend {case_studies.THRESHOLDS.get(pence, f'over £{pence // 100:,}')}"


def uses_illustrative_values(session: Session, network: Network, report: sv.AnnualReport) -> bool:
    """True when any measure behind the report's social value has a proxy value marked illustrative.

    Read inside the report's scope, so the commitments are the report's partners' own. Errs
    towards the banner: a measure counts if it is in the year's figures or in any commitment.
    """
    in_report = [row.key for row in report.by_measure if row.committed_pence or row.delivered_pence]
    committed = select(Commitment.measure_id)
    return bool(session.scalar(select(exists().where(
        ProxyValue.network_id == network.id,
        ProxyValue.illustrative.is_(True),
        or_(ProxyValue.measure_id.in_(in_report), ProxyValue.measure_id.in_(committed)),
    ))))


def _notes(report: CommitteeReport) -> list[tuple[str, str]]:
    """Where each figure comes from, in words."""
    rule, s = report.rule, report.social_value
    registers = "; ".join(f"{name}: {f'{govuk_date(when)}' if when else 'not loaded'}" for name, when in rule.register_dates)
    notes = [
        ("Spend", ("From the spend lines each partner imported, added up by the workers into yearly totals. Procurable "
                  f"spend leaves out {rule.excluded_text}. Local means based or branched in {rule.area_text}.")),
        ("Registers", f"Suppliers are placed and classed from the registers as last loaded: {registers}."),
        ("Social value", "Commitments are valued at the proxy values in force when they were made"
                         + (", re-based by the network" if s.rebased else "") + "; delivery counts verified reports only."
                         + ("" if s.from_snapshot else " A change was still waiting for the workers, so the figures "
                                                         "were added up from the records at the time of reading.")),
        ("Suppressed cells", f"Beneficiary counts under {sv.SMALL_COUNT} are shown as 'fewer than {sv.SMALL_COUNT}'."),
    ]
    if s.unlisted_partners:
        notes.append(("Contracts not listed", ("These partners' contracts are counted in the totals but not named, as their sharing choice "
                                              f"allows: {', '.join(s.unlisted_partners)}.")))
    if report.is_network and report.social_value.partner_names.keys() != {o.id for o in report.network.organisations}:
        notes.append(("A partner's view", ("Read by a partner: each other partner's own figures, its contracts and the "
                                          "beneficiaries by ward and group are the lead's to see; the network's totals "
                                          "include them. Combined spend figures only one partner's spend went into are "
                                          "withheld, as on the public summary; spend with employee-owned firms and "
                                          "Real Living Wage employers is not shown.")))
    if report.period.half is not None:
        notes.append(("Half-year", (f"Spend and case studies are for {report.label}, against the same half a year "
                                   "before (the sum of the quarters' totals). Social value is for the whole financial "
                                   f"year {figures.year_label(report.year_start)}; its halves are in the table "
                                   "'Year and half-year'.")))
    used = {c.definition.key: c.definition for c in report.benchmarks if c.definition.computable}
    if used:
        notes.append(("Benchmarks", "Other places' figures as their publishers give them, beside the network's own "
                                    "computed the same way from its stored yearly totals: "
                      + " ".join(f"{d.label}: {d.explanation}" for d in used.values())))
    if report.illustrative:
        notes.append(("Measure values", ILLUSTRATIVE_WARNING))
    return notes


def _year_start(network: Network, asked: str | None, years: list[date], social_value_years) -> date:
    """The year asked for, else the latest with spend, else the latest with social value, else this one."""
    for start in years:
        if asked and str(start.year) == asked.strip():
            return start
    if not asked and years:
        return years[0]
    year = sv.chosen_year(network, social_value_years(), asked)
    return date(year, network.financial_year_start_month, 1)


def _social_value_years(session: Session, network: Network, ids) -> list[int]:
    """The years with social value figures, latest first (inside the report's scope)."""
    made = sv_totals.committed(session, network, ids, by=("year",))
    done = sv_totals.delivered(session, network, ids, by=("year",))
    return sorted({int(t.key[0]) for rows in (made, done) for t in rows}, reverse=True)


def partner_report(session: Session, organisation: Organisation, asked: str | None = None,
                   half: int | None = None) -> CommitteeReport:
    """The partner's report for ``?year=`` (default: its latest year of spend) or one half of it, in its own tenant context."""
    network = organisation.network
    rule = method.counting_rule(session, network)
    with tenant_context(organisation.id):
        period = periods.Period(_year_start(network, asked, figures.financial_years(session),
                                            lambda: _social_value_years(session, network, [organisation.id])), half)
        spend = _spend(session, lambda kind, breakdown: queries.partner_totals(session, kind, breakdown), period, rule)
        social_value = sv.partner_report(session, organisation, year=period.year_start.year)
        illustrative = uses_illustrative_values(session, network, social_value)
        chosen = [(organisation.name, n) for n in case_studies.chosen_narratives(session, period.start, period.end)]
    report = CommitteeReport(network, organisation, period, spend, [], social_value, illustrative, rule, case_studies=chosen)
    report.notes = _notes(report)
    return report


def network_report(session: Session, network: Network, asked: str | None = None,
                   reader_id: int | None = None, half: int | None = None) -> CommitteeReport:
    """The network's report: combined spend, each partner's year, the network's social value.

    The lead reads it (``reader_id`` None) and so may any partner of the network
    (``reader_id`` its id): spend appears as totals only, and contracts are listed as
    ``portal.social_value.report.network_report`` allows the reader.
    """
    rule = method.counting_rule(session, network)
    partner_ids = [o.id for o in network.organisations]

    def social_value_years():
        with network_wide(partner_ids, "the network's annual report: its years of social value"):
            return _social_value_years(session, network, partner_ids)

    period = periods.Period(_year_start(network, asked, comparison.financial_years(session, network), social_value_years),
                            half)
    def read(kind, breakdown):
        return queries.network_totals(session, network.id, kind, breakdown)

    with queries.over_the_network(session, network.id, "the network's annual report: combined spend"):
        spend = _spend(session, read, period, rule, for_partner=reader_id is not None)
        benchmarks = benchmarking.compare(session, network, read("year", "all"), _one(periods.rows_for(read, period, "all")),
                                        withheld_from_partners if reader_id is not None else None)
    combined = _combined(session, network, period)
    social_value = sv.network_report(session, network, year=period.year_start.year, reader_id=reader_id)
    if reader_id is not None:
        combined, social_value = only_the_readers(combined, social_value, reader_id, network)
    with network_wide(partner_ids, "the network's annual report: are illustrative values used"):
        illustrative = uses_illustrative_values(session, network, social_value)
    shown = [o for o in sorted(network.organisations, key=lambda o: o.name)
             if (o.id == reader_id if reader_id is not None else o.shares_lines_with_lead)]
    chosen = []
    for organisation in shown:
        with tenant_context(organisation.id):
            chosen += [(organisation.name, n) for n in case_studies.chosen_narratives(session, period.start, period.end)]
    report = CommitteeReport(network, None, period, spend, combined, social_value, illustrative, rule, case_studies=chosen,
                             benchmarks=benchmarks)
    report.notes = _notes(report)
    return report
