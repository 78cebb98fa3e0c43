"""A partner's own figures: the dashboard's totals and its spend lines (a token with the read scope)."""
from __future__ import annotations

from flask import abort
from flask_smorest import Blueprint

from portal.extensions import db

from .. import figures
from ..auth import current_organisation, token_required
from ..models import READ
from ..schemas import LinesPageSchema, LinesQuerySchema, TotalsQuerySchema, TotalsSchema
from .docs import secured

blp = Blueprint("api_figures", __name__, url_prefix="/api/v1/spend",
                description="The partner's own totals (as its dashboard shows them) and spend lines.")


@blp.route("/totals")
@blp.arguments(TotalsQuerySchema, location="query")
@blp.response(200, TotalsSchema)
@secured(blp, 404)
@token_required(READ)
def totals(args):
    """The headline figures and months of one financial year, the same numbers as the dashboard."""
    shown = figures.partner_totals(db.session, current_organisation(), args.get("year"))
    if shown is None:
        abort(404, description="There are no totals for that year yet (an import's totals follow it in a moment).")
    return shown


@blp.route("/lines")
@blp.arguments(LinesQuerySchema, location="query")
@blp.response(200, LinesPageSchema)
@secured(blp, 400)
@token_required(READ)
def lines(args):
    """The partner's spend lines, newest first, 50 a page: follow ``next_cursor`` with ``?after=``."""
    after = args.get("after")
    if after and figures.lines_search.parse_cursor(after) is None:
        abort(400, description="after must be a cursor this API gave (next_cursor).")
    page = figures.lines_page(db.session, after)
    return {"lines": page.lines, "total": page.total, "next_cursor": page.next_cursor}
