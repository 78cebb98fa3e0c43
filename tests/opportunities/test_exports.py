"""Does the Atom feed parse, and is each published opportunity a correct OCDS 1.1 release?

No package ships the OCDS 1.1 schema and the tests fetch nothing, so the schema
below states the release package's and release's required fields and the
codelists we use, from the OCDS 1.1 reference, and jsonschema checks them.
"""
from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import feedparser
import pytest
from jsonschema import Draft4Validator
from lxml import etree

from portal.opportunities import ocds

ATOM = "{http://www.w3.org/2005/Atom}"
ORG_REF = {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
VALUE = {
    "type": "object", "required": ["amount", "currency"],
    "properties": {"amount": {"type": "number"}, "currency": {"enum": ["GBP"]}},
}
RELEASE = {
    "type": "object",
    "required": ["ocid", "id", "date", "tag", "initiationType"],
    "properties": {
        "ocid": {"type": "string", "pattern": "^ocds-portal-[a-z0-9-]+-[0-9]+$"},
        "id": {"type": "string", "minLength": 1},
        "date": {"type": "string", "format": "date-time"},
        "tag": {"type": "array", "minItems": 1, "items": {"enum": ["tender", "tenderUpdate", "tenderAmendment", "tenderCancellation"]}},
        "initiationType": {"enum": ["tender"]},
        "language": {"type": "string"},
        "buyer": ORG_REF,
        "parties": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "roles"],
            "properties": {
                "roles": {"type": "array", "items": {"enum": ["buyer", "procuringEntity"]}},
                "contactPoint": {"type": "object", "properties": {"name": {"type": "string"}, "email": {"type": "string"}}},
            },
        }},
        "tender": {
            "type": "object", "required": ["id"],
            "properties": {
                "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
                "status": {"enum": ["planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"]},
                "procuringEntity": ORG_REF,
                "items": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["id", "classification"],
                    "properties": {"id": {"type": "string"}, "classification": {
                        "type": "object", "required": ["scheme", "id"],
                        "properties": {"scheme": {"enum": ["CPV"]}, "id": {"type": "string", "pattern": "^[0-9]{8}$"}},
                    }},
                }},
                "value": VALUE,
                "tenderPeriod": {"type": "object", "required": ["endDate"], "properties": {"endDate": {"type": "string", "format": "date-time"}}},
                "submissionMethod": {"type": "array", "items": {"enum": ["electronicSubmission", "electronicAuction", "written", "inPerson"]}},
                "lots": {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}},
            },
        },
    },
}
RELEASE_PACKAGE = {
    "type": "object",
    "required": ["uri", "publisher", "publishedDate", "releases", "version"],
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "version": {"enum": ["1.1"]},
        "publishedDate": {"type": "string", "format": "date-time"},
        "publisher": {"type": "object", "required": ["name"]},
        "extensions": {"type": "array", "items": {"type": "string"}},
        "releases": {"type": "array", "minItems": 1, "items": RELEASE},
    },
}


def _valid(package: dict) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft4Validator(RELEASE_PACKAGE, format_checker=Draft4Validator.FORMAT_CHECKER).iter_errors(package)]
    assert not errors, errors


@pytest.fixture
def published(council, make_opportunity):
    return make_opportunity(
        council, title="Playground resurfacing", cpv_codes=["45233000", "45112700"], estimated_value_pence=12_345_678,
        lots=[{"title": "North"}, {"title": "South", "description": "Four schools"}],
        closing_date=date(2099, 6, 30), contact_name="Pat Buyer", contact_email="pat@council.example",
    )


def test_the_network_package_is_an_ocds_release_package(client, network, council, published, make_opportunity):
    make_opportunity(council, status="draft", title="Draft fleet lease")
    response = client.get(f"/networks/{network.slug}/opportunities.ocds.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    package = json.loads(response.get_data(as_text=True), parse_float=Decimal)
    _valid(package)
    (release,) = package["releases"]  # the draft is not in it
    tender = release["tender"]
    assert release["ocid"] == f"ocds-portal-{network.slug}-{published}"
    assert release["tag"] == ["tender"] and tender["status"] == "active"
    assert tender["value"] == {"amount": Decimal("123456.78"), "currency": "GBP"}
    assert [i["classification"]["id"] for i in tender["items"]] == ["45112700", "45233000"]
    assert [lot["title"] for lot in tender["lots"]] == ["North", "South"]
    assert tender["tenderPeriod"]["endDate"] == "2099-06-30T23:59:59+01:00"  # London summer time
    assert release["parties"][0]["roles"] == ["buyer", "procuringEntity"]
    assert release["parties"][0]["contactPoint"] == {"name": "Pat Buyer", "email": "pat@council.example"}
    assert release["buyer"] == tender["procuringEntity"] == {"id": release["parties"][0]["id"], "name": council.name}


def test_one_opportunity_and_the_prefix_setting(app, client, network, published):
    app.config["OCDS_PREFIX"] = "ocds-abc123"
    try:
        package = client.get(f"/networks/{network.slug}/opportunities/{published}.ocds.json").get_json()
    finally:
        app.config["OCDS_PREFIX"] = "ocds-portal"
    assert package["releases"][0]["ocid"] == f"ocds-abc123-{network.slug}-{published}"
    assert package["uri"].endswith(f"/opportunities/{published}.ocds.json")


@pytest.mark.parametrize("pence, text", [(10, "0.10"), (999_999_999_999, "9999999999.99"), (100, "1.00"), (1, "0.01")])
def test_amounts_are_exact_json_numbers(pence, text):
    assert ocds.pounds(pence) == Decimal(text)
    assert ocds.dumps({"amount": ocds.pounds(pence)}).replace(" ", "").replace("\n", "") == f'{{"amount":{text}}}'


def test_the_atom_feed_parses(client, network, council, published, make_opportunity):
    make_opportunity(council, status="draft", title="Draft fleet lease")
    later = make_opportunity(council, title="Custody suite cleaning", closing_date=date.today() + timedelta(days=3))
    response = client.get(f"/networks/{network.slug}/opportunities.atom")
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == ["Custody suite cleaning", "Playground resurfacing"]
    assert parsed.entries[0].link.endswith(f"/networks/{network.slug}/opportunities/{later}")
    root = etree.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for entry in root.iter(f"{ATOM}entry"):  # RFC 4287: each entry has an id, a title and an updated time
        assert entry.find(f"{ATOM}id") is not None and entry.find(f"{ATOM}updated") is not None
    assert b"Draft fleet lease" not in response.data


def test_an_empty_feed_and_package_for_a_network_with_nothing_published(client, network):
    parsed = feedparser.parse(client.get(f"/networks/{network.slug}/opportunities.atom").data)
    assert not parsed.bozo and parsed.entries == []
    assert client.get(f"/networks/{network.slug}/opportunities.ocds.json").get_json()["releases"] == []
    assert client.get("/networks/nowhere/opportunities.atom").status_code == 404
