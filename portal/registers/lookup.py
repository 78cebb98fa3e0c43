"""Look suppliers the bulk registers did not match up on the live Companies House API.

Only suppliers with no company, charity or mutual number, that matching left unmatched
(``match_method`` NULL), that the lead has not placed by hand, that are not waiting in the
lead's review already, and whose class says they could be a company. Each is searched by
its name; an exact normalised-name match (``register_key``, the same key as
``Supplier.normalised_name``) to a single live company is taken on; so is one live company
found by a previous name its profile confirms, or one fuzzy hit far ahead of the rest;
anything else close goes to the lead's review as candidates (register "companies",
method "api"). A supplier is not asked about again within the set number of days.

Precedence of a supplier's postcode, as placing has it (lead > spend file > register):
the API's registered office is used only when the supplier has none from the spend file
or the lead; the number, match method and confidence are set either way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from portal.spend.normalise import postcode_district
from portal.suppliers.models import Supplier, SupplierRegisterCandidate
from tenants.models import utcnow

from .companies_house_api import CompaniesHouseClient, CompanyProfile, CompanySearchHit
from .lookup_models import CompaniesHouseLookup
from .names import register_key

# Classes no company search will place: people (whose names should not be sent to a
# third party for nothing), HMRC and pension funds, public bodies.
NOT_COMPANIES = ("individual", "sole_trader", "tax", "pension", "public")
# token_sort_ratio over normalised names: at or above this a hit is a candidate for review;
CANDIDATE_SCORE = 80
# taken on without review only at or above this, and this far ahead of the next hit.
AUTO_SCORE = 95
AUTO_MARGIN = 5
MAX_CANDIDATES = 5
LOOK_UP_AGAIN_AFTER = timedelta(days=30)


@dataclass
class LookupReport:
    """What one run did, for the command and the task's result."""

    looked_up: int = 0
    matched: list[int] = field(default_factory=list)
    to_review: list[int] = field(default_factory=list)
    no_match: list[int] = field(default_factory=list)
    requests: int = 0

    @property
    def changed_ids(self) -> set[int]:
        """Suppliers given a company number: placing and classing should run for them."""
        return set(self.matched)

    def add(self, other: LookupReport) -> None:
        self.looked_up += other.looked_up
        self.matched += other.matched
        self.to_review += other.to_review
        self.no_match += other.no_match
        self.requests += other.requests

    def as_dict(self) -> dict:
        return {"looked_up": self.looked_up, "matched": len(self.matched), "to_review": len(self.to_review),
                "no_match": len(self.no_match), "requests": self.requests}


@dataclass(frozen=True)
class Decision:
    """What the search results say about one supplier."""

    take: CompanySearchHit | None = None
    method: str | None = None  # "name", "previous_name" or "fuzzy"
    confidence: int | None = None
    candidates: tuple[tuple[CompanySearchHit, float], ...] = ()


def suppliers_to_look_up(session: Session, network_id: int, supplier_ids=None, *, now: datetime | None = None,
                         again_after: timedelta = LOOK_UP_AGAIN_AFTER) -> list[int]:
    """Ids of the network's suppliers the live lookup should ask about, in id order."""
    since = (now or utcnow()) - again_after
    query = (
        select(Supplier.id)
        .where(Supplier.network_id == network_id, Supplier.company_number.is_(None),
               Supplier.charity_number.is_(None), Supplier.mutual_number.is_(None),
               Supplier.match_method.is_(None), Supplier.place_by_lead.is_(False),
               Supplier.kind.not_in(NOT_COMPANIES))
        .where(~exists().where(CompaniesHouseLookup.supplier_id == Supplier.id,
                               CompaniesHouseLookup.looked_up_at >= since))
        .where(~exists().where(SupplierRegisterCandidate.supplier_id == Supplier.id,
                               SupplierRegisterCandidate.status == "pending"))
        .order_by(Supplier.id)
    )
    if supplier_ids is not None:
        query = query.where(Supplier.id.in_(list(supplier_ids)))
    return list(session.scalars(query))


def decide(supplier_key: str, hits: list[CompanySearchHit]) -> Decision:
    """Take on the one live company the name names, or list the hits close enough to review."""
    keyed = [(hit, (register_key(hit.name) or ("",))[0]) for hit in hits]
    exact = [hit for hit, key in keyed if key == supplier_key]
    live_exact = [hit for hit in exact if hit.is_live]
    if len(live_exact) == 1:
        return Decision(take=live_exact[0], method="name", confidence=100)
    if exact:  # several live companies of that name, or only dissolved ones: the lead decides
        return Decision(candidates=tuple((hit, 100.0) for hit in exact[:MAX_CANDIDATES]))
    by_previous = [hit for hit in hits if hit.is_live and hit.snippet
                   and (register_key(hit.snippet) or ("",))[0] == supplier_key]
    if len(by_previous) == 1:
        return Decision(take=by_previous[0], method="previous_name", confidence=100)
    scored = sorted(((hit, float(fuzz.token_sort_ratio(supplier_key, key))) for hit, key in keyed if key),
                    key=lambda pair: -pair[1])
    close = [(hit, score) for hit, score in scored if score >= CANDIDATE_SCORE]
    if close:
        best_hit, best = close[0]
        runner_up = scored[1][1] if len(scored) > 1 else 0.0
        if best >= AUTO_SCORE and best - runner_up >= AUTO_MARGIN and best_hit.is_live:
            return Decision(take=best_hit, method="fuzzy", confidence=int(best))
    return Decision(candidates=tuple(close[:MAX_CANDIDATES]))


