"""The lead's supplier register: search, edit flags and locality, review possible duplicates, split spellings."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.extensions import db
from tenants.web import current_partner

from . import supplier_place
from . import supplier_register as register
from .supplier_forms import PlaceForm, SplitForm, SupplierForm, decision_form
from .views import _led_network_or_404, bp

RECOMPUTING = "The network's totals are being worked out again; the figures will change in a few minutes."


def _action(network):
    """:raise 403: when the lead has no partner in the network to record the change against."""
    partner = current_partner()
    try:
        return register.lead_action(db.session, network, current_user, partner.organisation.id if partner else None)
    except register.NotRecordable as problem:
        abort(403, description=str(problem))


def _supplier_or_404(network, supplier_id: int):
    supplier = register.supplier_of(db.session, network, supplier_id)
    if supplier is None:
        abort(404)
    return supplier


@bp.route("/<int:network_id>/suppliers")
@login_required
def suppliers(network_id: int):
    network = _led_network_or_404(network_id)
    text = request.args.get("q", "").strip()[:200]
    page = db.paginate(register.search_suppliers(db.session, network, text), per_page=50, error_out=False)
    return render_template(
        "network/suppliers.html", network=network, page=page, q=text,
        pending=len(register.pending_candidates(db.session, network)),
    )


@bp.route("/<int:network_id>/suppliers/<int:supplier_id>", methods=["GET", "POST"])
@login_required
def supplier(network_id: int, supplier_id: int):
    network = _led_network_or_404(network_id)
    found = _supplier_or_404(network, supplier_id)
    form = SupplierForm()
    if request.method == "GET":
        form.fill_from(found)
    elif form.validate_on_submit():
        if register.update_supplier(_action(network), found, **form.changes()):
            db.session.commit()
            flash(f"{found.name} saved. {RECOMPUTING}", "success")
        else:
            flash(f"Nothing changed for {found.name}.", "info")
        return redirect(url_for("network.supplier", network_id=network.id, supplier_id=found.id))
    return _supplier_page(network, found, form=form)


def _supplier_page(network, found, form=None, place_form=None):
    if form is None:
        form = SupplierForm(formdata=None)
        form.fill_from(found)
    if place_form is None:
        place_form = PlaceForm(formdata=None)
        place_form.fill_from(found)
    return render_template(
        "network/supplier.html", network=network, supplier=found, form=form, split_form=SplitForm(),
        place_form=place_form, placement=supplier_place.placement(db.session, found),
        aliases=sorted(found.aliases, key=lambda a: (a.name_as_given, a.postcode)),
    ), (400 if form.errors or place_form.errors else 200)


@bp.route("/<int:network_id>/suppliers/<int:supplier_id>/place", methods=["POST"])
@login_required
def place_supplier(network_id: int, supplier_id: int):
    """The lead's numbers and postcodes for the supplier, or a return to automatic placing."""
    network = _led_network_or_404(network_id)
    found = _supplier_or_404(network, supplier_id)
    form = PlaceForm()
    if form.automatic.data:
        # The typed fields do not matter for a return to automatic placing; the form's token does.
        if not form.validate_on_submit() and "csrf_token" in form.errors:
            abort(400, description="The form had expired. Go back, reload the page and try again.")
        changed = supplier_place.place_automatically(_action(network), found)
    elif form.validate_on_submit():
        changed = supplier_place.set_place(_action(network), found, **form.place())
    else:
        return _supplier_page(network, found, place_form=form)
    if changed:
        db.session.commit()
        flash(f"Where {found.name} is has been saved and it has been placed again. {RECOMPUTING}", "success")
    else:
        flash(f"Nothing changed for {found.name}.", "info")
    return redirect(url_for("network.supplier", network_id=network.id, supplier_id=found.id))


@bp.route("/<int:network_id>/suppliers/<int:supplier_id>/spellings/<int:alias_id>/split", methods=["POST"])
@login_required
def split_spelling(network_id: int, supplier_id: int, alias_id: int):
    network = _led_network_or_404(network_id)
    found = _supplier_or_404(network, supplier_id)
    alias = register.alias_of(db.session, found, alias_id)
    if alias is None:
        abort(404)
    if not SplitForm().validate_on_submit():
        abort(400, description="The form had expired. Go back, reload the page and try again.")
    try:
        new = register.split(_action(network), found, alias)
    except register.RegisterProblem as problem:
        db.session.rollback()
        flash(str(problem), "info")
        return redirect(url_for("network.supplier", network_id=network.id, supplier_id=found.id))
    db.session.commit()
    flash(f"{new.name} is its own supplier again, with the lines that came in under that spelling. {RECOMPUTING}", "success")
    return redirect(url_for("network.supplier", network_id=network.id, supplier_id=new.id))


@bp.route("/<int:network_id>/suppliers/review")
@login_required
def review(network_id: int):
    network = _led_network_or_404(network_id)
    return _review_page(network)


def _review_page(network, failed=None, status=200):
    candidates = register.pending_candidates(db.session, network)
    forms = {c.id: (failed if failed is not None and failed.candidate_id == c.id else decision_form(c)) for c in candidates}
    ids = {i for c in candidates for i in (c.supplier_id, c.candidate_id)}
    return render_template(
        "network/review.html", network=network, candidates=candidates, forms=forms,
        spellings=register.spellings(db.session, ids), form=failed,
    ), status


@bp.route("/<int:network_id>/suppliers/review/<int:candidate_id>", methods=["POST"])
@login_required
def decide(network_id: int, candidate_id: int):
    network = _led_network_or_404(network_id)
    candidate = register.candidate_of(db.session, network, candidate_id)
    if candidate is None:
        abort(404)
    form = decision_form(candidate, request.form)
    if candidate.status != "pending":
        flash("That pair has already been decided.", "info")
        return redirect(url_for("network.review", network_id=network.id))
    if not form.validate_on_submit():
        form.candidate_id = candidate.id
        return _review_page(network, failed=form, status=400)
    action = _action(network)
    if form.decision.data == "distinct":
        names = (candidate.supplier.name, candidate.candidate.name)
        register.mark_distinct(action, candidate)
        message = f"{names[0]} and {names[1]} are kept apart and will not be offered again."
    else:
        keep = register.merge(action, candidate, int(form.decision.data.removeprefix("keep-")))
        message = f"Merged into {keep.name}: every partner's lines now point to it. {RECOMPUTING}"
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("network.review", network_id=network.id))
