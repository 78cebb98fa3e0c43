"""A partner's spend pages: importing files, entering a line, and the lines behind each figure."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.downloads import csv_response
from portal.extensions import db
from tenants.web import current_partner, partner_required

from . import column_preview, differences, import_recovery, importing, lines_search, services
from .forms import (
    FIELD_LABELS,
    HeldMonthsChoiceForm,
    ImportGoodLinesForm,
    RetryImportForm,
    SpendLineForm,
    UploadForm,
    WithdrawImportForm,
    mapping_form,
)
from .lines_filter import LineFilter
from .lines_search import LinesSearchForm
from .models import SpendImport, SpendImportProblem, SpendLine
from .reading import SpendFileProblem

bp = Blueprint("spend", __name__, url_prefix="/spend")
# The lines page's own paging arguments: not part of a search.
PAGING_ARGS = {"after", "before", "page"}


@bp.route("/imports", methods=["GET", "POST"])
@partner_required("viewer")
def imports():
    form = UploadForm()
    if request.method == "POST":
        if not current_partner().can("officer"):
            abort(403, description="Only officers and admins can import spend.")
        if form.validate_on_submit():
            upload = form.spend_file.data
            try:
                spend_import = importing.store_upload(db.session, current_partner().organisation, current_user, upload.filename, upload.stream)
            except importing.ImportRefused as problem:
                form.spend_file.errors.append(str(problem))
            else:
                db.session.commit()
                return redirect(url_for("spend.columns", import_id=spend_import.id))
    recent = db.session.scalars(select(SpendImport).order_by(SpendImport.created_at.desc()).limit(50)).all()
    return render_template("spend/imports.html", form=form, imports=recent), (400 if form.errors else 200)


def _import_or_404(import_id: int) -> SpendImport:
    """:raise 404: when the import is not this partner's (the tenant filter hides it)."""
    return db.get_or_404(SpendImport, import_id)


