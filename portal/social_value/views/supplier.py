"""Supplier self-reporting: the partner makes (or stops) a signed link; the supplier reports through it without an account."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SelectChoice

from portal.accounts.tokens import LinkProblem
from portal.extensions import db, limiter
from portal.public_url import absolute_url
from tenants.models import Organisation
from tenants.web import partner_required

from .. import beneficiaries, delivery, supplier_link
from ..forms.delivery import SupplierDeliveryForm, offer_beneficiary_choices
from ..forms.supplier_link import SupplierLinkForm
from ..models import Commitment, DeliveryReport
from ..problems import SocialValueProblem
from . import bp
from .common import audit, contract_or_404
from .contracts import contract_page
from .delivery import store_files


@dataclass(frozen=True)
class NewLink:
    url: str
    expires: str


@bp.route("/social-value/contracts/<int:contract_id>/supplier-link", methods=["POST"])
@partner_required("officer")
def create_supplier_link(contract_id: int):
    """Shown once, on the page this answers with; never stored, never put in a flash cookie."""
    contract = contract_or_404(contract_id)
    if not SupplierLinkForm().validate_on_submit():
        abort(400, description="The form had expired. Go back, reload the page and try again.")
    token = supplier_link.make_supplier_link_token(contract)
    audit("social_value.supplier_link_created", contract_id=contract.id, version=contract.supplier_link_version)
    db.session.commit()
    days = supplier_link._max_age(None) // 86400
    url = absolute_url("social_value.supplier_report", token=token)
    return contract_page(contract, link=NewLink(url, f"{date.today() + timedelta(days=days):%-d %B %Y}"))


@bp.route("/social-value/contracts/<int:contract_id>/supplier-link/revoke", methods=["POST"])
@partner_required("officer")
def revoke_supplier_links(contract_id: int):
    contract = contract_or_404(contract_id)
    if not SupplierLinkForm().validate_on_submit():
        abort(400, description="The form had expired. Go back, reload the page and try again.")
    supplier_link.revoke_supplier_links(db.session, contract)
    audit("social_value.supplier_links_revoked", contract_id=contract.id, version=contract.supplier_link_version)
    db.session.commit()
    flash("Every link sent for this contract has stopped working. Create a new one to send if you need to.", "success")
    return redirect(url_for("social_value.contract", contract_id=contract.id))


def _link_problem(problem: LinkProblem):
    return render_template("social_value/supplier_link_problem.html", title="This link cannot be used", message=str(problem)), 400


# The page needs no sign-in, so its form is limited like the sign-in form: per address, and per link
# (one link tried from many addresses). Limits: SUPPLIER_REPORT_LIMIT_PER_ADDRESS / _PER_LINK in portal/config.py.


def _supplier_link_key() -> str:
    # A digest: the count's key stays short and the link itself is never kept in the limiter's store.
    return "supplier-link:" + hashlib.sha256((request.view_args or {}).get("token", "").encode()).hexdigest()


@bp.route("/supplier-report/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SUPPLIER_REPORT_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(lambda: current_app.config["SUPPLIER_REPORT_LIMIT_PER_LINK"],
               key_func=_supplier_link_key, methods=["POST"])
def supplier_report(token: str):
    """No sign-in: the signed link names the partner and the contract, and is checked on every request."""
    form = SupplierDeliveryForm()
    try:
        with supplier_link.supplier_link_context(db.session, token) as contract:
            commitments = list(contract.commitments)
            network = db.session.get(Organisation, contract.organisation_id).network
            offer_beneficiary_choices(form, beneficiaries.choices(db.session, network))
            form.commitment_id.choices = [SelectChoice("", "Choose a commitment")] + [
                SelectChoice(str(c.id), f"{c.measure.code}: {c.measure.description} ({c.measure.unit})") for c in commitments]
            if len(commitments) == 1 and not form.is_submitted():
                form.commitment_id.data = str(commitments[0].id)
            if form.validate_on_submit():
                sent = _submit(token, form)
                if sent:
                    return redirect(url_for("social_value.supplier_report", token=token, sent=1))
            reports = db.session.scalars(
                select(DeliveryReport).join(Commitment, Commitment.id == DeliveryReport.commitment_id)
                .where(Commitment.contract_id == contract.id).order_by(DeliveryReport.period_start.desc())
            ).all()
            return render_template(
                "social_value/supplier_report.html", form=form, contract=contract, commitments=commitments,
                reports=reports, supplier_name=contract.supplier.name if contract.supplier else contract.supplier_name_as_given,
            ), (400 if form.errors else 200)
    except LinkProblem as problem:
        db.session.rollback()
        return _link_problem(problem)


def _submit(token: str, form) -> bool:
    """Record the supplier's report and its evidence; False (errors on the form, nothing kept) if refused."""
    try:
        report_id = supplier_link.submit_supplier_delivery(
            db.session, token, int(form.commitment_id.data), period_start=form.period_start.data,
            period_end=form.period_end.data, quantity=form.quantity_value, narrative=form.narrative.data,
            beneficiaries=form.beneficiary_rows(),
        )
    except SocialValueProblem as problem:
        db.session.rollback()
        form.period_start.errors = [*form.period_start.errors, str(problem)]
        return False
    try:
        with supplier_link.supplier_link_context(db.session, token):
            store_files(delivery.get_report(db.session, report_id), form.evidence_files())
            db.session.commit()
    except SocialValueProblem as problem:
        db.session.rollback()
        form.evidence.errors = [*form.evidence.errors, f"{problem}. Nothing was sent: choose the files again."]
        return False
    return True
