"""Delivery reports: recording one with its evidence, the report's page, verifying or rejecting it, evidence download."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from portal.extensions import db
from tenants.web import current_partner, partner_required

from .. import beneficiaries, delivery, evidence
from ..forms.delivery import (
    DeliveryForm,
    EvidenceForm,
    RejectForm,
    VerifyForm,
    offer_beneficiary_choices,
)
from ..problems import SocialValueProblem
from . import bp
from .common import audit, commitment_or_404, report_or_404


def store_files(report, files, uploaded_by=None) -> None:
    """Keep each file with the report; on a refused file remove those already written, and raise."""
    kept = []
    try:
        for upload in files:
            kept.append(evidence.store_evidence(db.session, report, upload.filename, upload.stream, uploaded_by=uploaded_by))
    except BaseException:
        for evidence_file in kept:
            (evidence.evidence_root() / str(evidence_file.organisation_id) / evidence_file.stored_name).unlink(missing_ok=True)
        raise


@bp.route("/social-value/commitments/<int:commitment_id>/delivery-reports/new", methods=["GET", "POST"])
@partner_required("officer")
def new_report(commitment_id: int):
    commitment = commitment_or_404(commitment_id)
    form = DeliveryForm()
    offer_beneficiary_choices(form, beneficiaries.choices(db.session, current_partner().organisation.network))
    if form.validate_on_submit():
        try:
            report = delivery.record_delivery(
                db.session, commitment, period_start=form.period_start.data, period_end=form.period_end.data,
                quantity=form.quantity_value, narrative=form.narrative.data, beneficiaries=form.beneficiary_rows(),
                reported_by=current_user,
            )
        except SocialValueProblem as problem:
            db.session.rollback()
            form.period_start.errors = [*form.period_start.errors, str(problem)]
        else:
            try:
                store_files(report, form.evidence_files(), current_user)
            except SocialValueProblem as problem:
                db.session.rollback()
                form.evidence.errors = [*form.evidence.errors, f"{problem}. Nothing was saved: choose the files again."]
            else:
                audit("social_value.delivery_reported", report_id=report.id, commitment_id=commitment.id,
                      quantity=str(report.quantity), evidence_files=len(report.evidence))
                db.session.commit()
                flash("Delivery report saved. It counts as delivered once verified.", "success")
                return redirect(url_for("social_value.delivery_report", report_id=report.id))
    return render_template("social_value/report_form.html", form=form, commitment=commitment), (400 if form.errors else 200)


def report_page(report, *, reject_form=None, evidence_form=None, status=200):
    """The report's page; a form given was refused, and its errors are summarised at the top."""
    return render_template(
        "social_value/delivery_report.html", report=report, commitment=report.commitment,
        verify_form=VerifyForm(), reject_form=reject_form or RejectForm(), evidence_form=evidence_form or EvidenceForm(),
        may_verify=delivery.may_verify(db.session, report, current_user),
        form=reject_form or evidence_form,
    ), status


@bp.route("/social-value/delivery-reports/<int:report_id>")
@partner_required("viewer")
def delivery_report(report_id: int):
    return report_page(report_or_404(report_id))


@bp.route("/social-value/delivery-reports/<int:report_id>/verify", methods=["POST"])
@partner_required("officer")
def verify_report(report_id: int):
    found = report_or_404(report_id)
    if not VerifyForm().validate_on_submit():
        abort(400, description="The form had expired. Go back, reload the page and try again.")
    was = found.status
    try:
        delivery.verify_delivery(db.session, found, current_user)
    except delivery.SamePersonRefused as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return report_page(report_or_404(report_id), status=403)
    if was != "verified":
        audit("social_value.delivery_verified", report_id=found.id, revision=found.revision, quantity=str(found.quantity))
    db.session.commit()
    flash("Report verified: it now counts as delivered.", "success")
    return redirect(url_for("social_value.delivery_report", report_id=found.id))


@bp.route("/social-value/delivery-reports/<int:report_id>/reject", methods=["POST"])
@partner_required("officer")
def reject_report(report_id: int):
    found = report_or_404(report_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return report_page(found, reject_form=form, status=400)
    try:
        delivery.reject_delivery(db.session, found, current_user, form.reason.data)
    except SocialValueProblem as problem:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, str(problem)]
        return report_page(report_or_404(report_id), reject_form=form, status=400)
    audit("social_value.delivery_rejected", report_id=found.id, revision=found.revision, reason=found.rejection_reason[:500])
    db.session.commit()
    flash("Report rejected. It does not count as delivered.", "success")
    return redirect(url_for("social_value.delivery_report", report_id=found.id))


@bp.route("/social-value/evidence/<int:evidence_id>")
@partner_required("viewer")
def evidence_file(evidence_id: int):
    """Always a download, never shown in the browser, and only inside the owning partner.

    :raise 404: for another partner's file, or one that has gone.
    """
    try:
        kept, handle = evidence.open_evidence(db.session, evidence_id)
    except evidence.EvidenceNotFound:
        abort(404)
    response = send_file(handle, mimetype=kept.content_type, as_attachment=True, download_name=kept.original_filename,
                         max_age=0, etag=False, conditional=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
