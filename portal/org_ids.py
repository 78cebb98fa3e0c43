"""Organisation identifiers as org-id.guide writes them, for the open data the portal publishes.

Open Contracting parties and 360Giving recipients are identified by ``<scheme>-<number>``:
``GB-COH`` (Companies House), ``GB-CHC`` (the Charity Commission for England and Wales),
``GB-SC`` (the Scottish Charity Regulator, numbers ``SC`` + 6 digits) and ``GB-NIC``
(the Charity Commission for Northern Ireland, ``NIC`` + digits or plain digits from 100000).
See https://org-id.guide/list/GB-COH and its neighbours.
"""
from __future__ import annotations

import re

_SCOTTISH = re.compile(r"^SC\d{6}$")
_NORTHERN_IRISH = re.compile(r"^NIC\d+$")


def charity_scheme(charity_number: str) -> str:
    """The register a charity number is from, by its form (England and Wales by default)."""
    number = charity_number.strip().upper()
    if _SCOTTISH.match(number):
        return "GB-SC"
    if _NORTHERN_IRISH.match(number):
        return "GB-NIC"
    return "GB-CHC"


def org_identifier(company_number: str | None = None, charity_number: str | None = None) -> tuple[str, str] | None:
    """(scheme, number) for the register that knows the organisation, the charity first; None when neither is known.

    A charitable company is on both registers: 360Giving's guidance prefers the charity number,
    the one grant-makers and the public look a charity up by.
    """
    if charity_number and charity_number.strip():
        number = charity_number.strip().upper()
        scheme = charity_scheme(number)
        return scheme, number.removeprefix("NIC") if scheme == "GB-NIC" else number
    if company_number and company_number.strip():
        return "GB-COH", company_number.strip().upper()
    return None
