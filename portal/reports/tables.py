"""The report's tables as (title, header, rows): the one shape the page, the Word document and the XLSX all read.

Amounts are pounds as Decimal numbers (never formatted text). The social value
tables are the social value report's own (``report_sections``), so the figures
match its page and downloads.
"""
from __future__ import annotations

from datetime import date

from portal.dashboard.figures import year_label
from portal.dashboard.tables import pounds_number
from portal.social_value.report_views import report_sections

from .annual import CommitteeReport

Section = tuple[str, list[str], list[list]]


def spend_sections(r: CommitteeReport) -> list[Section]:
    if r.spend is None:
        return benchmark_sections(r)
    year, before = r.label, r.previous_label
    return [
        (f"Spend {year}", ["Figure", f"{year} (£)", "Share (%)", "Share of", f"{before} (£)", f"{before} share (%)",
                           "Change (£)", "Change in share (points)"],
         [[f.label, pounds_number(f.pence), f.share, f.share_of or None, pounds_number(f.previous_pence), f.previous_share,
           pounds_number(f.change_pence), f.change_points] for f in r.spend.figures]),
        (f"Procurable spend by IMD decile {year}", ["IMD decile", "Procurable spend (£)", "Share (%)"],
         [[row.label, pounds_number(row.procurable_pence), row.share] for row in r.spend.places.deciles]),
        (f"Procurable spend by ward {year}", ["Ward", "Procurable spend (£)", "Share (%)"],
         [[row.label, pounds_number(row.procurable_pence), row.share] for row in r.spend.places.wards]),
        *benchmark_sections(r),
    ]


def _own(figure, pounds: bool):
    """The network's figure in the benchmark's unit, or why there is none."""
    if figure.missing:
        return figure.missing
    return pounds_number(figure.pence) if pounds else figure.share


def benchmark_sections(r: CommitteeReport) -> list[Section]:
    """Other places' published figures beside the network's own computed the same way (network's report, when any)."""
    if not r.benchmarks:
        return []
    rows = []
    for c in r.benchmarks:
        b, pounds = c.benchmark, c.benchmark.pence is not None
        source = f"{b.publisher}, {b.title}" + (f" ({b.url})" if b.url else "")
        rows.append([b.place, source, year_label(date(b.year, r.network.financial_year_start_month, 1)), c.definition.label,
                     pounds_number(b.pence) if pounds else b.percent, "£" if pounds else "%",
                     _own(c.same_year, pounds), _own(c.report_period, pounds)])
    return [(f"Benchmarks {r.label}", ["Place", "Source", "Year", "Definition", "Their figure", "Unit",
                                       f"{r.network.name}, same year", f"{r.network.name}, {r.label}"], rows)]


def combined_sections(r: CommitteeReport) -> list[Section]:
    if not r.is_network:
        return []
    return [(f"Combined anchor spend {r.label}",
             ["Partner", "Total spend (£)", "Procurable spend (£)", "Local spend (£)", "Local share (%)", "What it publishes"],
             [[c.name, pounds_number(c.total_pence), pounds_number(c.procurable_pence), pounds_number(c.local_pence),
               c.local_share, c.threshold] for c in r.combined])]


def case_study_section(r: CommitteeReport) -> Section:
    """The narratives officers chose, with the contract each is about."""
    return (f"Case studies {r.label}", ["Contract", "Title", "Partner", "Supplier", "Period ended", "What was delivered"],
            [[n.contract_reference, n.contract_title, partner, n.supplier, n.period_end, n.narrative]
             for partner, n in r.case_studies])


def method_section(r: CommitteeReport) -> Section:
    return ("Method notes", ["Figures", "Where they come from"], [[topic, text] for topic, text in r.notes])


def report_tables(r: CommitteeReport) -> list[Section]:
    """Every table of the report, in the order the page shows them."""
    return [*spend_sections(r), *combined_sections(r), *report_sections(r.social_value), case_study_section(r),
            method_section(r)]


def charts_by_table(r: CommitteeReport) -> dict:
    """The page's and the PDF's charts (inline SVG), keyed by the title of the table that holds their data."""
    from portal.dashboard import charts
    from portal.social_value.report_views import report_charts

    out = {}
    if r.spend is not None:
        places = charts.place_charts(r.spend.places, f"Procurable spend, {r.label},")
        out[f"Procurable spend by IMD decile {r.label}"] = places["imd"]
        out[f"Procurable spend by ward {r.label}"] = places["wards"]
    sv = report_charts(r.social_value)
    out[f"By theme {r.social_value.label}"] = sv["themes"]
    out["Year by year"] = sv["years"]
    return out
