"""Signed, expiring links: password resets, invitations and email verification.

A reset link carries a fingerprint of the password hash it was issued
against, so it stops working the moment it is used (single use) and whenever
the password changes by another route. An invitation link is single use
because the invitation is marked accepted.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkProblem(Exception):
    """The link cannot be used; the message says why, for the person holding it."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"anchor-portal:{purpose}")


def password_fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def make_reset_token(user) -> str:
    return _serializer("password-reset").dumps({"u": user.id, "p": password_fingerprint(user.password_hash)})


def make_invitation_token(invitation) -> str:
    return _serializer("invitation").dumps({"i": invitation.id, "o": invitation.organisation_id})


def make_email_verification_token(user) -> str:
    """For a registered business's account; single use because it is refused once the address is verified."""
    return _serializer("email-verification").dumps({"u": user.id, "e": password_fingerprint(user.email)})


def make_digest_unsubscribe_token(business_id: int) -> str:
    """In each weekly match digest: turns that business's digest off, no sign-in needed."""
    return _serializer("digest-unsubscribe").dumps({"b": business_id})


def read_token(purpose: str, token: str, max_age_seconds: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise LinkProblem("This link has expired. Ask for a new one.") from None
    except BadSignature:
        raise LinkProblem("This link is not valid. Check you copied the whole link from the email.") from None
