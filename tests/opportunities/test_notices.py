"""Are Find a Tender and Contracts Finder notice identifiers checked in their real forms, and linked?"""
from __future__ import annotations

import pytest

from portal.opportunities import notices
from portal.opportunities.notices import NoticeProblem


@pytest.mark.parametrize("given, kept", [
    ("000123-2025", "000123-2025"),
    (" 034567-2024 ", "034567-2024"),
    ("2024/S 000-123456", "2024/S 000-123456"),
    ("2021/s 000-012345", "2021/S 000-012345"),
    ("2022/S000-004321", "2022/S 000-004321"),
])
def test_find_a_tender_numbers_in_both_forms(given, kept):
    assert notices.find_a_tender(given) == kept


@pytest.mark.parametrize("given", ["", "123-2025", "0001234-2025", "2024/S 00-123456", "ocds-h6vhtk-012345", "abc"])
def test_other_find_a_tender_numbers_are_refused_saying_the_forms(given):
    with pytest.raises(NoticeProblem, match="000123-2025, or 2024/S 000-123456"):
        notices.find_a_tender(given)


def test_contracts_finder_ids_are_guids():
    assert notices.contracts_finder("3F2C9A0E-5B1D-4C7E-9F3A-2D8B6E4A1C05") == "3f2c9a0e-5b1d-4c7e-9f3a-2d8b6e4a1c05"
    for wrong in ("", "3f2c9a0e-5b1d-4c7e-9f3a", "000123-2025", "not-a-guid"):
        with pytest.raises(NoticeProblem, match="not a Contracts Finder notice id"):
            notices.contracts_finder(wrong)


def test_links_go_to_the_notice_or_the_services_search():
    assert notices.find_a_tender_url("000123-2025") == "https://www.find-tender.service.gov.uk/Notice/000123-2025"
    assert notices.find_a_tender_url("2024/S 000-123456").startswith("https://www.find-tender.service.gov.uk/Search/")
    guid = "3f2c9a0e-5b1d-4c7e-9f3a-2d8b6e4a1c05"
    assert notices.contracts_finder_url(guid) == f"https://www.contractsfinder.service.gov.uk/Notice/{guid}"
