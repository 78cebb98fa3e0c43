"""The weekly digest: each opted-in, verified business gets its best matches of the week, once.

"Once" is held by the database: the ``DigestSent`` row for (business, week) is
written in the same transaction as the email is queued, and its unique
constraint refuses a second. Each business is its own savepoint, so one that
another run already sent is skipped without undoing the rest.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.tokens import make_digest_unsubscribe_token, read_token
from portal.mail.messages import link
from portal.mail.services import queue_message
from portal.opportunities.feeds import when
from portal.opportunities.models import Opportunity
from portal.smes.models import SmeProfile
from tenants import business_context
from tenants.businesses import Business
from tenants.models import Network, User

from .models import DigestSent, OpportunityMatch
from .services import is_open, opened_network

IN_DIGEST = 10
UNSUBSCRIBE_MAX_AGE = 90 * 24 * 3600


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


def send_weekly_digests(session: Session, today: date | None = None) -> int:
    """Queue this week's digest for every opted-in, verified business not yet sent one; how many went."""
    today = today or date.today()
    sent = 0
    for network_id in session.scalars(select(Network.id).order_by(Network.id)).all():
        sent += _send_for_network(session, network_id, today)
    return sent


def _send_for_network(session: Session, network_id: int, today: date) -> int:
    week = week_of(today)
    sent = 0
    with opened_network(session, network_id):
        recipients = session.execute(
            select(SmeProfile.business_id, Business.name, User.email)
            .join(Business, Business.id == SmeProfile.business_id)
            .join(User, User.business_id == SmeProfile.business_id)
            .where(SmeProfile.network_id == network_id, SmeProfile.wants_weekly_digest.is_(True),
                   User.email_verified_at.is_not(None), User.active.is_(True))
            .where(~select(DigestSent.id).where(DigestSent.business_id == SmeProfile.business_id,
                                               DigestSent.week_start == week).exists())
            .order_by(SmeProfile.business_id)
        ).all()
        for business_id, name, email in recipients:
            matches = session.execute(
                select(Opportunity.id, Opportunity.title, Opportunity.closing_date, OpportunityMatch.reasons,
                       OpportunityMatch.computed_at, Opportunity.stage, Opportunity.expected_tender_on)
                .join(Opportunity, Opportunity.id == OpportunityMatch.opportunity_id)
                .where(OpportunityMatch.business_id == business_id, is_open(today))
                .order_by(OpportunityMatch.score.desc(), Opportunity.id).limit(IN_DIGEST)
            ).all()
            if not matches:
                continue
            try:
                with session.begin_nested():
                    session.add(DigestSent(business_id=business_id, network_id=network_id, week_start=week,
                                           match_count=len(matches)))
                    session.flush()
                    queue_message(session, email, f"Your matching opportunities this week ({len(matches)})",
                                  "weekly-digest", name=name, business_id=business_id,
                                  matches=[_listed(m) for m in matches])
                sent += 1
            except IntegrityError:
                continue  # another run sent this week's digest first
    return sent


def _listed(match) -> dict:
    """What the digest shows of one match: kept on the outbox row only until the email is sent."""
    return {"id": match.id, "title": match.title, "closes": match.closing_date.isoformat(),
            "reasons": list(match.reasons), "when": when(match)}


def digest_email(session: Session, recipient: str, name: str, business_id: int, matches: list[dict]) -> str:
    """The digest's text, its unsubscribe link signed as the worker sends it."""
    lines = [f"Hello {name},", "", "These opportunities from the network's partners match what you told us you do:", ""]
    for m in matches:
        # "when" says a planned purchase is not open yet; digests queued before it existed say the closing date
        lines.append(f"- {m['title']} ({m.get('when') or 'closes ' + format(date.fromisoformat(m['closes']), '%-d %B %Y')})")
        lines.append(f"  Why: {'; '.join(m['reasons'])}")
        lines.append(f"  {link('matching.your_matches')}#opportunity-{m['id']}")
    lines += [
        "", "Sign in to say you are interested in any of them.", "",
        "To stop these weekly emails, use this link:",
        link("matching.unsubscribe", token=make_digest_unsubscribe_token(business_id)), "",
    ]
    return "\n".join(lines)


def business_for_unsubscribe(token: str) -> int:
    """The business a digest link was sent to; raises LinkProblem for a bad or expired link."""
    return int(read_token("digest-unsubscribe", token, UNSUBSCRIBE_MAX_AGE)["b"])


def stop_digest(session: Session, business_id: int) -> bool:
    """Turn the business's weekly digest off; True if it was on."""
    with business_context(business_id):
        profile = session.scalar(select(SmeProfile))
        was_on = bool(profile and profile.wants_weekly_digest)
        if was_on:
            profile.wants_weekly_digest = False
        session.flush()
    return was_on
