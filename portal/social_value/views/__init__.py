"""The social value pages: one blueprint, its routes in one small module per part.

Partner pages live under /social-value (the tenant is the partner the user
works as, never one from the URL); the lead's pages under /network/<id>/...;
the supplier's page under /supplier-report/<token> (the signed link is the key).
"""
from flask import Blueprint

bp = Blueprint("social_value", __name__)

from . import (  # noqa: F401
    beneficiary_groups,
    bulk,
    chasing,
    commitments,
    contracts,
    delivery,
    delivery_changes,
    display,
    flags,
    measures,
    network_settings,
    partner_measures,
    policy,
    proposals,
    supplier,
    targets,
)
