"""Award notices from Contracts Finder or Find a Tender, read as OCDS release packages (JSON).

Open Contracting Data Standard 1.1 (https://standard.open-contracting.org/1.1/en/schema/release_package/):
a package holds ``releases``; each release has an ``ocid``, ``parties`` (with ``identifier``
such as ``{"scheme": "GB-COH", "id": "01234567"}`` for Companies House, an ``address`` and,
in UK notices, ``details.scale`` "sme" or "large"), ``tender``, ``awards`` (``value``,
``suppliers`` by party id, ``contractPeriod``) and ``contracts`` (``awardID``, ``value``,
``period``, ``dateSigned``). Each award becomes a contract, with its contract's details when the
release has one: the reference is the award's id, the ocid is kept. Amounts are read as Decimal.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

from portal.spend.normalise import normalise_company_number, normalise_postcode

from .lines import NO_VALUES, ContractLine, LineError, number

MAX_PACKAGE_BYTES = 50 * 1024 * 1024
_COMPANIES_HOUSE = "GB-COH"


class PackageProblem(ValueError):
    """The file is not an OCDS release package; the message says why."""


def read_package(path: Path, filename: str) -> dict:
    """Load the package, refusing what is not one."""
    if path.stat().st_size > MAX_PACKAGE_BYTES:
        raise PackageProblem(f"{filename} is over {MAX_PACKAGE_BYTES // (1024 * 1024)} MB: split the package")
    try:
        with path.open("rb") as handle:
            package = json.load(handle, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageProblem(f"{filename} is not JSON ({error})") from None
    if not isinstance(package, dict) or not isinstance(package.get("releases"), list):
        raise PackageProblem(f"{filename} is not an OCDS release package: it has no list of releases")
    return package


def _pence(value, what: str) -> int | None:
    if not value:
        return None
    if not isinstance(value, dict):
        raise LineError(f"{what} is not an OCDS value")
    amount, currency = value.get("amount"), value.get("currency") or "GBP"
    if amount is None:
        return None
    if currency != "GBP":
        raise LineError(f"{what} is in {currency}: the portal keeps pounds sterling")
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)):
        raise LineError(f"{what} {amount!r} is not a number")
    if amount < 0:
        raise LineError(f"{what} {amount} is negative: a contract's value cannot be")
    pence = Decimal(amount) * 100
    if pence != pence.to_integral_value():
        raise LineError(f"{what} {amount} is not a whole number of pence")
    return int(pence)


def _day(text, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        raise LineError(f"{what} {text!r} is not an ISO date") from None


def _company_number(party: dict) -> str | None:
    identifiers = [party.get("identifier") or {}, *(party.get("additionalIdentifiers") or [])]
    for identifier in identifiers:
        if isinstance(identifier, dict) and identifier.get("scheme") == _COMPANIES_HOUSE and identifier.get("id"):
            try:
                return normalise_company_number(str(identifier["id"]))
            except ValueError:
                return None
    return None


def _award_values(release: dict, award: dict) -> tuple[dict, list[str]]:
    award_id = award.get("id")
    if not award_id:
        raise LineError("an award has no id")
    parties = {p.get("id"): p for p in release.get("parties") or [] if isinstance(p, dict)}
    contracts = [c for c in release.get("contracts") or [] if isinstance(c, dict) and c.get("awardID") == award_id]
    contract = contracts[0] if contracts else {}
    tender = release.get("tender") or {}
    notes: list[str] = []
    suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
    if len(suppliers) > 1:
        notes.append(f"award {award_id} names {len(suppliers)} suppliers: the first is kept as the contract's supplier")
    supplier = suppliers[0] if suppliers else {}
    party = parties.get(supplier.get("id"), {})
    scale = (party.get("details") or {}).get("scale")
    period = contract.get("period") or award.get("contractPeriod") or {}
    items = tender.get("items") or []
    classification = tender.get("classification") or ((items[0] or {}).get("classification") if items else None) or {}
    title = contract.get("title") or award.get("title") or tender.get("title")
    if not title:
        raise LineError(f"award {award_id} has no title (nor its contract, nor the tender)")
    if len(title) > 300:
        raise LineError(f"the title of award {award_id} is {len(title)} characters long; at most 300 can be kept")
    values = NO_VALUES | {
        "reference": str(award_id)[:120],
        "title": " ".join(title.split()),
        "description": contract.get("description") or award.get("description") or tender.get("description"),
        "supplier_name": " ".join(str(supplier.get("name") or party.get("name") or "").split())[:300] or None,
        "supplier_postcode": None,
        "company_number": _company_number(party),
        "total_value": _pence(contract.get("value") or award.get("value"), f"the value of award {award_id}"),
        "start_date": _day(period.get("startDate"), "the start date"),
        "end_date": _day(period.get("endDate"), "the end date"),
        "sme": {"sme": True, "large": False}.get(scale),
        "category": classification.get("id"),
        "category_description": classification.get("description"),
        "purchasing_body": (release.get("buyer") or {}).get("name"),
        "procurement_process": tender.get("procurementMethodDetails") or tender.get("procurementMethod"),
    }
    postcode = (party.get("address") or {}).get("postalCode")
    if postcode:
        try:
            values["supplier_postcode"] = normalise_postcode(postcode)
        except ValueError:
            notes.append(f"Supplier postcode {postcode!r} is not a UK postcode: kept as unknown")
    start, end = values["start_date"], values["end_date"]
    if start and end and end < start:
        notes.append(f"the end date {end:%d/%m/%Y} is before the start date: kept as unknown")
        values["end_date"] = None
    return values, notes


def package_lines(path: Path, filename: str) -> Iterator[ContractLine | tuple[int, str, dict]]:
    """Each award of the package as a ContractLine, or (release number, reason, release summary) for an error.

    The line number is the release's position in the package (1 for the first).
    """
    package = read_package(path, filename)
    seen: dict[str, int] = {}
    for position, release in enumerate(package["releases"], start=1):
        if not isinstance(release, dict) or not release.get("ocid"):
            yield (position, "the release has no ocid", {})
            continue
        summary = {"ocid": str(release["ocid"]), "release": str(release.get("id", ""))}
        awards = [a for a in release.get("awards") or [] if isinstance(a, dict)]
        if not awards:
            yield (position, f"release {release['ocid']} has no award: only award notices make contracts", summary)
            continue
        for award in awards:
            try:
                values, notes = _award_values(release, award)
            except LineError as error:
                yield (position, str(error), summary | {"award": str(award.get("id", ""))})
                continue
            line = ContractLine(position, values, summary | {"award": str(award["id"])}, notes, ocid=str(release["ocid"]))
            number(line, seen)
            yield line
