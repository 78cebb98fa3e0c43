"""The audit log page: a partner admin reads every change made in their own organisation."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from portal.extensions import db
from tenants.web import current_partner, partner_required

from . import links, queries
from .forms import AuditFilterForm

bp = Blueprint("audit", __name__)


@bp.route("/audit-log")
@partner_required("admin")
def log():
    """Newest first, 50 a page, filtered by who, what happened, to what and when.

    Only the partner the admin works as: the tenant filter, not this view, keeps
    other partners' events out.
    """
    session = db.session
    filtered = bool(request.args.keys() - {"page"})
    form = AuditFilterForm(
        queries.people_in_log(session), queries.actions_in_log(session), queries.object_types_in_log(session),
        formdata=request.args if filtered else None,
    )
    valid = form.validate() if filtered else True
    audit_filter = form.chosen() if valid else queries.AuditFilter()
    page = db.paginate(queries.events(audit_filter), per_page=queries.PER_PAGE, error_out=False)
    names = queries.names_of(session, (event.user_id for event in page.items))
    # Kept on the "next" and "previous" links; a date's three boxes share one name.
    filter_args = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "page"} if valid else {}
    return render_template(
        "audit/log.html", form=form, page=page, names=names, filter_args=filter_args,
        organisation=current_partner().organisation, queries=queries,
        record_links=links.record_links(session, page.items),
    ), (200 if valid else 400)
