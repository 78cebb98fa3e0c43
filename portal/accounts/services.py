"""Account operations: plain functions on a session; the caller commits."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.mail.services import queue_message
from portal.passwords import hash_password, needs_rehash, verify_password
from tenants import tenant_context
from tenants.models import AuditEvent, Invitation, Membership, Organisation, User, utcnow

from .tokens import LinkProblem, password_fingerprint, read_token


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Same work either way."""
    user = find_user(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def end_all_sessions(user: User) -> None:
    """Every cookie issued to this user stops working on its next request."""
    user.session_version = (user.session_version or 1) + 1


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def disable_user(user: User) -> None:
    user.active = False
    end_all_sessions(user)


def create_user(session: Session, email: str, name: str, password: str | None) -> User:
    user = User(email=normalise_email(email), name=name.strip(), password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    return user


def record(session: Session, action: str, user: User | None, organisation_id: int | None = None, **detail) -> None:
    """Append to the partner's audit log (in the current tenant unless one is given)."""
    event = AuditEvent(action=action, user_id=user.id if user else None, detail=detail)
    if organisation_id is not None:
        event.organisation_id = organisation_id
    session.add(event)


def send_password_reset(session: Session, email: str) -> None:
    """Email a reset link if the account exists. Says nothing either way."""
    user = find_user(session, email)
    if user is None or not user.active:
        return
    # Only the account's id is queued: the worker makes the link as it sends (accounts/emails.py).
    queue_message(session, user.email, "Reset your Anchor Network Portal password", "password-reset", user_id=user.id)


def user_for_reset(session: Session, token: str) -> User:
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds())
    payload = read_token("password-reset", token, max_age)
    user = session.get(User, payload.get("u"))
    if user is None or not user.active or payload.get("p") != password_fingerprint(user.password_hash):
        raise LinkProblem("This link has already been used. Ask for a new one if you still need it.")
    return user


def invite(session: Session, organisation: Organisation, email: str, name: str, role: str, invited_by: User | None) -> Invitation:
    """Invite someone to a partner and email them a link (inside that partner's tenant context)."""
    with tenant_context(organisation.id):
        invitation = Invitation(email=normalise_email(email), name=name.strip(), role=role,
                                invited_by_id=invited_by.id if invited_by else None)
        session.add(invitation)
        session.flush()
        record(session, "invitation.sent", invited_by, email=invitation.email, role=role)
        session.flush()
    queue_message(
        session,
        invitation.email,
        f"You are invited to {organisation.name} on the Anchor Network Portal",
        "invitation",
        organisation_id=organisation.id,
        invitation_id=invitation.id,
    )
    return invitation


def invitation_payload(token: str) -> tuple[int, int]:
    """(organisation id, invitation id) from a signed invitation link."""
    max_age = int(current_app.config["INVITATION_MAX_AGE"].total_seconds())
    payload = read_token("invitation", token, max_age)
    return int(payload["o"]), int(payload["i"])


def pending_invitation(session: Session, invitation_id: int) -> Invitation:
    """The invitation, if still usable; call inside the tenant its link names."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.revoked_at:
        raise LinkProblem("This invitation has been withdrawn. Ask the person who invited you.")
    if invitation.accepted_at:
        raise LinkProblem("This invitation has already been accepted. Sign in instead.")
    return invitation


def accept_invitation(session: Session, invitation: Invitation, user: User) -> Membership:
    """Make the user a member with the invited role; the invitation is used up."""
    membership = session.scalar(select(Membership).filter_by(user_id=user.id, organisation_id=invitation.organisation_id))
    if membership is None:
        membership = Membership(user_id=user.id, organisation_id=invitation.organisation_id, role=invitation.role)
        session.add(membership)
    else:
        membership.role = invitation.role
    invitation.accepted_at = utcnow()
    record(session, "invitation.accepted", user, email=user.email, role=invitation.role)
    session.flush()
    return membership
