"""The account emails, written when the worker sends them (see portal/mail/messages.py).

Each makes its link's signed token at that moment, so no token is ever stored:
the outbox row holds only the ids below. Each also checks the email still
applies and still goes to the right address, so a row written by anyone but the
portal (say, through a leaked database login) cannot send a live link elsewhere.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from portal.mail.messages import link
from tenants import tenant_context
from tenants.models import Invitation, Organisation, User

from .tokens import make_invitation_token, make_reset_token


def password_reset(session: Session, recipient: str, user_id: int) -> str | None:
    user = session.get(User, user_id)
    if user is None or not user.active or user.email != recipient:
        return None
    url = link("accounts.reset_password", token=make_reset_token(user))
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
    return (
        f"Hello {user.name},\n\nUse this link to choose a new password. It works once and for "
        f"{minutes} minutes:\n\n{url}\n\nIf you did not ask for this, you can ignore this email.\n"
    )


def invitation(session: Session, recipient: str, organisation_id: int, invitation_id: int) -> str | None:
    with tenant_context(organisation_id):
        invited = session.get(Invitation, invitation_id)
        if invited is None or invited.status != "pending" or invited.email != recipient:
            return None
        organisation = session.get(Organisation, organisation_id)
        inviter = session.get(User, invited.invited_by_id) if invited.invited_by_id else None
        url = link("accounts.accept_invitation", token=make_invitation_token(invited))
    days = current_app.config["INVITATION_MAX_AGE"].days
    return (
        f"Hello {invited.name},\n\n{inviter.name if inviter else 'The network lead'} has invited you to "
        f"join {organisation.name} as {invited.role}.\n\nAccept within {days} days:\n\n{url}\n"
    )
