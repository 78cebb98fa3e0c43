"""Create the load test's accounts on the demo network and write them to a JSON file.

Run inside the app: ``flask --app wsgi shell`` is not needed; ``bench/load_test.py``
calls ``write_accounts(path, per_kind)`` in an app context. Every account shares
one password hash, so making 200 of them costs one argon2 hash.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select

from portal.extensions import db
from portal.passwords import hash_password
from tenants import business_context
from tenants.businesses import Business
from tenants.models import Membership, Network, NetworkLead, Organisation, User

PASSWORD = "load test passphrase for the portal 2026"


def write_accounts(path: str, per_kind: int) -> dict:
    from portal.smes.models import SmeProfile

    session = db.session
    network = session.scalars(select(Network).order_by(Network.id)).first()
    # Officers work spend pages, which a conduit partner (the Chamber: it supports, it reports no spend) does not have.
    partners = session.scalars(select(Organisation).where(Organisation.network_id == network.id, ~Organisation.conduit)
                               .order_by(Organisation.id)).all()
    password_hash = hash_password(PASSWORD)
    now = datetime.now(timezone.utc)
    accounts: dict = {"password": PASSWORD, "network_slug": network.slug, "officers": [], "leads": [], "smes": []}

    def user(email: str, **fields) -> User:
        existing = session.scalar(select(User).where(User.email == email))
        if existing:
            return existing
        made = User(email=email, name=email.split("@")[0], password_hash=password_hash, email_verified_at=now, **fields)
        session.add(made)
        session.flush()
        return made

    for n in range(per_kind):
        partner = partners[n % len(partners)]
        officer = user(f"officer{n}@load.example.org")
        if not session.scalar(select(Membership.id).where(Membership.user_id == officer.id)):
            session.add(Membership(user_id=officer.id, organisation_id=partner.id, role="officer"))
        accounts["officers"].append({"email": officer.email})
    for n in range(max(1, per_kind // 10)):
        lead = user(f"lead{n}@load.example.org")
        if not session.scalar(select(NetworkLead.id).where(NetworkLead.user_id == lead.id)):
            session.add(NetworkLead(user_id=lead.id, network_id=network.id))
            session.add(Membership(user_id=lead.id, organisation_id=partners[0].id, role="viewer"))
        accounts["leads"].append({"email": lead.email, "network_id": network.id})
    businesses = session.scalars(select(Business).where(Business.network_id == network.id).order_by(Business.id)).all()
    for n in range(per_kind):
        if n < len(businesses):
            business = businesses[n]
        else:
            business = Business(network_id=network.id, name=f"Load Test Firm {n}")
            session.add(business)
            session.flush()
            with business_context(business.id):
                session.add(SmeProfile(postcode="S60 1AA", postcode_district="S60", is_local=True, size_band="small",
                                       what_we_do="Building repairs, roofing and plastering for local homes"))
                session.flush()
        account = user(f"sme{n}@load.example.org", business_id=business.id)
        accounts["smes"].append({"email": account.email})
    session.commit()
    with open(path, "w") as handle:
        json.dump(accounts, handle)
    return accounts