@bp.route("/imports/<int:import_id>/columns", methods=["GET", "POST"])
@partner_required("officer")
def columns(import_id: int):
    spend_import = _import_or_404(import_id)
    if spend_import.status != "uploaded":
        return redirect(url_for("spend.show_import", import_id=import_id))
    try:
        headers, mapping = importing.proposed_mapping(db.session, spend_import)
    except SpendFileProblem as problem:
        abort(400, description=str(problem))
    form = mapping_form(headers, mapping, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        chosen = {field: getattr(form, field).data for field in FIELD_LABELS if getattr(form, field).data}
        taken = [h for h in chosen.values()]
        if len(taken) != len(set(taken)):
            form.payment_date.errors.append("Each column can be used for one field only")
        else:
            spend_import.column_mapping = chosen
            importing.remember_mapping(db.session, headers, chosen)
            services.queue_import(db.session, spend_import)
            db.session.commit()
            return redirect(url_for("spend.show_import", import_id=import_id))
    # The columns as chosen now: proposed on the first visit, as submitted when shown again.
    chosen = {field: form[field].data for field in FIELD_LABELS if form[field].data}
    reference = chosen.get("transaction_ref")
    try:
        preview = column_preview.preview_columns(
            importing.stored_path(spend_import), spend_import.filename, repeats_in=[reference] if reference else []
        )
    except SpendFileProblem as problem:
        abort(400, description=str(problem))
    hints = {field: column_preview.first_values_hint(preview, column) for field, column in chosen.items()}
    return render_template(
        "spend/columns.html", form=form, spend_import=spend_import, labels=FIELD_LABELS, headers=headers, preview=preview,
        hints=hints, repeats=column_preview.repeats_message(preview, reference) if reference else None,
    )


def _show_import(spend_import: SpendImport, status: int = 200, **forms):
    problems = db.session.scalars(
        select(SpendImportProblem).where(SpendImportProblem.spend_import_id == spend_import.id)
        .order_by(SpendImportProblem.line_number).limit(100)
    ).all()
    network = current_partner().organisation.network
    compared = {kind: differences.first_differences(db.session, spend_import, kind) for kind in ("changed", "new", "missing")}
    forms = {"form": ImportGoodLinesForm(), "retry_form": RetryImportForm(), "choice_form": HeldMonthsChoiceForm(),
             "withdraw_form": WithdrawImportForm(), **forms}
    return render_template(
        "spend/import.html", spend_import=spend_import, problems=problems, compared=compared, groups=differences.GROUPS,
        years=differences.financial_years(spend_import.months or [], network.financial_year_start_month), **forms,
    ), status


@bp.route("/imports/<int:import_id>")
@partner_required("viewer")
def show_import(import_id: int):
    return _show_import(_import_or_404(import_id))


@bp.route("/imports/<int:import_id>/choice", methods=["POST"])
@partner_required("officer")
def choose_for_held_months(import_id: int):
    """The officer's answer for a file whose months are held: replace them, or add only the new lines."""
    spend_import = _import_or_404(import_id)
    form = HeldMonthsChoiceForm()
    if spend_import.status != "needs_choice":
        abort(400, description="This import is not waiting for a choice.")
    if not form.validate_on_submit():
        return _show_import(spend_import, 400, choice_form=form)
    services.choose_for_held_months(db.session, spend_import, form.choice.data, current_user)
    db.session.commit()
    return redirect(url_for("spend.show_import", import_id=import_id))


@bp.route("/imports/<int:import_id>/withdraw", methods=["POST"])
@partner_required("officer")
def withdraw_import(import_id: int):
    """Withdraw an import: its lines stop counting (kept, as withdrawn) and its months' totals are recomputed."""
    spend_import = _import_or_404(import_id)
    form = WithdrawImportForm()
    if spend_import.status != "imported":
        abort(400, description="Only an import that finished can be withdrawn.")
    if not form.validate_on_submit():
        return _show_import(spend_import, 400, withdraw_form=form)
    withdrawn = services.withdraw_import(db.session, spend_import, current_user)
    db.session.commit()
    flash(f"Import withdrawn: its {withdrawn:,} lines no longer count. The totals will follow in a moment.", "success")
    return redirect(url_for("spend.show_import", import_id=import_id))


@bp.route("/imports/<int:import_id>/<any('already-held', 'new', 'missing', 'changed'):group>.csv")
@partner_required("viewer")
def import_group(import_id: int, group: str):
    """One group of the comparison with the months already held, every line of it."""
    spend_import = _import_or_404(import_id)
    name = f"{group}-lines-{spend_import.id}"
    if group == "already-held":
        try:
            header, rows = differences.already_held_rows(db.session, spend_import)
        except SpendFileProblem as problem:
            abort(410, description=f"The stored file can no longer be read: {problem}")
        return csv_response(name, header, rows)
    return csv_response(name, differences.DIFFERENCE_HEADER, differences.difference_rows(db.session, spend_import, group))


@bp.route("/imports/<int:import_id>/progress.json")
@partner_required("viewer")
def import_progress(import_id: int):
    spend_import = _import_or_404(import_id)
    return {
        "status": spend_import.status,
        "phase": spend_import.phase,
        "rows_done": spend_import.rows_done,
        "total_rows": spend_import.total_rows,
        "finished": spend_import.finished,
    }


@bp.route("/imports/<int:import_id>/import-good-lines", methods=["POST"])
@partner_required("officer")
def import_good_lines(import_id: int):
    spend_import = _import_or_404(import_id)
    form = ImportGoodLinesForm()
    if spend_import.status != "rejected":
        abort(400, description="Only a rejected import can have its good lines imported.")
    if not form.validate_on_submit():
        return _show_import(spend_import, 400, form=form)
    spend_import.import_good_lines = True
    services.queue_import(db.session, spend_import)
    db.session.commit()
    return redirect(url_for("spend.show_import", import_id=import_id))


@bp.route("/imports/<int:import_id>/retry", methods=["POST"])
@partner_required("officer")
def retry_import(import_id: int):
    """Queue a failed import again (its worker died, or it stopped unexpectedly)."""
    spend_import = _import_or_404(import_id)
    if not RetryImportForm().validate_on_submit():
        abort(400, description="The form has expired. Go back to the import and try again.")
    try:
        import_recovery.retry_import(db.session, spend_import)
    except importing.ImportRefused as problem:
        abort(400, description=str(problem))
    db.session.commit()
    return redirect(url_for("spend.show_import", import_id=import_id))


@bp.route("/imports/<int:import_id>/problems.csv")
@partner_required("viewer")
def import_problems(import_id: int):
    spend_import = _import_or_404(import_id)
    problems = db.session.scalars(
        select(SpendImportProblem).where(SpendImportProblem.spend_import_id == import_id).order_by(SpendImportProblem.line_number)
    )
    rows = ((p.line_number, p.reason, " | ".join(f"{k}: {v}" for k, v in p.raw.items())) for p in problems)
    return csv_response(f"rejected-lines-{spend_import.id}", ["Line", "Reason", "Line as given"], rows)


@bp.route("/lines/new", methods=["GET", "POST"])
@partner_required("officer")
def new_line():
    form = SpendLineForm()
    if form.validate_on_submit():
        try:
            services.add_line(
                db.session, current_partner().organisation, payment_date=form.payment_date.data, amount_pence=form.amount_pence,
                supplier_name=form.supplier_name.data, transaction_ref=form.transaction_ref.data,
                supplier_postcode=form.supplier_postcode.data or None, expense_type=form.expense_type.data,
                service_area=form.service_area.data, category=form.category.data,
            )
        except services.DuplicateLine as problem:
            db.session.rollback()
            form.transaction_ref.errors.append(str(problem))
        else:
            db.session.commit()
            flash("Spend line saved. The totals will include it in a moment.", "success")
            return redirect(url_for("spend.lines"))
    return render_template("spend/new_line.html", form=form), (400 if form.errors else 200)


@bp.route("/lines")
@partner_required("viewer")
def lines():
    """The partner's lines, newest first: searchable by supplier, months, amounts and expense type,
    50 a page by keyset (``?after=`` / ``?before=`` a line, ``?page=last``), never OFFSET; numbered
    where the page starts where a numbered page would."""
    session = db.session
    searching = bool(request.args.keys() - PAGING_ARGS)
    form = LinesSearchForm(lines_search.months_held(session), lines_search.expense_types(session),
                           formdata=request.args if searching else None)
    valid = form.validate() if searching else True
    line_filter = LineFilter.from_args(request.args if valid else MultiDict(), current_partner().organisation.network.excluded_kinds)
    search = lines_search.LineSearch.from_form(form) if valid else lines_search.LineSearch()
    query = search.apply(line_filter.apply(select(SpendLine)))
    page = lines_search.lines_page(session, query, request.args.get("after"), request.args.get("before"),
                                   last=request.args.get("page") == "last")
    kept_args = {k: v for k, v in request.args.items() if k not in PAGING_ARGS and v != ""} if valid else {}
    return render_template("spend/lines.html", page=page, line_filter=line_filter, form=form, search=search,
                           kept_args=kept_args, page_url=_lines_page_url(page, kept_args)), (200 if valid else 400)


def _lines_page_url(page: lines_search.LinesPage, kept_args: dict):
    """The address of page ``number`` with the same search, for the numbers a keyset reaches:
    the first, the last (``?page=last``), this one, and the pages either side of it (by cursor)."""
    def page_url(number: int) -> str:
        if number == page.page:
            return request.full_path
        if number <= 1:
            return url_for("spend.lines", **kept_args)
        if number >= page.pages:
            return url_for("spend.lines", page="last", **kept_args)
        if number < page.page:
            return url_for("spend.lines", before=page.previous_cursor, **kept_args)
        return url_for("spend.lines", after=page.next_cursor, **kept_args)
    return page_url
