"""The annual report's page and files: the partner's own, and the network's for every partner of it and its lead."""
from __future__ import annotations

import base64

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from portal.accounts.services import record
from portal.dashboard.figures import year_label
from portal.extensions import db
from portal.formatting import govuk_date
from portal.social_value import totals as sv_totals
from portal.social_value.report import chosen_year
from tenants.models import Network
from tenants.web import current_partner, is_lead_of, partner_required

from . import annual, case_studies, charts, files, periods
from .forms import NOT_RECORDED, CaseStudiesForm, PublishingForm
from .tables import charts_by_table, report_tables

bp = Blueprint("reports", __name__)

def _pdf(r: annual.CommitteeReport) -> bytes:
    """The page's tables through WeasyPrint, each chart a PNG above its table.

    The images are data: URLs in the markup, and the fetcher allows that scheme only, so
    the PDF still loads nothing from files or the network.
    """
    from weasyprint import CSS, HTML, URLFetcher

    from portal.social_value.report_views import PRINT_CSS

    tables = report_tables(r)
    images = {c.table: (f"data:image/png;base64,{base64.b64encode(charts.png(c)).decode()}", charts.alt_text(c))
              for c in charts.chart_data(r, tables)}
    printed, notes = files.for_print(tables)
    html = render_template("reports/annual_print.html", report=r, tables=printed, cell=files.cell_text,
                           warning=annual.ILLUSTRATIVE_WARNING, images=images, notes=notes)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))])


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
    return annual.network_report(db.session, network, request.args.get("year"), reader_id=reader, half=_half())


def _page(r: annual.CommitteeReport, urls: dict):
    return render_template("reports/annual.html", report=r, tables=report_tables(r), cell=files.cell_text,
                           warning=annual.ILLUSTRATIVE_WARNING, urls=urls, charts=charts_by_table(r))


def _file(r: annual.CommitteeReport, fmt: str) -> Response:
    write, mimetype = FILES[fmt]
    who = "network" if r.is_network else "partner"
    half = f"-h{r.period.half}" if r.period.half else ""
    return Response(write(r), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="annual-report-{who}-{r.year_start.year}{half}.{fmt}"'})


def _half() -> int | None:
    return periods.chosen_half(request.args.get("half"))


def _partner_report() -> annual.CommitteeReport:
    return annual.partner_report(db.session, current_partner().organisation, request.args.get("year"), half=_half())


def _args(r: annual.CommitteeReport) -> dict:
    """The period in a URL: ?year= and, for a half-year, ?half=."""
    return {"year": r.year_start.year, **({"half": r.period.half} if r.period.half else {})}


@bp.route("/report")
@partner_required("viewer")
def partner_report():
    """The partner's annual report for ``?year=`` (default: its latest year of spend)."""
    r = _partner_report()
    return _page(r, {"form": ("reports.partner_report", {}),
                     **{fmt: ("reports.partner_report_file", {"fmt": fmt, **_args(r)}) for fmt in FILES}})


@bp.route("/report.<any(pdf, csv, docx, xlsx):fmt>")
@partner_required("viewer")
def partner_report_file(fmt: str):
    return _file(_partner_report(), fmt)


@bp.route("/network/<int:network_id>/report")
@login_required
def network_report(network_id: int):
    """The network's annual report. :raise 404: unless the user leads the network or belongs to a partner of it."""
    r = _network_report(network_id)
    return _page(r, {"form": ("reports.network_report", {"network_id": network_id}),
                     **{fmt: ("reports.network_report_file", {"network_id": network_id, "fmt": fmt, **_args(r)})
                        for fmt in FILES}})


@bp.route("/network/<int:network_id>/report.<any(pdf, csv, docx, xlsx):fmt>")
@login_required
def network_report_file(network_id: int, fmt: str):
    return _file(_network_report(network_id), fmt)


@bp.route("/report/case-studies", methods=["GET", "POST"])
@partner_required("officer")
def choose_case_studies():
    """The officer picks which of the year's verified delivery reports' narratives go into the annual report."""
    organisation = current_partner().organisation
    network = organisation.network
    year = chosen_year(network, [], request.args.get("year"))  # the report links here with its year
    start, end = sv_totals.year_range(network, year)
    found = case_studies.narratives(db.session, start, end)
    form = CaseStudiesForm()
    form.reports.choices = [SelectChoice(n.delivery_report_id, (f"{n.contract_reference} {n.contract_title}, period ended "
                                                               f"{govuk_date(n.period_end)}: {n.narrative}")) for n in found]
    if request.method == "GET":
        form.reports.data = [n.delivery_report_id for n in found if n.chosen]
    elif form.validate_on_submit():
        # No box ticked posts no value at all (the field's data stays None): it means none chosen.
        refused = case_studies.choose(db.session, organisation, start, end, form.reports.data or [], current_user.id)
        if refused:  # the choices above allow only the partner's own; a refusal here is a race with an edit
            abort(400, description="A chosen delivery report is no longer one of your verified reports with a narrative.")
        db.session.commit()
        flash("Case studies saved.", "success")
        return redirect(url_for("reports.choose_case_studies", year=year))
    return render_template("reports/case_studies.html", form=form, year=year, label=year_label(start),
                           empty=not found), (400 if form.errors else 200)


@bp.route("/report/publishing", methods=["GET", "POST"])
@partner_required("admin")
def publishing_threshold():
    """The partner's admin records what its published spend files cover, stated beside its figure in the network's report."""
    organisation = current_partner().organisation
    form = PublishingForm()
    if request.method == "GET":
        pence = organisation.publishes_spend_over_pence
        form.threshold.data = NOT_RECORDED if pence is None else str(pence)
        form.public_social_value.data = "yes" if organisation.shows_social_value_publicly else "no"
    elif form.validate_on_submit():
        pence = None if form.threshold.data == NOT_RECORDED else int(form.threshold.data)
        changed = case_studies.set_publishing_threshold(db.session, organisation, pence)
        showing = form.public_social_value.data == "yes"
        if showing != organisation.shows_social_value_publicly:
            organisation.shows_social_value_publicly = showing
            record(db.session, "partner.public_social_value_changed", current_user, showing=showing)
            changed = True
        if changed:
            db.session.commit()
            flash("Saved.", "success")
        return redirect(url_for("reports.publishing_threshold"))
    return render_template("reports/publishing.html", form=form, organisation=organisation), (400 if form.errors else 200)
