"""The Atom feed (RFC 4287) of a network's published opportunities, written by feedgen."""
from __future__ import annotations

from feedgen.feed import FeedGenerator

from portal import cpv
from tenants.models import as_utc

from .labels import STAGE_LABELS, VALUE_BAND_LABELS
from .queries import PublicOpportunity


def atom_feed(network, opportunities: list[PublicOpportunity], *, feed_url: str, page_url: str, entry_url) -> bytes:
    """The feed as bytes; ``entry_url(opportunity)`` gives each opportunity's public page."""
    feed = FeedGenerator()
    feed.id(feed_url)
    feed.title(f"Opportunities from {network.name}")
    feed.subtitle(f"Work the partners of {network.name} are about to buy")
    feed.link(href=page_url, rel="alternate")
    feed.link(href=feed_url, rel="self")
    feed.author({"name": network.name})
    feed.language("en")
    updated = [as_utc(o.updated_at) for o in opportunities]
    feed.updated(max(updated) if updated else as_utc(network.created_at))
    # feedgen writes entries in reverse order of adding: add the oldest first, so the newest leads.
    for opportunity in reversed(opportunities):
        entry = feed.add_entry()
        url = entry_url(opportunity)
        entry.id(url)
        entry.title(opportunity.title)
        entry.link(href=url, rel="alternate")
        entry.author({"name": opportunity.partner_name})
        entry.updated(as_utc(opportunity.updated_at))
        if opportunity.published_at:
            entry.published(as_utc(opportunity.published_at))
        entry.summary(f"{opportunity.partner_name}: {VALUE_BAND_LABELS[opportunity.value_band]}; "
                      f"{when(opportunity)}. {opportunity.description[:500]}")
        for code in opportunity.cpv_codes:
            entry.category(term=code, scheme="https://simap.ted.europa.eu/cpv", label=cpv.label(code))
    return feed.atom_str(pretty=True)


def when(opportunity) -> str:
    """What a reader of the feed or the digest needs to know of its dates: a planned one is not open yet."""
    if opportunity.stage in ("planned", "market_engagement"):
        expected = f", expected to go to tender in {opportunity.expected_tender_on:%B %Y}" if opportunity.expected_tender_on else ""
        return f"{STAGE_LABELS[opportunity.stage]}, not out to tender yet{expected}"
    if opportunity.stage in ("awarded", "cancelled"):
        return STAGE_LABELS[opportunity.stage]
    return f"closes {opportunity.closing_date:%-d %B %Y}"
