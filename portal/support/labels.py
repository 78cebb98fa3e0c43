"""The words people read for the support and event kinds."""
SUPPORT_KIND_LABELS = {
    "one_to_one": "One-to-one",
    "workshop": "Workshop",
    "bid_writing": "Bid-writing help",
    "decarbonisation_advice": "Decarbonisation advice",
    "mentoring": "Mentoring",
    "funded_programme": "Funded programme",
}
EVENT_KIND_LABELS = {
    "meet_the_buyer": "Meet the buyer",
    "supplier_day": "Supplier day",
    "workshop": "Workshop",
    "other": "Other event",
}
BUSINESS_ASK_STATUS_LABELS = {
    "waiting": "Waiting for the partner",
    "published": "Published: open to offers",
    "declined": "Declined",
    "met": "Met by a supplier",
}


def attendance_label(attended: bool | None) -> str:
    return {True: "Attended", False: "Did not attend", None: "Not marked yet"}[attended]
