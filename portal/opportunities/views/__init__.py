"""The opportunity pages: one blueprint, its routes in one small module per audience.

A partner's pages live under /partner/opportunities and /partner/asks (the tenant is
the partner the user works as, never one from the address); the public pages,
the Atom feed and the Open Contracting exports under /opportunities,
/networks/<slug>/... and /social-value-asks.
"""
from flask import Blueprint

bp = Blueprint("opportunities", __name__)



@bp.context_processor
def _labels() -> dict:
    from portal import cpv

    from ..labels import (
        ASK_KIND_LABELS,
        ASK_STATUS_LABELS,
        CLOSING_WITHIN_DAYS,
        STAGE_LABELS,
        STAGE_TAG_CLASSES,
        STATUS_LABELS,
        STATUS_TAG_CLASSES,
        VALUE_BAND_LABELS,
    )
    from ..notices import contracts_finder_url, find_a_tender_url

    return {
        "VALUE_BAND_LABELS": VALUE_BAND_LABELS, "STATUS_LABELS": STATUS_LABELS, "STATUS_TAG_CLASSES": STATUS_TAG_CLASSES,
        "ASK_KIND_LABELS": ASK_KIND_LABELS, "ASK_STATUS_LABELS": ASK_STATUS_LABELS,
        "CLOSING_WITHIN_DAYS": CLOSING_WITHIN_DAYS, "cpv_label": cpv.label,
        "STAGE_LABELS": STAGE_LABELS, "STAGE_TAG_CLASSES": STAGE_TAG_CLASSES,
        "find_a_tender_url": find_a_tender_url, "contracts_finder_url": contracts_finder_url,
    }


from . import asks, exports, forward_plan, partner, pipeline, public  # noqa: F401  (their routes join bp)
