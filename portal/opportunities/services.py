"""A partner's opportunities and social value asks: create, change, publish, close, withdraw.

Plain functions over a session, run inside the partner's tenant scope (the
tenant filter hides every other partner's rows, and new rows are stamped with
the partner's id). They flush; the request commits once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal import cpv
from portal.matching.tasks import rematch_opportunity
from workers.queueing import enqueue_after_commit

from .models import (
    ASK_KINDS,
    VALUE_BANDS,
    Opportunity,
    OpportunityCategory,
    OpportunityLot,
    SocialValueAsk,
)

ASK_STATUSES = ("open", "met", "closed")


class OpportunityProblem(ValueError):
    """A change the rules do not allow, said for the officer who asked for it (``field``: the form field it is about)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class LotDetails:
    title: str
    description: str = ""
    value_band: str | None = None


@dataclass
class OpportunityDetails:
    """Everything the form says about an opportunity, already checked field by field."""

    title: str
    description: str
    cpv_codes: list[str]
    value_band: str
    estimated_value_pence: int | None
    delivery_location: str
    delivery_districts: list[str]
    suitable_for_sme: bool
    suitable_for_vcse: bool
    closing_date: date
    contact_name: str
    contact_email: str
    lots: list[LotDetails] = field(default_factory=list)


def get_opportunity(session: Session, opportunity_id: int) -> Opportunity | None:
    """The current partner's opportunity, or None (another partner's is invisible)."""
    return session.scalar(
        select(Opportunity)
        .where(Opportunity.id == opportunity_id)
        .options(selectinload(Opportunity.categories), selectinload(Opportunity.lots), selectinload(Opportunity.asks))
    )


def partner_opportunities(session: Session):
    """The current partner's opportunities, newest first (a select to paginate)."""
    return select(Opportunity).order_by(Opportunity.created_at.desc(), Opportunity.id.desc())


# The stages an opportunity may start at: one already out to tender is added as it is.
STARTING_STAGES = ("planned", "market_engagement", "tender")


def create_opportunity(
    session: Session, details: OpportunityDetails, created_by_id: int | None = None, stage: str = "tender",
) -> Opportunity:
    """A new draft opportunity of the current partner, at ``stage`` (planned, market engagement or tender)."""
    if stage not in STARTING_STAGES:
        raise OpportunityProblem("A new opportunity is planned, in market engagement or out to tender", "stage")
    opportunity = Opportunity(status="draft", created_by_id=created_by_id, stage=stage)
    if stage == "market_engagement":
        opportunity.market_engagement_on = date.today()
    if stage == "tender":
        opportunity.tender_on = date.today()
    _apply(opportunity, details)
    session.add(opportunity)
    session.flush()
    return opportunity


def update_opportunity(session: Session, opportunity: Opportunity, details: OpportunityDetails) -> Opportunity:
    """Change a draft or published opportunity; a published one is matched again after the commit."""
    if opportunity.status in ("closed", "withdrawn"):
        raise OpportunityProblem(f"This opportunity is {opportunity.status}: it can no longer be changed")
    if opportunity.status == "published":
        _check_publishable(details.closing_date)
    _apply(opportunity, details)
    session.flush()
    if opportunity.status == "published":
        on_opportunity_changed(session, opportunity.id)
    return opportunity


def publish_opportunity(session: Session, opportunity: Opportunity, today: date | None = None) -> Opportunity:
    """Make a draft public; its closing date must still be ahead."""
    if opportunity.status != "draft":
        raise OpportunityProblem(f"Only a draft can be published; this opportunity is {opportunity.status}")
    _check_publishable(opportunity.closing_date, today)
    opportunity.status = "published"
    opportunity.published_at = datetime.now(UTC)
    session.flush()
    on_opportunity_changed(session, opportunity.id)
    return opportunity


def close_opportunity(session: Session, opportunity: Opportunity) -> Opportunity:
    """Stop taking interest in a published opportunity (it leaves the public list)."""
    if opportunity.status != "published":
        raise OpportunityProblem(f"Only a published opportunity can be closed; this one is {opportunity.status}")
    opportunity.status = "closed"
    session.flush()
    on_opportunity_changed(session, opportunity.id)
    return opportunity


