"""Spend in: push a file or JSON lines, give its columns or the choice it waits for, read its progress."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_smorest import Blueprint

from portal.extensions import db
from portal.spend.models import SpendImport

from .. import spend
from ..auth import current_organisation, token_required
from ..models import IMPORT_SPEND, READ
from ..schemas import ChoiceSchema, ImportSchema, MappingSchema, UploadSchema
from .docs import secured

blp = Blueprint("api_spend", __name__, url_prefix="/api/v1/spend/imports",
                description="Push spend as a file or JSON lines, through the same import as the page.")
JSON_LINES = ("application/x-ndjson", "application/jsonl", "application/jsonlines")


def _import_or_404(import_id: int) -> SpendImport:
    """:raise 404: when the import is not the token's partner's (the tenant filter hides it)."""
    spend_import = db.session.get(SpendImport, import_id)
    if spend_import is None:
        abort(404, description="No import of yours has that id.")
    return spend_import


def _shown(spend_import: SpendImport) -> dict:
    links = {"self": url_for("api_spend.show_import", import_id=spend_import.id),
             "columns": url_for("api_spend.columns", import_id=spend_import.id),
             "choice": url_for("api_spend.choice", import_id=spend_import.id)}
    return spend.import_status(db.session, spend_import, links)


def _done(spend_import: SpendImport, status: int):
    db.session.commit()
    return _shown(spend_import), status, {"Location": url_for("api_spend.show_import", import_id=spend_import.id)}


def _refuse(problem: spend.ApiProblem):
    db.session.rollback()
    abort(problem.status, description=str(problem) + (
        " " + "; ".join(f"{k}: {v}" for k, v in problem.problems.items()) if problem.problems else ""))


@blp.route("", methods=["POST"])
@blp.arguments(UploadSchema, location="files")
@blp.response(202, ImportSchema)
@secured(blp, 400)
@token_required(IMPORT_SPEND)
def push_file(files):
    """Push a spend file (multipart, field ``file``). Queued at once when its columns are clear; else
    its status is ``needs_mapping`` with the file's headers and the columns proposed."""
    upload = files["file"]
    try:
        spend_import = spend.store_file(db.session, current_organisation(), upload.filename, upload.stream)
    except spend.ApiProblem as problem:
        _refuse(problem)
    return _done(spend_import, 202)


@blp.route("/lines", methods=["POST"])
@blp.response(202, ImportSchema)
@secured(blp, 400, 415)
@blp.doc(requestBody={"required": True, "content": {"application/x-ndjson": {"schema": {
    "type": "string", "description": "One JSON object a line: payment_date, amount (\"1234.56\") or amount_pence, "
    "supplier_name, transaction_ref, and any of expense_type, service_area, category, supplier_postcode, "
    "company_number, charity_number, vcse_flag, supplier_ref, body_name"}}}})
@token_required(IMPORT_SPEND)
def push_lines():
    """Push spend as JSON lines: imported as a file with those columns would be."""
    if request.mimetype not in JSON_LINES:
        abort(415, description="Send JSON lines with Content-Type: application/x-ndjson.")
    try:
        spend_import = spend.store_json_lines(db.session, current_organisation(), request.stream)
    except spend.ApiProblem as problem:
        _refuse(problem)
    return _done(spend_import, 202)


@blp.route("/<int:import_id>")
@blp.response(200, ImportSchema)
@secured(blp, 404)
@token_required(READ)
def show_import(import_id: int):
    """An import's status, counts, months and problems (line and reason), and what to do next."""
    return _shown(_import_or_404(import_id))


@blp.route("/<int:import_id>/columns", methods=["PUT"])
@blp.arguments(MappingSchema)
@blp.response(202, ImportSchema)
@secured(blp, 400, 404, 409)
@token_required(IMPORT_SPEND)
def columns(args, import_id: int):
    """Give the columns of a file whose status is ``needs_mapping``; it is then queued."""
    spend_import = _import_or_404(import_id)
    try:
        spend.give_mapping(db.session, spend_import, args["mapping"])
    except spend.ApiProblem as problem:
        _refuse(problem)
    return _done(spend_import, 202)


@blp.route("/<int:import_id>/choice", methods=["POST"])
@blp.arguments(ChoiceSchema)
@blp.response(202, ImportSchema)
@secured(blp, 400, 404, 409)
@token_required(IMPORT_SPEND)
def choice(args, import_id: int):
    """For a file whose status is ``needs_choice``: replace the months it holds, or add only its new lines."""
    spend_import = _import_or_404(import_id)
    try:
        spend.choose(db.session, spend_import, args["choice"])
    except spend.ApiProblem as problem:
        _refuse(problem)
    return _done(spend_import, 202)
