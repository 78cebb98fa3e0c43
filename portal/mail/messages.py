"""The emails the portal sends, each rendered by its own feature when the worker sends it.

A renderer takes the session, the recipient and the row's arguments and returns
the body, or None when the email no longer applies (the account was disabled,
the invitation withdrawn, the address changed): then nothing is sent. Renderers
that put a link in the body make its signed token there and then, so the token
exists only in the message handed to SMTP.

The renderers are named here as import paths, not imported, so that this
package never imports the features that use it.
"""
from __future__ import annotations

from importlib import import_module

from sqlalchemy.orm import Session

from portal.public_url import absolute_url

RENDERERS = {
    "text": "portal.mail.messages:text",
    "password-reset": "portal.accounts.emails:password_reset",
    "invitation": "portal.accounts.emails:invitation",
    "email-verification": "portal.smes.registration:verification_email",
    "weekly-digest": "portal.matching.digest:digest_email",
    "supplier-return-due": "portal.social_value.chasing_emails:supplier_return_due",
    "contract-return-overdue": "portal.social_value.chasing_emails:contract_return_overdue",
}


# Renderers run in a worker, outside any request: links come from PUBLIC_URL (portal/public_url.py).
link = absolute_url


def text(session: Session, recipient: str, body: str) -> str:
    """A plain email whose whole text was given: never one with a link that grants anything."""
    return body


def render(session: Session, message: str, recipient: str, arguments: dict | None) -> str | None:
    module, name = RENDERERS[message].split(":")
    return getattr(import_module(module), name)(session, recipient, **(arguments or {}))
