"""Registering an SME or VCSE and proving its email address: plain functions, the caller commits.

Registration never tells the person at the form whether an address already has
an account (that would let anyone test addresses): the page says the same
either way, and the address's owner gets an email saying what happened.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.services import find_user, normalise_email
from portal.accounts.tokens import (
    LinkProblem,
    make_email_verification_token,
    password_fingerprint,
    read_token,
)
from portal.mail.messages import link
from portal.mail.services import queue_email, queue_message
from portal.passwords import hash_password
from tenants import business_context
from tenants.businesses import Business
from tenants.models import Network, User, utcnow

from .models import SmeProfile
from .claims import propose_supplier
from .services import find_supplier_id, locality, on_profile_changed

# What a type of organisation already tells us about its ownership (the business can change it).
OWNERSHIP_BY_TYPE = {
    "charity": {"charity": True},
    "cio": {"charity": True},
    "community_interest_company": {"social_enterprise": True},
    "cooperative": {"cooperative": True},
}


@dataclass(frozen=True)
class Registration:
    business_name: str
    organisation_type: str
    name: str
    email: str
    password: str
    postcode: str
    size_band: str


def register_business(session: Session, network: Network, details: Registration) -> Business | None:
    """Create the business, its account and its profile, and email a verification link.

    Returns None, having emailed the address's owner instead, when the address
    already has an account. The password is hashed either way, so the time
    taken does not tell the two apart.
    """
    password_hash = hash_password(details.password)
    email = normalise_email(details.email)
    if find_user(session, email) is not None:
        _tell_owner_of_existing_account(session, email, network)
        return None
    try:
        with session.begin_nested():
            business = Business(network_id=network.id, name=details.business_name.strip())
            session.add(business)
            session.flush()
            user = User(email=email, name=details.name.strip(), password_hash=password_hash, business_id=business.id)
            session.add(user)
            session.flush()
    except IntegrityError:
        # Another registration took the address between our check and our insert.
        _tell_owner_of_existing_account(session, email, network)
        return None
    postcode, district, is_local = locality(details.postcode, network, session)
    with business_context(business.id):
        profile = SmeProfile(
            organisation_type=details.organisation_type, postcode=postcode, postcode_district=district,
            is_local=is_local, size_band=details.size_band, contact_name=user.name, contact_email=email,
            **OWNERSHIP_BY_TYPE.get(details.organisation_type, {}),
        )
        session.add(profile)
        session.flush()
        # A firm partners already pay may be in the register under the same name and postcode:
        # a claim for the lead to confirm, never a link on the business's word.
        propose_supplier(profile, find_supplier_id(session, business, profile))
        session.flush()
    send_verification(session, user)
    return business


def send_verification(session: Session, user: User) -> None:
    """Email the account a link that proves the address is theirs (made as the worker sends it)."""
    queue_message(session, user.email, "Confirm your email address for the Anchor Network Portal",
                  "email-verification", user_id=user.id)


def verification_email(session: Session, recipient: str, user_id: int) -> str | None:
    """The verification email's text, with a link signed now; None once it no longer applies."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.business_id is None or user.email_verified_at is not None \
            or user.email != recipient:
        return None
    url = link("smes.verify", token=make_email_verification_token(user))
    days = current_app.config["EMAIL_VERIFICATION_MAX_AGE"].days
    return (
        f"Hello {user.name},\n\nTo finish registering, open this link within {days} days and press "
        f"\"Confirm my email address\":\n\n"
        f"{url}\n\nIf you did not register, ignore this email: nothing happens until the button on that page is pressed.\n"
    )


def verifiable_user(session: Session, token: str) -> User:
    """The account a verification link is for, changing nothing; raises LinkProblem for a bad, old or used link."""
    max_age = int(current_app.config["EMAIL_VERIFICATION_MAX_AGE"].total_seconds())
    payload = read_token("email-verification", token, max_age)
    user = session.get(User, payload.get("u"))
    if user is None or not user.active or user.business_id is None or payload.get("e") != password_fingerprint(user.email):
        raise LinkProblem("This link is not valid. Check you copied the whole link from the email.")
    if user.email_verified_at is not None:
        raise LinkProblem("This link has already been used: your email address is confirmed. Sign in to continue.")
    return user


def verify_email(session: Session, token: str) -> User:
    """Mark the account's address as proven; raises LinkProblem for a bad, old or used link."""
    user = verifiable_user(session, token)
    user.email_verified_at = utcnow()
    # Only verified businesses are matched: score this one now.
    on_profile_changed(session, user.business_id)
    return user


def _tell_owner_of_existing_account(session: Session, email: str, network: Network) -> None:
    queue_email(
        session,
        email,
        "Someone tried to register with your email address",
        f"Hello,\n\nSomeone tried to register a business with {network.name} on the Anchor Network Portal "
        f"using this email address, which already has an account.\n\nIf it was you, sign in:\n\n"
        f"{link('accounts.login')}\n\nor, if you have forgotten your password, ask for a new one:\n\n"
        f"{link('accounts.forgotten_password')}\n\nIf it was not you, you can ignore this email.\n",
    )

