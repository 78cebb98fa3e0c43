"""A small client for the Companies House Public Data API, for suppliers the bulk file did not match.

https://developer-specs.company-information.service.gov.uk/companies-house-public-data-api/reference
Authentication is HTTP basic with the API key as the user name and no password. Every
request first takes a place in the shared window (api_rate_limit.py); the server's own
X-Ratelimit-* headers and 429 answers then hold every worker until the reset it names.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests

from .api_rate_limit import PUBLISHED_WINDOW_SECONDS, RequestWindow, window_for

PUBLIC_URL = "https://api.company-information.service.gov.uk"
# (connect, read) seconds: a search that has not answered in 30 s is retried, not waited on.
TIMEOUT = (5.0, 30.0)
SERVER_ERROR_RETRIES = 3
RATE_LIMITED_RETRIES = 3
# Statuses of a company that has left the register (the API's enumeration "company_status").
CLOSED_STATUSES = frozenset({"dissolved", "converted-closed", "removed", "closed"})


class CompaniesHouseError(RuntimeError):
    """The API could not answer a question."""


class CompaniesHouseKeyRejected(CompaniesHouseError):
    """The API refused the key (401): nothing will work until the setting is fixed."""


class CompaniesHouseUnavailable(CompaniesHouseError):
    """Server errors or no connection, after the retries."""


@dataclass(frozen=True)
class CompanySearchHit:
    """One result of a company search: enough to judge whether it is the supplier."""

    number: str
    name: str
    status: str | None
    company_type: str | None
    postcode: str | None
    address: str | None
    # What else the search matched on: a previous name, when the hit was found by one.
    snippet: str | None = None

    @property
    def is_live(self) -> bool:
        return (self.status or "") not in CLOSED_STATUSES


@dataclass(frozen=True)
class CompanyProfile:
    """A company's profile (GET /company/{number}), with the raw JSON kept for what we do not read yet."""

    number: str
    name: str
    status: str | None
    company_type: str | None
    subtype: str | None
    postcode: str | None
    address: str | None
    # accounts.last_accounts.type, as the API writes it ("micro-entity", "full", ...).
    accounts_type: str | None
    sic_codes: tuple[str, ...]
    previous_names: tuple[str, ...]
    incorporated_on: str | None
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def is_live(self) -> bool:
        return (self.status or "") not in CLOSED_STATUSES

    @property
    def category(self) -> str | None:
        """The company category in the bulk file's words, so one classing rule reads both."""
        if self.subtype == "community-interest-company":
            return "Community Interest Company"
        return COMPANY_CATEGORIES.get(self.company_type or "", self.company_type)

    @property
    def accounts_category(self) -> str | None:
        """The accounts category in the bulk file's words ("MICRO ENTITY", "FULL", ...); None when not given."""
        if not self.accounts_type or self.accounts_type == "null":
            return None
        if self.accounts_type == "no-accounts-type-available":
            return "ACCOUNTS TYPE NOT AVAILABLE"
        return self.accounts_type.replace("-", " ").upper()

    @property
    def register_status(self) -> str | None:
        """The status in the bulk file's words ("Active", "Liquidation", ...)."""
        if self.status is None:
            return None
        return REGISTER_STATUSES.get(self.status, self.status.replace("-", " ").capitalize())


# The API's company_type (api-enumerations constants.yml) -> the bulk file's CompanyCategory.
COMPANY_CATEGORIES = {
    "ltd": "Private Limited Company",
    "plc": "Public Limited Company",
    "old-public-company": "Old Public Company",
    "private-unlimited": "Private Unlimited Company",
    "private-unlimited-nsc": "Private Unlimited Company",
    "private-limited-guarant-nsc": "PRI/LTD BY GUAR/NSC (Private, limited by guarantee, no share capital)",
    "private-limited-guarant-nsc-limited-exemption":
        "PRI/LBG/NSC (Private, Limited by guarantee, no share capital, use of 'Limited' exemption)",
    "private-limited-shares-section-30-exemption": "Private Limited Company",
    "llp": "Limited Liability Partnership",
    "limited-partnership": "Limited Partnership",
    "scottish-partnership": "Scottish Partnership",
    "registered-society-non-jurisdictional": "Registered Society",
    "industrial-and-provident-society": "Industrial and Provident Society",
    "charitable-incorporated-organisation": "Charitable Incorporated Organisation",
    "scottish-charitable-incorporated-organisation": "Scottish Charitable Incorporated Organisation",
    "royal-charter": "Royal Charter Company",
    "investment-company-with-variable-capital": "Investment Company with Variable Capital",
    "further-education-or-sixth-form-college-corporation": "Further Education and Sixth Form College Corps",
    "registered-overseas-entity": "Overseas Entity",
    "other": "Other company type",
}
REGISTER_STATUSES = {"active": "Active", "administration": "In Administration", "converted-closed": "Converted/Closed"}

