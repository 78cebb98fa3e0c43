"""The notice identifiers of the national services, checked and made into links.

Find a Tender numbers a notice two ways: "000123-2025" (six digits, the year), which is also the
last part of its address (https://www.find-tender.service.gov.uk/Notice/000123-2025), and the
older "2021/S 000-012345" printed on notices in the style of the EU's Official Journal, which has
no address of its own (the service's search finds it). Contracts Finder identifies a notice by a
GUID, the last part of its address (https://www.contractsfinder.service.gov.uk/Notice/<guid>).
"""
from __future__ import annotations

import re
import uuid

FIND_A_TENDER = "https://www.find-tender.service.gov.uk/Notice/"
FIND_A_TENDER_SEARCH = "https://www.find-tender.service.gov.uk/Search/Results?keywords="
CONTRACTS_FINDER = "https://www.contractsfinder.service.gov.uk/Notice/"

_FTS_NEW = re.compile(r"(\d{6})-(\d{4})")
_FTS_OLD = re.compile(r"(\d{4})\s*/\s*S\s*(\d{3})\s*-\s*(\d{6})", re.IGNORECASE)


class NoticeProblem(ValueError):
    pass


def find_a_tender(text: str) -> str:
    """A Find a Tender notice number in its usual form; raises NoticeProblem saying the two forms."""
    given = (text or "").strip()
    if match := _FTS_NEW.fullmatch(given):
        return f"{match[1]}-{match[2]}"
    if match := _FTS_OLD.fullmatch(given):
        return f"{match[1]}/S {match[2]}-{match[3]}"
    raise NoticeProblem(
        f"“{given}” is not a Find a Tender notice number: it looks like 000123-2025, or 2024/S 000-123456 on older notices")


def contracts_finder(text: str) -> str:
    """A Contracts Finder notice id (a GUID) in lower case with hyphens; raises NoticeProblem."""
    given = (text or "").strip()
    try:
        return str(uuid.UUID(given.strip("{}")))
    except ValueError:
        raise NoticeProblem(
            f"“{given}” is not a Contracts Finder notice id: it is the last part of the notice's address, "
            "like 3f2c9a0e-5b1d-4c7e-9f3a-2d8b6e4a1c05") from None


def find_a_tender_url(notice: str) -> str:
    """The notice's page, or for an older number with no page of its own, the service's search for it."""
    if _FTS_NEW.fullmatch(notice):
        return FIND_A_TENDER + notice
    return FIND_A_TENDER_SEARCH + notice.replace("/", "%2F").replace(" ", "+")


def contracts_finder_url(notice: str) -> str:
    return CONTRACTS_FINDER + notice
