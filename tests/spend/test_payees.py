"""Which payees count as 'not named or redacted', and which names are firms that merely look like it?"""
from __future__ import annotations

import pytest

from portal.spend.payees import UNNAMED_PAYEE, is_unnamed, shown_payee


@pytest.mark.parametrize("name", [
    "", "   ", "-", "***", "N/A", "n/a", "XXXX", "None", "Unknown",
    "Redacted Personal Information",  # Manchester, 201 lines
    "REDACTED PERSONAL DATA", "REDACTED COMMERCIAL CONFIDENTIALITY",  # Leeds
    "REDACTED", "Redacted - Personal Data", "Personal Data", "Personal Information",
    "Private individual", "Private Individuals", "Individual", "Name withheld", "Withheld",
    "Personal Budget", "Personal Budget Payment", "Direct Payments", "Not disclosed", "Data Protection Act",
    "GDPR exempt", "Confidential", "Sensitive", "Foster Carer", "Client payments",
])
def test_a_blank_or_redacted_payee_is_not_named(name):
    assert is_unnamed(name)


@pytest.mark.parametrize("name", [
    "Acme Ltd", "Personal Data Solutions Ltd", "Nationwide Individual Care Ltd", "Private Hire Taxis Ltd",
    "Redactive Publishing Ltd", "Confidential Shredding Services Ltd", "The Direct Payments Support Service CIC",
    "Foster Care Associates Ltd", "Unknown Worlds Theatre Company", "XL Catering", "NA Construction Ltd",
])
def test_a_firm_whose_name_only_looks_like_one_keeps_it(name):
    assert not is_unnamed(name)


def test_an_unnamed_payee_is_shown_as_such_with_what_the_file_wrote():
    assert shown_payee("Redacted Personal Information", True) == f"{UNNAMED_PAYEE} (Redacted Personal Information)"
    assert shown_payee("", True) == UNNAMED_PAYEE
    assert shown_payee("Acme Ltd", False) == "Acme Ltd"