_NUMBER = re.compile(r"^([A-Z]{0,2})(\d{1,8})$")


def company_number(text: str) -> str | None:
    """The company number as Companies House writes it (eight characters, "SC012345"), or None if not one."""
    value = "".join(str(text).split()).upper()
    found = _NUMBER.fullmatch(value)
    if not found:
        return None
    prefix, digits = found.groups()
    padded = prefix + digits.zfill(8 - len(prefix))
    return padded if len(padded) == 8 else None


def _one_line(address: dict | None) -> str | None:
    if not address:
        return None
    parts = [address.get(k) for k in ("premises", "address_line_1", "address_line_2", "locality", "region", "postal_code")]
    return ", ".join(p.strip() for p in parts if p and p.strip())[:400] or None


def _postcode(address: dict | None) -> str | None:
    from portal.spend.normalise import normalise_postcode

    raw = (address or {}).get("postal_code")
    try:
        return normalise_postcode(raw) if raw else None
    except ValueError:  # an overseas address, or a typo the register holds
        return None


def search_hit(item: dict) -> CompanySearchHit:
    return CompanySearchHit(
        number=item.get("company_number", ""), name=(item.get("title") or item.get("company_name") or "").strip(),
        status=item.get("company_status"), company_type=item.get("company_type"),
        postcode=_postcode(item.get("address")), address=item.get("address_snippet") or _one_line(item.get("address")),
        snippet=(item.get("snippet") or "").strip() or None,
    )


def company_profile(body: dict) -> CompanyProfile:
    accounts = body.get("accounts") or {}
    return CompanyProfile(
        number=body.get("company_number", ""), name=(body.get("company_name") or "").strip(),
        status=body.get("company_status"), company_type=body.get("type"), subtype=body.get("subtype"),
        postcode=_postcode(body.get("registered_office_address")),
        address=_one_line(body.get("registered_office_address")),
        accounts_type=(accounts.get("last_accounts") or {}).get("type"),
        sic_codes=tuple(body.get("sic_codes") or ()),
        previous_names=tuple(p["name"] for p in body.get("previous_company_names") or () if p.get("name")),
        incorporated_on=body.get("date_of_creation"), raw=body,
    )


