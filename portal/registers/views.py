"""The official registers page: what is loaded, uploading a new file, and a load's progress.

The registers are shared by every network, so any network lead may see and refresh
them; everyone else is refused (403), and no page names who started a load.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.extensions import db
from tenants.web import networks_led_by
from workers import enqueue_after_commit

from . import services
from .forms import RegisterFileForm
from .models import RegisterLoad

bp = Blueprint("registers", __name__, url_prefix="/network/registers")

# The registers run to hundreds of megabytes zipped, more than a spend file may be.
MAX_UPLOAD_MB = 4096


def _lead_or_403() -> None:
    """:raise 403: unless the signed-in user leads a network."""
    if not networks_led_by(current_user):
        abort(403, description="Only a network lead can load the official registers.")


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    _lead_or_403()
    if request.method == "POST":
        request.max_content_length = current_app.config.get("REGISTER_MAX_UPLOAD_MB", MAX_UPLOAD_MB) * 1024 * 1024
    form = RegisterFileForm()
    if form.validate_on_submit():
        upload = form.register_file.data
        try:
            load, path = services.store_upload(db.session, current_user, form.register.data, upload.filename, upload.stream)
        except services.UploadRefused as problem:
            form.register_file.errors.append(str(problem))
        else:
            from .tasks import load_register_file

            enqueue_after_commit(db.session, load_register_file, load.id, str(path))
            db.session.commit()
            return redirect(url_for("registers.load", load_id=load.id))
    recent = db.session.scalars(db.select(RegisterLoad).order_by(RegisterLoad.id.desc()).limit(20)).all()
    return render_template("registers/index.html", form=form, rows=services.register_rows(db.session), recent=recent), (
        400 if form.errors else 200)


@bp.route("/loads/<int:load_id>")
@login_required
def load(load_id: int):
    _lead_or_403()
    record = db.get_or_404(RegisterLoad, load_id)
    return render_template("registers/load.html", load=record, source=services.SOURCES[record.register])
