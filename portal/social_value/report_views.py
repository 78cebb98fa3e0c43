"""The annual social value report: a partner's and the network's, as a page, a PDF and a spreadsheet."""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from portal.dashboard import charts
from portal.downloads import csv_response, safe_cell
from portal.extensions import db
from portal.formatting import govuk_date
from tenants.models import Network
from tenants.web import current_partner, is_lead_of, partner_required

from . import report as annual
from . import report_progress
from .forms.targets import TARGET_LABELS

bp = Blueprint("sv_report", __name__)

PRINT_CSS = Path(__file__).resolve().parent.parent / "assets" / "social_value_report_print.css"
FEWER_THAN = f"fewer than {annual.SMALL_COUNT}"


def _led_network_or_404(network_id: int) -> Network:
    """:raise 404: unless the user leads this network (never say it exists)."""
    network = db.session.get(Network, network_id)
    if network is None or not is_lead_of(current_user, network.id):
        abort(404)
    return network


def _partner_report(living_wage_limit: int | None = None) -> annual.AnnualReport:
    organisation = current_partner().organisation
    return annual.partner_report(db.session, organisation, asked=request.args.get("year"), living_wage_limit=living_wage_limit)


def _network_report(network_id: int, living_wage_limit: int | None = None) -> annual.AnnualReport:
    return annual.network_report(db.session, _led_network_or_404(network_id), asked=request.args.get("year"),
                                 living_wage_limit=living_wage_limit)


def _charts(r: annual.AnnualReport) -> dict:
    return {
        "themes": charts.horizontal_bar_chart(
            f"Social value committed by theme, {r.label}, with the part delivered",
            [(row.label, row.committed_pence, row.delivered_pence) for row in r.by_theme], part_label="delivered",
        ),
        "years": charts.bar_chart(
            "Social value delivered by financial year",
            [(str(int(row.key)), row.delivered_pence) for row in r.by_year],
        ),
    }


def report_charts(r: annual.AnnualReport) -> dict:
    """The report's charts by theme and by year (inline SVG), for every page or PDF that shows this report."""
    return _charts(r)


def _page(r: annual.AnnualReport, urls: dict):
    return render_template("social_value/report.html", report=r, charts=_charts(r), urls=urls,
                           rlw_labels=annual.RLW_LABELS, route_labels=annual.ROUTE_LABELS,
                           living_wage_shown=annual.LIVING_WAGE_SHOWN)


def _no_fetching(url, *args, **kwargs):
    """The PDF is drawn from our own markup only: WeasyPrint fetches nothing (no files, no network)."""
    raise ValueError(f"the report PDF does not load {url}")


def _pdf(r: annual.AnnualReport) -> Response:
    from weasyprint import CSS, HTML

    html = render_template("social_value/report_print.html", report=r, charts=_charts(r),
                           rlw_labels=annual.RLW_LABELS, route_labels=annual.ROUTE_LABELS)
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(r)}.pdf"'})


def _filename(r: annual.AnnualReport) -> str:
    who = "network" if r.is_network else "partner"
    return f"social-value-report-{who}-{r.year_start.year}"


def _download(r: annual.AnnualReport, fmt: str) -> Response:
    sections = report_sections(r)
    if fmt == "csv":
        return csv_response(_filename(r), ["Table", "Item", "Figure", "Value"], tidy_rows(sections))
    return _xlsx(_filename(r), sections)


@bp.route("/social-value/report")
@partner_required("viewer")
def partner_report():
    """The partner's annual social value report for ``?year=`` (default: the latest year with figures)."""
    r = _partner_report(annual.LIVING_WAGE_SHOWN)
    year = r.year_start.year
    return _page(r, {
        "pdf": ("sv_report.partner_report_pdf", {"year": year}),
        "csv": ("sv_report.partner_report_download", {"fmt": "csv", "year": year}),
        "xlsx": ("sv_report.partner_report_download", {"fmt": "xlsx", "year": year}),
        "form": ("sv_report.partner_report", {}),
    })


@bp.route("/social-value/report.pdf")
@partner_required("viewer")
def partner_report_pdf():
    return _pdf(_partner_report())


