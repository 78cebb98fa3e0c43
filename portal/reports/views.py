"""The annual report's page and files: the partner's own, and the network's for every partner of it and its lead."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from portal.extensions import db
from tenants.models import Network
from tenants.web import current_partner, is_lead_of, partner_required

from . import annual, files
from .tables import report_tables

bp = Blueprint("reports", __name__)

def _pdf(r: annual.CommitteeReport) -> bytes:
    """The page's tables through WeasyPrint, as the social value report's PDF is made (it fetches nothing)."""
    from weasyprint import CSS, HTML

    from portal.social_value.report_views import PRINT_CSS, _no_fetching

    html = render_template("reports/annual_print.html", report=r, tables=report_tables(r), cell=files.cell_text,
                           warning=annual.ILLUSTRATIVE_WARNING)
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


FILES = {"pdf": (_pdf, "application/pdf"), "csv": (files.csv_file, files.CSV_TYPE), "docx": (files.word_document, files.DOCX_TYPE), "xlsx": (files.workbook, files.XLSX_TYPE)}


def _network_report(network_id: int) -> annual.CommitteeReport:
    """The network's report as this user may read it.

    :raise 404: unless the user leads the network or belongs to one of its partners (never say it exists).
    """
    network = db.session.get(Network, network_id)
    if network is None:
        abort(404)
    if is_lead_of(current_user, network.id):
        reader = None
    else:
        partner = current_partner()
        if partner is None or partner.organisation.network_id != network.id:
            abort(404)
        reader = partner.organisation.id
    return annual.network_report(db.session, network, request.args.get("year"), reader_id=reader)


def _page(r: annual.CommitteeReport, urls: dict):
    return render_template("reports/annual.html", report=r, tables=report_tables(r), cell=files.cell_text,
                           warning=annual.ILLUSTRATIVE_WARNING, urls=urls)


def _file(r: annual.CommitteeReport, fmt: str) -> Response:
    write, mimetype = FILES[fmt]
    who = "network" if r.is_network else "partner"
    return Response(write(r), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="annual-report-{who}-{r.year_start.year}.{fmt}"'})


def _partner_report() -> annual.CommitteeReport:
    return annual.partner_report(db.session, current_partner().organisation, request.args.get("year"))


@bp.route("/report")
@partner_required("viewer")
def partner_report():
    """The partner's annual report for ``?year=`` (default: its latest year of spend)."""
    r = _partner_report()
    return _page(r, {fmt: ("reports.partner_report_file", {"fmt": fmt, "year": r.year_start.year}) for fmt in FILES})


@bp.route("/report.<any(pdf, csv, docx, xlsx):fmt>")
@partner_required("viewer")
def partner_report_file(fmt: str):
    return _file(_partner_report(), fmt)


@bp.route("/network/<int:network_id>/report")
@login_required
def network_report(network_id: int):
    """The network's annual report. :raise 404: unless the user leads the network or belongs to a partner of it."""
    r = _network_report(network_id)
    return _page(r, {fmt: ("reports.network_report_file", {"network_id": network_id, "fmt": fmt,
                                                           "year": r.year_start.year}) for fmt in FILES})


@bp.route("/network/<int:network_id>/report.<any(pdf, csv, docx, xlsx):fmt>")
@login_required
def network_report_file(network_id: int, fmt: str):
    return _file(_network_report(network_id), fmt)