def withdraw_opportunity(session: Session, opportunity: Opportunity) -> Opportunity:
    """The partner will not buy this after all: a draft or a published opportunity is withdrawn (and cancelled)."""
    if opportunity.status not in ("draft", "published"):
        raise OpportunityProblem(f"This opportunity is already {opportunity.status}")
    if opportunity.stage == "awarded":
        raise OpportunityProblem("This opportunity is awarded: it cannot be withdrawn")
    was_public = opportunity.status == "published"
    opportunity.status = "withdrawn"
    if opportunity.stage != "cancelled":
        opportunity.stage, opportunity.cancelled_on = "cancelled", date.today()
    session.flush()
    if was_public:
        on_opportunity_changed(session, opportunity.id)
    return opportunity


def on_opportunity_changed(session: Session, opportunity_id: int) -> None:
    """Score the opportunity against the network's businesses again, once this change commits.

    The matching worker drops the matches of an opportunity no longer open.
    """
    enqueue_after_commit(session, rematch_opportunity, opportunity_id)


def _check_publishable(closing_date: date, today: date | None = None) -> None:
    if closing_date <= (today or date.today()):
        raise OpportunityProblem("The closing date must be in the future to publish the opportunity", "closing_date")


def _apply(opportunity: Opportunity, details: OpportunityDetails) -> None:
    if details.value_band not in VALUE_BANDS:
        raise OpportunityProblem("Choose a value band", "value_band")
    codes = list(dict.fromkeys(cpv.parse_code(code) for code in details.cpv_codes))
    if not codes:
        raise OpportunityProblem("Give at least one CPV category", "cpv")
    for name in (
        "title", "description", "value_band", "estimated_value_pence", "delivery_location", "suitable_for_sme",
        "suitable_for_vcse", "closing_date", "contact_name", "contact_email",
    ):
        setattr(opportunity, name, getattr(details, name))
    opportunity.delivery_districts = sorted(set(details.delivery_districts))
    kept = {c.cpv_code: c for c in opportunity.categories}
    opportunity.categories = [kept.get(code) or OpportunityCategory(cpv_code=code) for code in sorted(codes)]
    _apply_lots(opportunity, details.lots)


def _apply_lots(opportunity: Opportunity, lots: list[LotDetails]) -> None:
    """Lots are numbered 1, 2, 3 ... in the order given; a lot keeps its row (and id) by number."""
    existing = {lot.number: lot for lot in opportunity.lots}
    wanted = []
    for number, given in enumerate(lots, start=1):
        if given.value_band is not None and given.value_band not in VALUE_BANDS:
            raise OpportunityProblem(f"Lot {number}: choose a value band")
        lot = existing.get(number) or OpportunityLot(number=number)
        lot.title, lot.description, lot.value_band = given.title, given.description, given.value_band
        wanted.append(lot)
    opportunity.lots = wanted


# --- social value asks ----------------------------------------------------------------------


@dataclass
class AskDetails:
    kind: str
    title: str
    description: str = ""
    beneficiary: str = ""
    postcode_district: str | None = None
    opportunity_id: int | None = None


def partner_asks(session: Session):
    """The current partner's asks, open ones first (a select to paginate)."""
    return select(SocialValueAsk).order_by(SocialValueAsk.status != "open", SocialValueAsk.created_at.desc())


def get_ask(session: Session, ask_id: int) -> SocialValueAsk | None:
    """The current partner's ask, or None."""
    return session.scalar(select(SocialValueAsk).where(SocialValueAsk.id == ask_id))


def create_ask(session: Session, details: AskDetails) -> SocialValueAsk:
    """A new open ask of the current partner, on one of its own opportunities or on its own."""
    if details.kind not in ASK_KINDS:
        raise OpportunityProblem("Choose what kind of help is asked for")
    if details.opportunity_id is not None:
        opportunity = get_opportunity(session, details.opportunity_id)
        if opportunity is None:
            raise OpportunityProblem("Choose one of your own opportunities, or none", "opportunity_id")
        if opportunity.status == "withdrawn":
            raise OpportunityProblem("That opportunity was withdrawn: choose another, or none", "opportunity_id")
    ask = SocialValueAsk(
        kind=details.kind, title=details.title, description=details.description, beneficiary=details.beneficiary,
        postcode_district=details.postcode_district, opportunity_id=details.opportunity_id, status="open",
    )
    session.add(ask)
    session.flush()
    return ask


def set_ask_status(session: Session, ask: SocialValueAsk, status: str) -> SocialValueAsk:
    """Mark an ask open, met or closed."""
    if status not in ASK_STATUSES:
        raise OpportunityProblem("Choose open, met or closed")
    ask.status = status
    session.flush()
    return ask