@bp.route("/social-value/report.<any(csv, xlsx):fmt>")
@partner_required("viewer")
def partner_report_download(fmt: str):
    return _download(_partner_report(), fmt)


@bp.route("/network/<int:network_id>/social-value-report")
@login_required
def network_report(network_id: int):
    """The network's annual social value report over all its partners. :raise 404: unless the user leads it."""
    r = _network_report(network_id, annual.LIVING_WAGE_SHOWN)
    year = r.year_start.year
    return _page(r, {
        "pdf": ("sv_report.network_report_pdf", {"network_id": network_id, "year": year}),
        "csv": ("sv_report.network_report_download", {"network_id": network_id, "fmt": "csv", "year": year}),
        "xlsx": ("sv_report.network_report_download", {"network_id": network_id, "fmt": "xlsx", "year": year}),
        "form": ("sv_report.network_report", {"network_id": network_id}),
    })


@bp.route("/network/<int:network_id>/social-value-report.pdf")
@login_required
def network_report_pdf(network_id: int):
    return _pdf(_network_report(network_id))


@bp.route("/network/<int:network_id>/social-value-report.<any(csv, xlsx):fmt>")
@login_required
def network_report_download(network_id: int, fmt: str):
    return _download(_network_report(network_id), fmt)


# -- The report as tables, for the downloads ------------------------------------------------------

def pounds_number(pence: int | None) -> Decimal | None:
    """Pence as a Decimal number of pounds, so a spreadsheet can add them up."""
    return None if pence is None else Decimal(pence).scaleb(-2)


BREAKDOWN_HEADER = ["Committed (£)", "Committed as first valued (£)", "Delivered (£)", "Delivered as first valued (£)"]


def _breakdown(rows, quantities: bool = False):
    for row in rows:
        values = [row.label, *(pounds_number(p) for p in (row.committed_pence, row.committed_original_pence,
                                                          row.delivered_pence, row.delivered_original_pence))]
        if quantities:
            values += [row.committed_quantity, row.delivered_quantity, row.unit]
        yield values


def report_sections(r: annual.AnnualReport) -> list[tuple[str, list[str], list[list]]]:
    """Every table of the report as (title, header, rows); the first column names the item."""
    year, partner = r.label, r.partner_names
    sections = [
        (f"Headline figures {year}", ["Figure", f"{year} (£)", "As first valued (£)", f"{r.previous_label} (£)",
                                       "Change (£)", "Change (%)"],
         [[h.label, pounds_number(h.pence), pounds_number(h.original_pence), pounds_number(h.previous_pence),
           pounds_number(h.change_pence), h.change_percent] for h in r.headlines]),
        (f"By theme {year}", ["Theme", *BREAKDOWN_HEADER], list(_breakdown(r.by_theme))),
        (f"By measure {year}", ["Measure", *BREAKDOWN_HEADER, "Committed quantity", "Delivered quantity", "Unit"],
         list(_breakdown(r.by_measure, quantities=True))),
    ]
    if r.is_network:
        sections.append((f"By partner {year}", ["Partner", *BREAKDOWN_HEADER], list(_breakdown(r.by_partner))))
    sections += [
        (f"By route {year}", ["Route", *BREAKDOWN_HEADER], list(_breakdown(r.by_route))),
        ("Year by year", ["Financial year", *BREAKDOWN_HEADER], list(_breakdown(r.by_year))),
    ]
    for title, contracts in ((f"Top contracts by committed value {year}", r.top_committed),
                             (f"Top contracts by delivered value {year}", r.top_delivered)):
        sections.append((title, ["Contract", "Title", "Partner", "Supplier", "Committed (£)", "Delivered (£)"], [
            [c.reference, c.title, partner.get(c.organisation_id, ""), c.supplier,
             pounds_number(c.committed_current_pence), pounds_number(c.delivered_current_pence)] for c in contracts]))
    sections += [
        (f"Real Living Wage contracts {year}", ["Contract", "Title", "Partner", "Supplier", "Ends", "Pays the Real Living Wage"],
         [[c.reference, c.title, partner.get(c.organisation_id, ""), c.supplier, c.end_date,
           annual.RLW_LABELS[c.supplier_pays_rlw]] for c in r.living_wage]),
        (f"Targets {year}", ["Target", "Period", "Target", "Achieved", "Achieved (%)", "Status"],
         [[_target_label(p), f"{govuk_date(p.target.period_start)} to {govuk_date(p.target.period_end)}",
           *_target_figures(p), p.percent, p.status_label] for p in r.targets]),
        *like_for_like_sections(r),
        (f"Jobs and apprenticeships {year}", ["Figure", "Committed", "Delivered", "Measures counted"],
         [[q.label, q.committed, q.delivered, ", ".join(q.measures)] for q in r.headline_quantities]),
        (f"Beneficiaries by ward {year}", ["Ward", "People (count)"],
         [[ward or "Not recorded", _count(n)] for ward, n in r.beneficiaries_by_ward]),
        (f"Beneficiaries by protected characteristic {year}", ["Protected characteristic", "People (count)"],
         [[group, _count(n)] for group, n in r.beneficiaries_by_group]),
        (f"Beneficiaries in other groups {year}", ["Group", "People (count)"],
         [[group or "Not recorded", _count(n)] for group, n in r.beneficiaries_by_other_group]),
    ]
    return sections


