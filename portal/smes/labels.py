"""The words a business reads for each stored choice on its profile."""
from .models import ORGANISATION_TYPES, SIZE_BANDS, SOCIAL_VALUE_OFFERS

ORGANISATION_TYPE_LABELS = {
    "company": "Limited company",
    "charity": "Registered charity",
    "cio": "Charitable incorporated organisation (CIO)",
    "community_interest_company": "Community interest company (CIC)",
    "cooperative": "Co-operative or community benefit society",
    "sole_trader": "Sole trader or partnership",
    "other": "Something else",
}
SIZE_BAND_LABELS = {
    "micro": "Micro: fewer than 10 staff",
    "small": "Small: 10 to 49 staff",
    "medium": "Medium: 50 to 249 staff",
    "large": "Large: 250 staff or more",
}
OFFER_LABELS = {
    "mentoring": "Mentoring",
    "work_placements": "Work placements",
    "apprenticeships": "Apprenticeships",
    "careers_talks": "Careers talks in schools and colleges",
    "decarbonisation_help": "Help to cut carbon (decarbonisation)",
    "volunteering": "Volunteering by our staff",
    "local_recruitment": "Recruiting local people",
    "donations_in_kind": "Donations in kind",
}
# The profile's four ownership flags, as the business ticks them.
OWNERSHIP_LABELS = {
    "employee_owned": "Employee-owned",
    "cooperative": "Co-operative",
    "social_enterprise": "Social enterprise",
    "charity": "Charity",
}

assert set(ORGANISATION_TYPE_LABELS) == set(ORGANISATION_TYPES)
assert set(SIZE_BAND_LABELS) == set(SIZE_BANDS)
assert set(OFFER_LABELS) == set(SOCIAL_VALUE_OFFERS)
