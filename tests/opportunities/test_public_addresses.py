"""Do the feed and the OCDS packages give the portal's own addresses, whatever Host a request claims?"""
from __future__ import annotations

import json

import feedparser

FORGED = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example"}


def _addresses(app, client, network, opportunity_id) -> list[str]:
    feed = client.get(f"/networks/{network.slug}/opportunities.atom", headers=FORGED)
    package = client.get(f"/networks/{network.slug}/opportunities.ocds.json", headers=FORGED)
    single = client.get(f"/networks/{network.slug}/opportunities/{opportunity_id}.ocds.json", headers=FORGED)
    assert (feed.status_code, package.status_code, single.status_code) == (200, 200, 200)
    parsed = feedparser.parse(feed.get_data())
    found = [parsed.feed.id, *(link.href for link in parsed.feed.links)]
    for entry in parsed.entries:
        found += [entry.id, *(link.href for link in entry.links)]
    found += [json.loads(package.get_data())["uri"], json.loads(single.get_data())["uri"]]
    return found


def test_a_forged_host_header_changes_no_address_in_the_feed_or_the_ocds_packages(app, client, network, council,
                                                                                  make_opportunity):
    opportunity_id = make_opportunity(council)
    before = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = "https://portal.anchors.example"
    try:
        addresses = _addresses(app, client, network, opportunity_id)
    finally:
        app.config["PUBLIC_URL"] = before
    assert addresses and all(a.startswith("https://portal.anchors.example/") for a in addresses), addresses
    assert not [a for a in addresses if "attacker" in a]


def test_production_answers_only_to_the_host_of_its_public_address(app, monkeypatch, tmp_path):
    from portal.config import load_settings

    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("PUBLIC_URL", "https://portal.anchors.example")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    production = load_settings({"INSTANCE_DIR": str(tmp_path)})
    assert production["TRUSTED_HOSTS"] == ["portal.anchors.example"]
    # The test app with production's setting (not a second app: it would take over the workers' Celery app).
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", production["TRUSTED_HOSTS"])
    client = app.test_client()
    refused = client.get("/assets/govuk-frontend.min.js", headers={"Host": "attacker.example"})
    assert refused.status_code == 400 and b"not served here" in refused.data
    assert client.get("/assets/govuk-frontend.min.js", headers={"Host": "portal.anchors.example"}).status_code == 200
    # Development answers to any host (127.0.0.1, localhost, a container's name).
    monkeypatch.setenv("PORTAL_ENV", "development")
    assert load_settings({"INSTANCE_DIR": str(tmp_path)})["TRUSTED_HOSTS"] is None