def _count(n: int | None):
    """A beneficiary count as exported: suppressed ones (under 5) say so, never the number."""
    return FEWER_THAN if n is None else n


def like_for_like_sections(r: annual.AnnualReport) -> list:
    """To date, delivery against the same commitments, and the year in halves, as download tables."""
    f = r.like_for_like
    if f is None:
        return []
    since = f"since {govuk_date(f.to_date.since)}" if f.to_date.since else "since records began"
    return [
        (f"To date {since}", ["Figure", "£", "As first valued (£)", "Count"], [
            ["Committed", pounds_number(f.to_date.committed_pence), pounds_number(f.to_date.committed_original_pence),
             f.to_date.commitments],
            ["Delivered", pounds_number(f.to_date.delivered_pence), pounds_number(f.to_date.delivered_original_pence),
             f.to_date.reports],
        ]),
        (f"Delivery against commitments {since}", ["Contracts", "Committed (£)", "Delivered on them (£)", "Delivered (%)"],
         [[report_progress.STATUS_LABELS[row.status], pounds_number(row.committed_pence),
           pounds_number(row.delivered_pence), row.percent_delivered] for row in f.status_rows()]),
        (f"Year and half-year {r.label}", ["Period", "From", "To", "Committed, spread over contracts (£)", "Delivered (£)"],
         [[p.label, p.start, p.end, pounds_number(p.committed_pence), pounds_number(p.delivered_pence)] for p in f.periods]),
    ]


def _target_label(p) -> str:
    t = p.target
    if t.subject in TARGET_LABELS:
        return TARGET_LABELS[t.subject]
    basis = "delivered" if t.basis == "delivered" else "committed"
    if t.subject == "measure":
        return f"{t.measure.code} {t.measure.description} ({basis})"
    if t.subject == "theme":
        return f"{t.theme.name} ({basis} £)"
    return f"All social value ({basis} £)"


def _target_figures(p) -> list:
    t = p.target
    if t.target_percent is not None:
        return [t.target_percent, p.achieved_percent]
    if t.target_quantity is not None:
        return [t.target_quantity, p.achieved_quantity]
    return [pounds_number(t.target_value_pence), pounds_number(p.achieved_value_pence)]


def tidy_rows(sections):
    """One row per figure (table, item, figure, value): the same shape for every table, for a CSV."""
    for title, header, rows in sections:
        for row in rows:
            for name, value in zip(header[1:], row[1:]):
                yield [title, row[0], name, value]


def _xlsx(filename: str, sections) -> Response:
    """One sheet per table, cells made safe as in ``portal.downloads``."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for title, header, rows in sections:
        name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
        while name in used:
            name = name[:29] + f"{len(used):02d}"
        used.add(name)
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return Response(out.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'})
