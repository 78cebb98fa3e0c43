"""Open Contracting release packages ready to serve: the network's public one, and a partner's own.

What a page or an API route calls in one line; the OCID prefix is the ``OCDS_PREFIX`` setting
(docs/open-data.md says how to register one).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tenants.models import Network, Organisation

from . import histories, ocds


def network_package(session: Session, network: Network, *, prefix: str, uri: str, opportunity_id: int | None = None,
                    today: date | None = None) -> dict | None:
    """Every release of the network's opportunities ever made public (or of one: None when it was not).

    Bidders other than the winner are counted, not named.
    """
    if opportunity_id is None:
        found = histories.network_histories(session, network)
    else:
        one = histories.network_history(session, network, opportunity_id)
        if one is None:
            return None
        found = [one]
    return ocds.release_package(found, prefix=prefix, uri=uri, publisher=network.name, today=today)


def partner_package(session: Session, partner: Organisation, *, prefix: str, uri: str, published_only: bool = True,
                    today: date | None = None) -> dict:
    """The current partner's opportunities, every bidder named (in the partner's own tenant scope)."""
    found = histories.partner_histories(session, partner, published_only=published_only)
    return ocds.release_package(found, prefix=prefix, uri=uri, publisher=partner.name, with_bidders=True, today=today)
