"""A partner's spend lines, opened by the lead only where that partner shares them."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required

from portal.extensions import db
from portal.page_numbers import page_numbers
from portal.spend.lines_filter import LineFilter
from portal.spend.models import SpendLine
from tenants import tenant_context
from tenants.models import Organisation

from .blueprint import bp, led_network_or_404

PER_PAGE = 50


def _line_row(line: SpendLine) -> dict:
    # Plain values: the ORM rows must not outlive the partner's tenant context.
    return {
        "payment_date": line.payment_date, "supplier_name": line.supplier_name, "transaction_ref": line.transaction_ref,
        "expense_type": line.expense_type, "category": line.category, "amount_pence": line.amount_pence,
        "payee_unnamed": line.payee_unnamed,
    }


@bp.route("/<int:network_id>/partners/<int:organisation_id>/lines")
@login_required
def partner_lines(network_id: int, organisation_id: int):
    """:raise 404: unless the user leads the network and the partner is in it; a 404 page
    that says so when the partner shares its totals only."""
    network = led_network_or_404(network_id)
    partner = db.session.get(Organisation, organisation_id)
    if partner is None or partner.network_id != network.id:
        abort(404)
    if not partner.shares_lines_with_lead:
        return render_template("network/lines_not_shared.html", network=network, partner=partner), 404
    line_filter = LineFilter.from_args(request.args, network.excluded_kinds)
    query = line_filter.apply(db.select(SpendLine)).order_by(SpendLine.payment_date.desc(), SpendLine.id.desc())
    # This partner's lines only: its own tenant context, never network_wide.
    with tenant_context(partner.id):
        page = db.paginate(query, per_page=PER_PAGE, error_out=False)
        rows = [_line_row(line) for line in page.items]
        paging = {"total": page.total, "prev_num": page.prev_num if page.has_prev else None,
                  "next_num": page.next_num if page.has_next else None, "page": page.page,
                  "first_shown": page.first, "last_shown": page.last, "numbers": page_numbers(page.page, page.pages)}
    return render_template(
        "network/partner_lines.html", network=network, partner=partner, rows=rows, paging=paging, line_filter=line_filter,
    )
