"""The lead's supplier register: search, edit flags and locality, review possible duplicates, split spellings."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.extensions import db
from tenants.web import current_partner

from . import review_queue, supplier_place
from . import supplier_register as register
from .blueprint import bp, led_network_or_404
from .supplier_forms import PlaceForm, SplitForm, SupplierForm, decision_form

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
    network = led_network_or_404(network_id)
    text = request.args.get("q", "").strip()[:200]
    page = db.paginate(register.search_suppliers(db.session, network, text), per_page=50, error_out=False)
    return render_template(
        "network/suppliers.html", network=network, page=page, q=text,
        pending=register.pending_count(db.session, network),
    )


@bp.route("/<int:network_id>/suppliers/<int:supplier_id>", methods=["GET", "POST"])
@login_required
def supplier(network_id: int, supplier_id: int):
    network = led_network_or_404(network_id)
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
    network = led_network_or_404(network_id)
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
    network = led_network_or_404(network_id)
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
    """One pair at a time ("3 of 23"), most alike first; ``?pair=`` moves along the queue."""
    network = led_network_or_404(network_id)
    return _review_page(network, request.args.get("pair", 1, type=int) or 1)


def _review_page(network, position: int, failed=None, status=200):
    total = register.pending_count(db.session, network)
    position = min(max(position, 1), max(total, 1))
    candidate = register.pending_pair(db.session, network, position)
    form = None
    if candidate is not None:
        form = failed if failed is not None and failed.candidate_id == candidate.id else decision_form(candidate)
    return render_template(
        "network/review.html", network=network, candidate=candidate, form=form, position=position, total=total,
        behind=review_queue.behind_pair(db.session, network, candidate) if candidate else {},
        merges=review_queue.recent_merges(db.session, network), undo_form=SplitForm(),
    ), status


def _pair_or_404(network_id: int, candidate_id: int):
    """The led network, its review pair and the queue position the page came from. :raise 404: otherwise."""
    network = led_network_or_404(network_id)
    candidate = register.candidate_of(db.session, network, candidate_id)
    if candidate is None:
        abort(404)
    return network, candidate, request.args.get("pair", 1, type=int) or 1


@bp.route("/<int:network_id>/suppliers/review/<int:candidate_id>", methods=["POST"])
@login_required
def decide(network_id: int, candidate_id: int):
    """Keeping a pair apart is saved at once; a merge goes to its confirmation page first."""
    network, candidate, position = _pair_or_404(network_id, candidate_id)
    form = decision_form(candidate, request.form)
    if candidate.status != "pending":
        flash("That pair has already been decided.", "info")
        return redirect(url_for("network.review", network_id=network.id, pair=position))
    if not form.validate_on_submit():
        form.candidate_id = candidate.id
        return _review_page(network, position, failed=form, status=400)
    if form.decision.data != "distinct":
        return redirect(url_for("network.confirm_merge", network_id=network.id, candidate_id=candidate.id,
                                keep=int(form.decision.data.removeprefix("keep-")), pair=position))
    names = (candidate.supplier.name, candidate.candidate.name)
    register.mark_distinct(_action(network), candidate)
    db.session.commit()
    flash(f"{names[0]} and {names[1]} are kept apart and will not be offered again.", "success")
    return redirect(url_for("network.review", network_id=network.id, pair=position))


@bp.route("/<int:network_id>/suppliers/review/<int:candidate_id>/merge", methods=["GET", "POST"])
@login_required
def confirm_merge(network_id: int, candidate_id: int):
    """What a merge will move, and a button to make it; nothing changes until the lead presses it."""
    network, candidate, position = _pair_or_404(network_id, candidate_id)
    keep_id = request.args.get("keep", type=int)
    if keep_id not in (candidate.supplier_id, candidate.candidate_id):
        abort(404)
    if candidate.status != "pending":
        flash("That pair has already been decided.", "info")
        return redirect(url_for("network.review", network_id=network.id, pair=position))
    keep = candidate.supplier if keep_id == candidate.supplier_id else candidate.candidate
    gone = candidate.candidate if keep is candidate.supplier else candidate.supplier
    form = SplitForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, description="The form had expired. Go back, reload the page and try again.")
        try:
            kept, _ = register.merge(_action(network), candidate, keep.id)
        except register.RegisterProblem as problem:
            db.session.rollback()
            flash(str(problem), "info")
            return redirect(url_for("network.review", network_id=network.id, pair=position))
        db.session.commit()
        flash(f"Merged into {kept.name}: every partner's lines now point to it. You can undo this below. {RECOMPUTING}", "success")
        return redirect(url_for("network.review", network_id=network.id, pair=position))
    return render_template(
        "network/confirm_merge.html", network=network, candidate=candidate, keep=keep, gone=gone, form=form,
        position=position, behind=review_queue.behind_pair(db.session, network, candidate),
        conflict=register.numbers_conflict(keep, gone),
    )


@bp.route("/<int:network_id>/suppliers/merges/<int:merge_id>/undo", methods=["POST"])
@login_required
def undo_merge(network_id: int, merge_id: int):
    """Put a merged supplier back as it was, with its spellings and every partner's lines under them."""
    network = led_network_or_404(network_id)
    record = register.merge_of(db.session, network, merge_id)
    if record is None:
        abort(404)
    if not SplitForm().validate_on_submit():
        abort(400, description="The form had expired. Go back, reload the page and try again.")
    try:
        restored = register.undo(_action(network), record)
    except register.RegisterProblem as problem:
        db.session.rollback()
        flash(str(problem), "info")
        return redirect(url_for("network.review", network_id=network.id))
    db.session.commit()
    flash(f"The merge is undone: {restored.name} is its own supplier again, with its spellings and their lines. {RECOMPUTING}", "success")
    return redirect(url_for("network.supplier", network_id=network.id, supplier_id=restored.id))
