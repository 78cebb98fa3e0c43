"""How social value pages name things: routes, statuses, flags (figures are portal/formatting.py's filters)."""
from __future__ import annotations

from .. import spreading
from ..forms.contracts import RLW_LABELS, ROUTE_LABELS
from ..forms.targets import TARGET_LABELS
from . import bp

STATUS_TAGS = {"reported": "govuk-tag--yellow", "verified": "govuk-tag--green", "rejected": "govuk-tag--red"}
FLAG_LABELS = {
    "behind_profile": "Behind profile",
    "awaiting_verification": "Waiting to be verified",
    "rejected_report": "Report rejected",
    "rlw_not_paid": "Real Living Wage not confirmed",
}


@bp.app_context_processor
def labels():
    return {"ROUTE_LABELS": ROUTE_LABELS, "RLW_LABELS": RLW_LABELS, "STATUS_TAGS": STATUS_TAGS, "FLAG_LABELS": FLAG_LABELS}


@bp.app_template_global("target_label")
def target_label(subject: str) -> str | None:
    """The words for a target beyond social value (a spend share, RLW coverage, employee-owned spend); None otherwise."""
    return TARGET_LABELS.get(subject)


@bp.app_template_global("period_name")
def period_name(network, start, end) -> str | None:
    """A target period's name when it is one of the network's years or halves ("H1 2024 to 2025")."""
    return spreading.period_name(network.financial_year_start_month, start, end)
