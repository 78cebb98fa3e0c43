"""Support and events pages: one blueprint, its routes in one small module per audience.

Partners' pages under /partner/support, /partner/events and /partner/vcse-asks (the tenant is the
partner the user works as); a business's under /your-support, /events and /your-asks; the lead's
figures under /network/<id>/support.
"""
from flask import Blueprint

bp = Blueprint("support", __name__)


@bp.context_processor
def _labels() -> dict:
    from portal.opportunities.labels import ASK_KIND_LABELS, ASK_STATUS_LABELS

    from ..labels import (
        BUSINESS_ASK_STATUS_LABELS,
        EVENT_KIND_LABELS,
        SUPPORT_KIND_LABELS,
        attendance_label,
    )

    return {"SUPPORT_KIND_LABELS": SUPPORT_KIND_LABELS, "EVENT_KIND_LABELS": EVENT_KIND_LABELS,
            "ASK_KIND_LABELS": ASK_KIND_LABELS, "ASK_STATUS_LABELS": ASK_STATUS_LABELS,
            "BUSINESS_ASK_STATUS_LABELS": BUSINESS_ASK_STATUS_LABELS, "attendance_label": attendance_label}


from . import business, network, partner  # noqa: F401  (their routes join bp)
