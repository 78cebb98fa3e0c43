"""Bulk imports of commitments and delivery reports: templates, upload, preview, progress, result; the reports' export."""
from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased

from portal.downloads import csv_response
from portal.extensions import db
from tenants.models import User
from tenants.web import current_partner, partner_required

from .. import bulk_files, bulk_import
from ..bulk_tasks import queue_bulk_import
from ..forms.bulk import BulkUploadForm, ConfirmImportForm
from ..models import BulkImport, Commitment, Contract, DeliveryReport, Measure
from . import bp
from .common import audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _import_or_404(bulk_import_id: int) -> BulkImport:
    """:raise 404: when the import is not this partner's (the tenant filter hides it)."""
    found = db.session.scalars(select(BulkImport).where(BulkImport.id == bulk_import_id)).first()
    if found is None:
        abort(404)
    return found


@bp.route("/social-value/bulk-imports", methods=["GET", "POST"])
@partner_required("viewer")
def bulk_imports():
    form = BulkUploadForm()
    if form.is_submitted():
        if not current_partner().can("officer"):
            abort(403, description="Only officers and admins can import commitments and delivery.")
        if form.validate():
            upload = form.bulk_file.data
            try:
                bulk = bulk_import.store_upload(db.session, form.kind.data, current_user, upload.filename, upload.stream,
                                                current_partner().organisation.id)
            except bulk_import.ImportRefused as problem:
                form.bulk_file.errors = [*form.bulk_file.errors, str(problem)]
            else:
                db.session.commit()
                return redirect(url_for("social_value.bulk_import_page", bulk_import_id=bulk.id))
    recent = db.session.scalars(select(BulkImport).order_by(BulkImport.created_at.desc()).limit(50)).all()
    return render_template("social_value/bulk_imports.html", form=form, imports=recent, layouts=bulk_files.LAYOUTS), \
        (400 if form.errors else 200)


@bp.route("/social-value/bulk-imports/<any(commitments, delivery):kind>-template.<any(csv, xlsx):fmt>")
@partner_required("viewer")
def bulk_template(kind: str, fmt: str):
    """The layout's exact headers and an example row, to fill in."""
    layout = bulk_files.LAYOUTS[kind]
    if fmt == "csv":
        body, mimetype = bulk_files.template_csv(layout), "text/csv"
    else:
        body, mimetype = bulk_files.template_xlsx(layout), XLSX
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{kind}-template.{fmt}"'})


@bp.route("/social-value/bulk-imports/<int:bulk_import_id>", methods=["GET", "POST"])
@partner_required("viewer")
def bulk_import_page(bulk_import_id: int):
    """Before the import: the first lines as read and a button to import; then its progress; then its result."""
    bulk = _import_or_404(bulk_import_id)
    form = ConfirmImportForm()
    if form.is_submitted():
        if not current_partner().can("officer"):
            abort(403, description="Only officers and admins can import commitments and delivery.")
        if bulk.status not in ("uploaded", "failed") and not bulk.stalled:
            return redirect(url_for("social_value.bulk_import_page", bulk_import_id=bulk.id))
        if form.validate():
            queue_bulk_import(db.session, bulk)
            audit("social_value.bulk_import_queued", import_id=bulk.id, kind=bulk.kind, filename=bulk.filename)
            db.session.commit()
            return redirect(url_for("social_value.bulk_import_page", bulk_import_id=bulk.id))
    headers, lines = ([], [])
    if bulk.status == "uploaded":
        try:
            headers, lines = bulk_import.preview(bulk)
        except bulk_files.BulkFileProblem as problem:
            abort(410, description=f"The stored file can no longer be read: {problem}")
    problems = (bulk.problems or [])[:100]
    return render_template("social_value/bulk_import.html", bulk=bulk, form=form, headers=headers, lines=lines,
                           problems=problems, layout=bulk_files.LAYOUTS[bulk.kind])


@bp.route("/social-value/bulk-imports/<int:bulk_import_id>/problems.csv")
@partner_required("viewer")
def bulk_import_problems(bulk_import_id: int):
    """Every bad line of a refused file, with its line number and reason."""
    bulk = _import_or_404(bulk_import_id)
    return csv_response(f"rejected-lines-{bulk.id}", ["Line", "Reason"], ((n, reason) for n, reason in bulk.problems or []))


@bp.route("/social-value/delivery-reports.csv")
@partner_required("viewer")
def delivery_reports_download():
    """Every delivery report of the partner, with who recorded it, who verified (or rejected) it, and when."""
    recorder, checker = aliased(User), aliased(User)
    query = (
        select(Contract.reference, Measure.code, DeliveryReport.period_start, DeliveryReport.period_end,
               DeliveryReport.quantity, DeliveryReport.value_pence, DeliveryReport.status, DeliveryReport.reported_via,
               recorder.name, DeliveryReport.reported_at, checker.name, DeliveryReport.verified_at,
               Commitment.proxy_edition, Commitment.valued_at_earliest_edition)
        .join(Commitment, Commitment.id == DeliveryReport.commitment_id)
        .join(Contract, Contract.id == Commitment.contract_id).join(Measure, Measure.id == Commitment.measure_id)
        .outerjoin(recorder, recorder.id == DeliveryReport.reported_by_id)
        .outerjoin(checker, checker.id == DeliveryReport.verified_by_id)
        .order_by(Contract.reference, Measure.code, DeliveryReport.period_start, DeliveryReport.id)
    )

    def rows():
        for (ref, code, start, end, quantity, pence, status, via, recorded_by, recorded_at, checked_by, checked_at,
             edition, earliest) in db.session.execute(query):
            yield (ref, code, start.isoformat(), end.isoformat(), quantity, _pounds(pence),
                   status, "supplier link" if via == "supplier_link" else (recorded_by or ""), recorded_at.isoformat(),
                   checked_by or "", checked_at.isoformat() if checked_at else "", edition, "yes" if earliest else "no")

    return csv_response("delivery-reports", [
        "Contract reference", "Measure code", "Period start", "Period end", "Quantity", "Value (£)", "Status",
        "Recorded by", "Recorded at", "Verified or rejected by", "Verified or rejected at", "Proxy edition",
        "Valued at the earliest edition (dated before the measure's first)",
    ], rows())


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"