class CompaniesHouseClient:
    """Asks the API, inside the rate limit; waits on 429 and retries server errors with backoff."""

    def __init__(self, api_key: str, base_url: str = PUBLIC_URL, *, window: RequestWindow | None = None,
                 http: requests.Session | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, timeout=TIMEOUT):
        if not api_key:
            raise CompaniesHouseKeyRejected("No Companies House API key is set: set COMPANIES_HOUSE_API_KEY.")
        self.base_url = base_url.rstrip("/")
        self.window = window or window_for("memory://", api_key)
        self.http = http or requests.Session()
        self.http.auth = (api_key, "")
        self.clock, self.sleep, self.timeout = clock, sleep, timeout
        self.requests_made = 0

    def search_companies(self, name: str, items_per_page: int = 20) -> list[CompanySearchHit]:
        """Companies whose names the API finds for ``name``, best first."""
        body = self._get("/search/companies", {"q": name, "items_per_page": items_per_page})
        return [search_hit(item) for item in (body or {}).get("items") or () if item.get("company_number")]

    def get_company(self, number: str) -> CompanyProfile | None:
        """The company's profile; None when the number is not a company number or the API has no such company."""
        number = company_number(number)
        if number is None:
            return None
        body = self._get(f"/company/{quote(number, safe='')}")
        return None if body is None else company_profile(body)

    def _get(self, path: str, params: dict | None = None) -> dict | None:
        server_errors = rate_limited = 0
        while True:
            self.window.acquire()
            self.requests_made += 1
            try:
                response = self.http.get(self.base_url + path, params=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                server_errors += 1
                if server_errors > SERVER_ERROR_RETRIES:
                    raise CompaniesHouseUnavailable(f"Companies House did not answer: {error}") from error
                self.sleep(2 ** server_errors)
                continue
            self._heed_headers(response)
            status = response.status_code
            if status == 200:
                return response.json()
            if status == 404:
                return None
            if status == 401:
                raise CompaniesHouseKeyRejected(
                    "Companies House refused the API key (401): check COMPANIES_HOUSE_API_KEY.")
            if status == 429:
                rate_limited += 1
                if rate_limited > RATE_LIMITED_RETRIES:
                    raise CompaniesHouseError("Companies House kept answering 429 Too Many Requests.")
                # Hold every worker until the server's reset; the next acquire() waits for it.
                self.window.hold_until(self.clock() + self._retry_after(response))
                continue
            if status >= 500:
                server_errors += 1
                if server_errors > SERVER_ERROR_RETRIES:
                    raise CompaniesHouseUnavailable(f"Companies House answered {status} {SERVER_ERROR_RETRIES + 1} times.")
                self.sleep(2 ** server_errors)
                continue
            raise CompaniesHouseError(f"Companies House answered {status} for {path}.")

    def _heed_headers(self, response: requests.Response) -> None:
        """The server's count is the truth: when it says none remain, nobody asks before its reset."""
        remain = response.headers.get("X-Ratelimit-Remain") or response.headers.get("X-Ratelimit-Remaining")
        reset = response.headers.get("X-Ratelimit-Reset")
        if remain is not None and reset is not None and response.status_code != 429:
            try:
                if int(remain) <= 0:
                    self.window.hold_until(float(reset))
            except ValueError:
                pass

    def _retry_after(self, response: requests.Response) -> float:
        """Seconds until the server will answer again: Retry-After, else X-Ratelimit-Reset, else a whole window."""
        now = self.clock()
        retry_after = response.headers.get("Retry-After")
        if retry_after:
            try:
                return min(max(float(retry_after), 1.0), 3600.0)
            except ValueError:
                try:
                    return max(parsedate_to_datetime(retry_after).timestamp() - now, 1.0)
                except (TypeError, ValueError):
                    pass
        reset = response.headers.get("X-Ratelimit-Reset")
        if reset:
            try:
                return min(max(float(reset) - now, 1.0), PUBLISHED_WINDOW_SECONDS)
            except ValueError:
                pass
        return PUBLISHED_WINDOW_SECONDS


def client_from_settings(config, **kwargs) -> CompaniesHouseClient | None:
    """The client the app's settings describe, or None when the lookup is off (no key)."""
    api_key = config.get("COMPANIES_HOUSE_API_KEY") or ""
    if not api_key:
        return None
    if "window" not in kwargs:
        window_kwargs = {k: kwargs[k] for k in ("clock", "sleep") if k in kwargs}
        kwargs["window"] = window_for(config.get("COMPANIES_HOUSE_LIMITER_URL", "memory://"), api_key, **window_kwargs)
    return CompaniesHouseClient(api_key, config.get("COMPANIES_HOUSE_API_URL") or PUBLIC_URL, **kwargs)


class CompaniesHouseLookupOff(CompaniesHouseError):
    """No API key is set, so the live lookup is off."""


def _app_client() -> CompaniesHouseClient:
    from flask import current_app

    client = client_from_settings(current_app.config)
    if client is None:
        raise CompaniesHouseLookupOff("The live Companies House lookup is off: set COMPANIES_HOUSE_API_KEY.")
    return client


def search_companies(name: str, items_per_page: int = 20) -> list[CompanySearchHit]:
    """Search with the app's settings (inside an app context); raises CompaniesHouseLookupOff without a key."""
    return _app_client().search_companies(name, items_per_page)


def get_company(number: str) -> CompanyProfile | None:
    """A company's profile with the app's settings (inside an app context); None when there is no such company."""
    return _app_client().get_company(number)
