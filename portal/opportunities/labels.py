"""The words people read for the opportunity codes stored in the database."""
from __future__ import annotations

VALUE_BAND_LABELS = {
    "under_10k": "Under £10,000",
    "10k_to_50k": "£10,000 to £50,000",
    "50k_to_214k": "£50,000 to £214,000",
    "214k_to_1m": "£214,000 to £1 million",
    "over_1m": "Over £1 million",
}
STATUS_LABELS = {"draft": "Draft", "published": "Published", "closed": "Closed", "withdrawn": "Withdrawn"}
STATUS_TAG_CLASSES = {
    "draft": "govuk-tag--grey", "published": "govuk-tag--green", "closed": "govuk-tag--blue", "withdrawn": "govuk-tag--red",
}
STAGE_LABELS = {
    "planned": "Planned",
    "market_engagement": "Market engagement",
    "tender": "Tender",
    "awarded": "Awarded",
    "cancelled": "Cancelled",
}
STAGE_TAG_CLASSES = {
    "planned": "govuk-tag--grey", "market_engagement": "govuk-tag--light-blue", "tender": "govuk-tag--green",
    "awarded": "govuk-tag--purple", "cancelled": "govuk-tag--red",
}
ASK_KIND_LABELS = {
    "mentoring": "Mentoring",
    "work_placements": "Work placements",
    "apprenticeships": "Apprenticeships",
    "careers_talks": "Careers talks",
    "decarbonisation_help": "Help to decarbonise",
    "volunteering": "Volunteering",
    "local_recruitment": "Recruiting locally",
    "donations_in_kind": "Donations in kind",
}
ASK_STATUS_LABELS = {"open": "Open", "met": "Met", "closed": "Closed"}
# How soon an opportunity closes, for the public filter.
CLOSING_WITHIN_DAYS = (7, 14, 30, 60)
