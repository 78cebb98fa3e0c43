"""A partner's contracts: the list (search, Real Living Wage filter), adding and changing one, its page."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.network.supplier_register import search_suppliers, supplier_of
from portal.query_args import whole_number
from portal.suppliers.models import Supplier
from tenants.web import current_partner, partner_required

from .. import contracts, flags
from ..delivery import delivered_by_commitment
from ..forms.contracts import ContractForm
from ..forms.supplier_link import SupplierLinkForm
from ..models import Contract, DeliveryReport
from ..problems import SocialValueProblem
from . import bp
from .common import audit, contract_or_404

SUPPLIER_MATCHES = 20


@bp.route("/social-value/contracts")
@partner_required("viewer")
def contract_list():
    text = request.args.get("q", "").strip()[:200]
    rlw = request.args.get("rlw") == "yes"
    query = select(Contract).order_by(Contract.start_date.desc(), Contract.reference)
    if text:
        like = f"%{text.lower()}%"
        query = query.where(or_(func.lower(Contract.reference).like(like), func.lower(Contract.title).like(like)))
    if rlw:
        query = query.where(Contract.rlw_in_scope.is_(True))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("social_value/contracts.html", page=page, q=text, rlw=rlw)


def _supplier_choices(form: ContractForm, current_id: int | None = None) -> str:
    """Offer the suppliers matching ?supplier= that the partner pays or contracts with, plus the one chosen
    (posted or saved); returns the search text. Others' suppliers are not this partner's to see."""
    partner = current_partner().organisation
    own = contracts.own_suppliers(partner.id).with_only_columns(Supplier.id)
    text = request.args.get("supplier", "").strip()[:200]
    search = search_suppliers(db.session, partner.network, text).where(Supplier.id.in_(own))
    found = list(db.session.scalars(search.limit(SUPPLIER_MATCHES))) if text else []
    wanted = whole_number(str(request.form.get("supplier_id") or current_id or ""), 1)
    if wanted and all(s.id != wanted for s in found):
        chosen = supplier_of(db.session, partner.network, wanted)
        found = ([chosen] if chosen and db.session.scalar(select(own.where(Supplier.id == chosen.id).exists())) else []) + found
    form.set_supplier_choices(found)
    if text and found and request.method == "GET" and not current_id:
        form.supplier_id.data = str(found[0].id)
    return text


@bp.route("/social-value/contracts/new", methods=["GET", "POST"])
@partner_required("officer")
def new_contract():
    form = ContractForm()
    search = _supplier_choices(form)
    form.set_manager_choices(contracts.partner_people(db.session, current_partner().organisation.id))
    if form.validate_on_submit():
        try:
            contract = contracts.create_contract(db.session, reference=form.reference.data, **form.contract_fields())
        except SocialValueProblem as problem:
            db.session.rollback()
            form.reference.errors.append(str(problem))
        else:
            audit("social_value.contract_created", contract_id=contract.id, reference=contract.reference)
            db.session.commit()
            flash(f"Contract {contract.reference} saved. Now record what the supplier committed to.", "success")
            return redirect(url_for("social_value.contract", contract_id=contract.id))
    return render_template("social_value/contract_form.html", form=form, contract=None, search=search), (400 if form.errors else 200)


@bp.route("/social-value/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@partner_required("officer")
def edit_contract(contract_id: int):
    contract = contract_or_404(contract_id)
    form = ContractForm()
    search = _supplier_choices(form, contract.supplier_id)
    form.set_manager_choices(contracts.partner_people(db.session, contract.organisation_id))
    if request.method == "GET":
        form.fill_from(contract)
    form.reference.data = contract.reference  # the reference does not change
    if request.method == "POST" and form.validate_on_submit():
        try:
            contracts.update_contract(db.session, contract, **form.contract_fields())
        except SocialValueProblem as problem:
            db.session.rollback()
            form.title.errors.append(str(problem))
        else:
            audit("social_value.contract_changed", contract_id=contract.id, reference=contract.reference)
            db.session.commit()
            flash(f"Contract {contract.reference} saved.", "success")
            return redirect(url_for("social_value.contract", contract_id=contract.id))
    return render_template("social_value/contract_form.html", form=form, contract=contract, search=search), (400 if form.errors else 200)


def contract_page(contract, *, link=None, note_form=None, status=200):
    """The contract's page; ``link`` is a new supplier link, shown this once; ``note_form`` one that was refused."""
    from .. import awards, chasing, living_wage, notes
    from ..forms.notes import ContractNoteForm

    delivered = delivered_by_commitment(db.session, [c.id for c in contract.commitments])
    reports = db.session.scalars(
        select(DeliveryReport).where(DeliveryReport.commitment_id.in_([c.id for c in contract.commitments]))
        .order_by(DeliveryReport.period_start, DeliveryReport.id)
    ).all()
    by_commitment = {}
    for report in reports:
        by_commitment.setdefault(report.commitment_id, []).append(report)
    contract_flags = flags.contract_management_flags(db.session, contract_id=contract.id)
    totals = {
        "committed": sum(c.committed_value_pence for c in contract.commitments),
        "current": sum(c.current_value_pence for c in contract.commitments),
        "delivered": sum(d.current_value_pence for d in delivered.values()),
        "rebased": any(c.rebased_edition for c in contract.commitments),
    }
    return render_template(
        "social_value/contract.html", contract=contract, delivered=delivered, reports=by_commitment,
        flags=contract_flags, totals=totals, link=link, link_form=SupplierLinkForm(),
        notes=notes.notes_of(db.session, contract.id), note_form=note_form or ContractNoteForm(),
        returns=[(r, chasing.return_met(db.session, contract.id, r.period_start, r.period_end))
                 for r in chasing.returns_of(db.session, contract.id)],
        rlw_decided_by=living_wage.rule_title(contract.rlw_rule_version),
        frequency_labels=chasing.FREQUENCY_LABELS, proposals=awards.contract_proposals(db.session, contract),
    ), status


@bp.route("/social-value/contracts/<int:contract_id>")
@partner_required("viewer")
def contract(contract_id: int):
    return contract_page(contract_or_404(contract_id))
