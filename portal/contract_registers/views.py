"""A partner's contracts register imports: upload, choose the columns, check, see the differences, apply."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.downloads import csv_response
from portal.extensions import db
from portal.spend.reading import SpendFileProblem
from tenants.web import current_partner, partner_required

from . import importing, recovery
from .forms import ApplyForm, RetryForm, UploadForm, mapping_form
from .headers import FIELD_LABELS
from .models import ContractRegisterDifference, ContractRegisterImport, ContractRegisterProblem

bp = Blueprint("contract_registers", __name__, url_prefix="/contracts/registers")
SHOWN = 50


@bp.route("", methods=["GET", "POST"])
@partner_required("viewer")
def imports():
    form = UploadForm()
    if request.method == "POST":
        if not current_partner().can("officer"):
            abort(403, description="Only officers and admins can import contracts.")
        if form.validate_on_submit():
            upload = form.register_file.data
            try:
                register_import = importing.store_upload(
                    db.session, current_partner().organisation, current_user, upload.filename, upload.stream)
            except importing.ImportRefused as problem:
                form.register_file.errors.append(str(problem))
            else:
                if register_import.kind == "ocds":  # no columns to choose: OCDS names its own fields
                    importing.queue(db.session, register_import, "check")
                db.session.commit()
                target = "show_import" if register_import.kind == "ocds" else "columns"
                return redirect(url_for(f"contract_registers.{target}", register_import_id=register_import.id))
    recent = db.session.scalars(select(ContractRegisterImport).order_by(ContractRegisterImport.id.desc()).limit(50)).all()
    return render_template("contract_registers/imports.html", form=form, imports=recent), (400 if form.errors else 200)


def _import_or_404(register_import_id: int) -> ContractRegisterImport:
    """:raise 404: when the import is not this partner's (the tenant filter hides it)."""
    return db.get_or_404(ContractRegisterImport, register_import_id)


@bp.route("/<int:register_import_id>/columns", methods=["GET", "POST"])
@partner_required("officer")
def columns(register_import_id: int):
    register_import = _import_or_404(register_import_id)
    if register_import.status != "uploaded" or register_import.kind != "register":
        return redirect(url_for("contract_registers.show_import", register_import_id=register_import_id))
    try:
        headers, guessed = importing.headers_and_guess(register_import, db.session)
    except SpendFileProblem as problem:
        abort(400, description=str(problem))
    form = mapping_form(headers, guessed, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        chosen = {field: form[field].data for field in FIELD_LABELS if form[field].data}
        try:
            importing.choose_columns(db.session, register_import, chosen, headers)
        except importing.ImportRefused as problem:
            form.title.errors.append(str(problem))
        else:
            db.session.commit()
            return redirect(url_for("contract_registers.show_import", register_import_id=register_import_id))
    return render_template("contract_registers/columns.html", form=form, register_import=register_import,
                           labels=FIELD_LABELS, headers=headers), (400 if form.errors else 200)


def _show(register_import: ContractRegisterImport, form=None, status: int = 200):
    problems = {severity: db.session.scalars(
        select(ContractRegisterProblem).where(ContractRegisterProblem.import_id == register_import.id,
                                              ContractRegisterProblem.severity == severity)
        .order_by(ContractRegisterProblem.line_number, ContractRegisterProblem.id).limit(SHOWN)).all()
        for severity in ("error", "note")}
    differences = {kind: db.session.scalars(
        select(ContractRegisterDifference).where(ContractRegisterDifference.import_id == register_import.id,
                                                 ContractRegisterDifference.kind == kind)
        .order_by(ContractRegisterDifference.line_number, ContractRegisterDifference.id).limit(SHOWN)).all()
        for kind in ("added", "changed", "removed")}
    return render_template("contract_registers/import.html", register_import=register_import, problems=problems,
                           differences=differences, form=form or ApplyForm(), retry_form=RetryForm(),
                           shown=SHOWN), status


@bp.route("/<int:register_import_id>")
@partner_required("viewer")
def show_import(register_import_id: int):
    return _show(_import_or_404(register_import_id))


@bp.route("/<int:register_import_id>/apply", methods=["POST"])
@partner_required("officer")
def apply(register_import_id: int):
    """Apply the differences the officer has seen (a worker makes them, in one transaction)."""
    register_import = _import_or_404(register_import_id)
    if register_import.status != "checked":
        abort(400, description="This import has no checked differences waiting to be applied.")
    form = ApplyForm()
    if not form.validate_on_submit():
        return _show(register_import, form, 400)
    importing.queue(db.session, register_import, "apply", current_user)
    db.session.commit()
    return redirect(url_for("contract_registers.show_import", register_import_id=register_import_id))


@bp.route("/<int:register_import_id>/retry", methods=["POST"])
@partner_required("officer")
def retry(register_import_id: int):
    """Check a failed import again from the start (its worker died, or it stopped unexpectedly)."""
    register_import = _import_or_404(register_import_id)
    if not RetryForm().validate_on_submit():
        abort(400, description="The form has expired. Go back to the import and try again.")
    try:
        recovery.retry_import(db.session, register_import, current_user)
    except importing.ImportRefused as problem:
        abort(400, description=str(problem))
    db.session.commit()
    return redirect(url_for("contract_registers.show_import", register_import_id=register_import_id))


@bp.route("/<int:register_import_id>/problems.csv")
@partner_required("viewer")
def problems_csv(register_import_id: int):
    """Every error and note of the import, with its line number."""
    register_import = _import_or_404(register_import_id)
    problems = db.session.scalars(select(ContractRegisterProblem)
                                  .where(ContractRegisterProblem.import_id == register_import.id)
                                  .order_by(ContractRegisterProblem.line_number, ContractRegisterProblem.id))
    rows = ((p.line_number, p.severity, p.reason, " | ".join(f"{k}: {v}" for k, v in p.raw.items())) for p in problems)
    return csv_response(f"contract-register-problems-{register_import.id}", ["Line", "Kind", "Reason", "Line as given"], rows)


@bp.route("/<int:register_import_id>/differences.csv")
@partner_required("viewer")
def differences_csv(register_import_id: int):
    """Every difference between the register and the contracts held."""
    register_import = _import_or_404(register_import_id)
    differences = db.session.scalars(select(ContractRegisterDifference)
                                     .where(ContractRegisterDifference.import_id == register_import.id)
                                     .order_by(ContractRegisterDifference.kind, ContractRegisterDifference.line_number))
    rows = ((d.kind, d.line_number or "", d.reference or "", d.title or "", d.supplier_name or "",
             d.value_pence if d.value_pence is not None else "", d.held_title or "", d.held_supplier_name or "",
             d.held_value_pence if d.held_value_pence is not None else "", ", ".join(d.fields or []))
            for d in differences)
    header = ["Difference", "Line", "Reference", "Title", "Supplier", "Value (pence)", "Held title", "Held supplier",
              "Held value (pence)", "Fields changed"]
    return csv_response(f"contract-register-differences-{register_import.id}", header, rows)