def look_up_suppliers(session: Session, supplier_ids: list[int], client: CompaniesHouseClient, *,
                      now: datetime | None = None) -> LookupReport:
    """Ask the API about these suppliers and record what it said; flushes, never commits."""
    now = now or utcnow()
    report = LookupReport()
    before = client.requests_made
    for supplier in session.scalars(select(Supplier).where(Supplier.id.in_(supplier_ids)).order_by(Supplier.id)):
        report.looked_up += 1
        decision = decide(supplier.normalised_name, client.search_companies(supplier.name))
        profile = _confirmed_profile(client, decision, supplier.normalised_name)
        if profile is not None:
            take_on_company(supplier, profile, decision.method, decision.confidence, now)
            _record(session, supplier, "matched", now, profile)
            report.matched.append(supplier.id)
            continue
        # A company the profile did not confirm (gone, or not that previous name) is the lead's to judge.
        hits = ((decision.take, float(decision.confidence)),) if decision.take else decision.candidates
        if hits and _add_candidates(session, supplier, hits):
            _record(session, supplier, "candidates", now)
            report.to_review.append(supplier.id)
        else:
            _record(session, supplier, "no_match", now)
            report.no_match.append(supplier.id)
    session.flush()
    report.requests = client.requests_made - before
    return report


def _confirmed_profile(client: CompaniesHouseClient, decision: Decision, supplier_key: str) -> CompanyProfile | None:
    """The profile of the company to take on, once it confirms the match (a search index can lag the register)."""
    if decision.take is None:
        return None
    profile = client.get_company(decision.take.number)
    if profile is None or not profile.is_live:
        return None
    if decision.method == "previous_name":
        previous = {(register_key(name) or ("",))[0] for name in profile.previous_names}
        if supplier_key not in previous:
            return None
    return profile


def take_on_company(supplier: Supplier, profile: CompanyProfile, method: str, confidence: int, now: datetime) -> None:
    """Give the supplier the company's number and, unless the spend file or the lead gave one, its postcode."""
    supplier.company_number = profile.number
    supplier.match_method = method
    supplier.match_confidence = confidence
    if profile.postcode and supplier.place_source not in ("spend_file", "lead"):
        supplier.postcode = profile.postcode
        supplier.postcode_district = postcode_district(profile.postcode)
        supplier.place_source = "api"
        supplier.place_source_date = now.date()


def _add_candidates(session: Session, supplier: Supplier, hits) -> bool:
    """Put the hits to the lead's review; False when every one was already there (refused, say)."""
    held = set(session.scalars(select(SupplierRegisterCandidate.number).where(
        SupplierRegisterCandidate.supplier_id == supplier.id, SupplierRegisterCandidate.register == "companies")))
    added = False
    for hit, score in hits:
        if hit.number in held:
            continue
        held.add(hit.number)
        session.add(SupplierRegisterCandidate(
            network_id=supplier.network_id, supplier_id=supplier.id, register="companies", number=hit.number,
            name=hit.name[:300], postcode=hit.postcode, method="api", score=score, status="pending"))
        added = True
    return added


def _record(session: Session, supplier: Supplier, outcome: str, now: datetime, profile: CompanyProfile | None = None) -> None:
    row = session.scalar(select(CompaniesHouseLookup).where(CompaniesHouseLookup.supplier_id == supplier.id))
    if row is None:
        row = CompaniesHouseLookup(network_id=supplier.network_id, supplier_id=supplier.id)
        session.add(row)
    row.outcome, row.looked_up_at = outcome, now
    row.company_number = profile.number if profile else None
    row.status = profile.register_status if profile else None
    row.category = profile.category if profile else None
    row.accounts_category = profile.accounts_category if profile else None
    row.profile = profile.raw if profile else None


def api_facts(session: Session, company_numbers) -> dict[str, CompaniesHouseLookup]:
    """What the API said about these companies (status, category, accounts category), for classing."""
    numbers = list({n for n in company_numbers if n})
    if not numbers:
        return {}
    rows = session.scalars(select(CompaniesHouseLookup).where(CompaniesHouseLookup.company_number.in_(numbers))
                           .order_by(CompaniesHouseLookup.looked_up_at))
    return {row.company_number: row for row in rows}
