"""Changing a delivery report after it was made: its content (it must then be verified again), and more evidence."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from portal.extensions import db
from tenants.web import current_partner, partner_required

from .. import beneficiaries, delivery
from ..forms.delivery import EvidenceForm, delivery_change_form, offer_beneficiary_choices
from ..problems import SocialValueProblem
from . import bp
from .common import audit, report_or_404
from .delivery import report_page, store_files


def _as_recorded(report) -> dict:
    """What the audit log keeps of a report, before and after a change."""
    return {
        "period_start": report.period_start.isoformat(), "period_end": report.period_end.isoformat(),
        "quantity": str(report.quantity), "narrative": report.narrative, "status": report.status, "revision": report.revision,
        "beneficiaries": sorted([b.ward, b.protected_group, b.count] for b in report.beneficiaries),
    }


def _fill(form, report) -> None:
    form.period_start.data, form.period_end.data = report.period_start, report.period_end
    form.quantity.data = f"{report.quantity.normalize():f}"
    form.narrative.data = report.narrative
    for i, counted in enumerate(sorted(report.beneficiaries, key=lambda b: (b.ward, b.protected_group))):
        form[f"ward_{i}"].data, form[f"group_{i}"].data, form[f"count_{i}"].data = counted.ward, counted.protected_group, str(counted.count)


def _unchanged(form, report) -> bool:
    """True when the form says what the report already says (saving it would only send it back to be verified)."""
    return (
        (form.period_start.data, form.period_end.data) == (report.period_start, report.period_end)
        and form.quantity_value == report.quantity
        and (form.narrative.data or "").strip() == report.narrative
        and sorted((w.strip(), g.strip(), n) for w, g, n in form.beneficiary_rows())
        == sorted((b.ward, b.protected_group, b.count) for b in report.beneficiaries)
    )


@bp.route("/social-value/delivery-reports/<int:report_id>/edit", methods=["GET", "POST"])
@partner_required("officer")
def edit_report(report_id: int):
    """Any report can be changed, whatever its status: a rejected one is corrected this way, and a verified one
    stops counting until it is verified again (the page warns), so delivery is never counted twice or unchecked.
    """
    report = report_or_404(report_id)
    form = delivery_change_form(len(report.beneficiaries))
    offer_beneficiary_choices(form, beneficiaries.choices(db.session, current_partner().organisation.network),
                              recorded=[(b.ward, b.protected_group) for b in report.beneficiaries])
    if not form.is_submitted():
        _fill(form, report)
    elif form.validate_on_submit():
        # Saved as it stands, a rejected report goes back to be checked again; any other is left as it was.
        if report.status != "rejected" and _unchanged(form, report):
            flash("Nothing was changed: the report is as it was.", "success")
            return redirect(url_for("social_value.delivery_report", report_id=report.id))
        before = _as_recorded(report)
        try:
            delivery.edit_delivery(
                db.session, report, period_start=form.period_start.data, period_end=form.period_end.data,
                quantity=form.quantity_value, narrative=form.narrative.data or "", beneficiaries=form.beneficiary_rows(),
            )
        except SocialValueProblem as problem:
            db.session.rollback()
            form.period_start.errors = [*form.period_start.errors, str(problem)]
        else:
            audit("social_value.delivery_changed", report_id=report.id, commitment_id=report.commitment_id,
                  before=before, after=_as_recorded(report))
            db.session.commit()
            flash("Report saved. It must be verified again before it counts as delivered.", "success")
            return redirect(url_for("social_value.delivery_report", report_id=report.id))
    return render_template("social_value/report_change.html", form=form, report=report, commitment=report.commitment), (
        400 if form.errors else 200)


@bp.route("/social-value/delivery-reports/<int:report_id>/evidence", methods=["POST"])
@partner_required("officer")
def add_evidence(report_id: int):
    """Files only: what the report says, and so whether it counts, does not change."""
    report = report_or_404(report_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            store_files(report, form.evidence_files(), current_user)
        except SocialValueProblem as problem:
            db.session.rollback()
            form.evidence.errors = [*form.evidence.errors, f"{problem}. No file was added: choose the files again."]
        else:
            names = [f.filename for f in form.evidence_files()]
            audit("social_value.evidence_added", report_id=report.id, revision=report.revision, files=len(names))
            db.session.commit()
            flash(f"{len(names)} file{'' if len(names) == 1 else 's'} added to the report.", "success")
            return redirect(url_for("social_value.delivery_report", report_id=report.id))
    return report_page(report_or_404(report_id), evidence_form=form, status=400)
