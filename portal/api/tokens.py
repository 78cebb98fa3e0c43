"""Making, finding and revoking a partner's API tokens: plain functions on a session; the caller commits.

A token reads ``anp_<partner id>_<secret>``. The partner id is only where to look (as the
partner in an invitation link is): the token is accepted only when the sha256 of the whole
token is one of that partner's live tokens, looked up inside that partner's tenant scope, so
row-level security holds for the lookup too.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.services import record
from tenants.models import Organisation, utcnow

from .models import SCOPES, ApiToken

PREFIX = "anp_"
TOKEN_SHAPE = re.compile(r"^anp_([1-9][0-9]{0,9})_([A-Za-z0-9_-]{40,64})$")
# Writing last_used_at on every call would make each read a write: once a minute is enough to
# say "used today".
LAST_USED_EVERY = timedelta(minutes=1)


class TokenProblem(ValueError):
    """The token cannot be made or revoked; the message says why."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token: shown once, never kept


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, organisation: Organisation, user, name: str, scopes: list[str]) -> NewToken:
    """Make a token for the partner in scope; the caller shows ``secret`` once."""
    name = (name or "").strip()
    if not name:
        raise TokenProblem("Enter a name for the token, like the system that will use it")
    scopes = sorted(set(scopes))
    if not scopes or any(s not in SCOPES for s in scopes):
        raise TokenProblem("Choose what the token may do")
    secret = f"{PREFIX}{organisation.id}_{secrets.token_urlsafe(32)}"
    token = ApiToken(name=name[:120], token_hash=hash_token(secret), token_start=secret[:len(PREFIX) + 12],
                     scopes=scopes, created_by_id=user.id if user else None)
    session.add(token)
    session.flush()
    record(session, "api_token.created", user, token_id=token.id, name=token.name, scopes=scopes)
    return NewToken(token, secret)


def revoke_token(session: Session, token: ApiToken, user) -> None:
    """Stop a token working at once; it stays listed as revoked."""
    if token.revoked_at is not None:
        raise TokenProblem("This token is already revoked")
    token.revoked_at = utcnow()
    token.revoked_by_id = user.id if user else None
    record(session, "api_token.revoked", user, token_id=token.id, name=token.name)
    session.flush()


def partners_tokens(session: Session) -> list[ApiToken]:
    """The tokens of the partner in scope, live first, newest first."""
    return list(session.scalars(
        select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def organisation_of(secret: str | None) -> int | None:
    """The partner a well-formed token names (not yet checked), or None."""
    match = TOKEN_SHAPE.match(secret or "")
    return int(match.group(1)) if match else None


def find_live_token(session: Session, secret: str | None) -> ApiToken | None:
    """The live token this secret is; None for anything else.

    Called inside the scope of the partner the token names (``organisation_of``), so the
    lookup is that partner's own, under the tenant filter and row-level security. Marks the
    token used (at most once a minute); the caller commits.
    """
    if organisation_of(secret) is None:
        return None
    wanted = hash_token(secret)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == wanted))
    # The database found it by hash; compared again in constant time all the same.
    if token is None or not hmac.compare_digest(token.token_hash, wanted) or token.revoked_at is not None:
        return None
    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)  # SQLite gives back naive UTC
    if last is None or now - last >= LAST_USED_EVERY:
        token.last_used_at = now
        session.flush()
    return token
