"""The rules of OCDS 1.1 and the 360Giving standard that the tests check the exports against.

No package on PyPI ships either standard's JSON schema for use offline (libcoveocds, ocdskit,
ocdsextensionregistry and ocdsmerge download them when asked; lib360dataquality and libcove360
are not on PyPI), and the tests fetch nothing. So these schemas state, from the standards'
reference pages, the required fields, types, formats and codelists of every object the exports
write, and forbid any field not in the core schema or a declared extension (CoVE's "additional
fields" check), so a misspelt field fails here:

- OCDS 1.1 release package and release: https://standard.open-contracting.org/1.1/en/schema/reference/
  and the codelists https://standard.open-contracting.org/1.1/en/schema/codelists/;
  lots extension v1.1.5 (tender.lots); suitability extension (tender.suitability).
- 360Giving: https://standard.threesixtygiving.org/en/latest/technical/reference/
"""
from __future__ import annotations

from jsonschema import Draft4Validator

# jsonschema checks "date-time" only with rfc3339-validator installed (it is not): the pattern holds it.
DATE_TIME = {"type": "string", "format": "date-time",
             "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"}
STRING = {"type": "string"}


def closed(properties: dict, required=()) -> dict:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


VALUE = closed({"amount": {"type": "number", "minimum": 0}, "currency": {"enum": ["GBP"]}}, ["amount", "currency"])
PERIOD = closed({"startDate": DATE_TIME, "endDate": DATE_TIME})
ORGANIZATION_REFERENCE = closed({"id": STRING, "name": STRING}, ["id", "name"])
IDENTIFIER = closed({"scheme": {"enum": ["GB-COH", "GB-CHC", "GB-SC", "GB-NIC"]}, "id": STRING, "legalName": STRING},
                    ["scheme", "id"])
PARTY_ROLES = ["buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee",
               "reviewBody", "interestedParty"]
PARTY = closed({
    "id": STRING, "name": STRING, "identifier": IDENTIFIER,
    "roles": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": PARTY_ROLES}},
    "contactPoint": closed({"name": STRING, "email": {"type": "string", "format": "email"}}),
}, ["id", "name", "roles"])
ITEM = closed({
    "id": STRING, "description": {"type": ["string", "null"]},
    "classification": closed({"scheme": {"enum": ["CPV"]}, "id": {"type": "string", "pattern": "^[0-9]{8}$"},
                              "description": {"type": ["string", "null"]}}, ["scheme", "id"]),
}, ["id"])
LOT = closed({"id": STRING, "title": STRING, "description": STRING,
              "status": {"enum": ["planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"]}},
             ["id"])
TENDER = closed({
    "id": STRING, "title": STRING, "description": STRING,
    "status": {"enum": ["planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"]},
    "procuringEntity": ORGANIZATION_REFERENCE,
    "items": {"type": "array", "items": ITEM},
    "value": VALUE,
    "tenderPeriod": PERIOD,
    "awardPeriod": PERIOD,
    "submissionMethod": {"type": "array", "items": {"enum": ["electronicSubmission", "electronicAuction", "written", "inPerson"]}},
    "submissionMethodDetails": STRING,
    "numberOfTenderers": {"type": "integer", "minimum": 0},
    "tenderers": {"type": "array", "items": ORGANIZATION_REFERENCE},
    "lots": {"type": "array", "items": LOT},  # the lots extension
    # The suitability extension defines sme; vcse is the UK's additional field.
    "suitability": closed({"sme": {"type": ["boolean", "null"]}, "vcse": {"type": ["boolean", "null"]}}),
}, ["id"])
MILESTONE = closed({
    "id": STRING, "title": STRING, "type": {"enum": ["preProcurement", "approval", "engagement", "assessment", "delivery",
                                                      "reporting", "financing"]},
    "status": {"enum": ["scheduled", "met", "notMet", "partiallyMet"]}, "dueDate": DATE_TIME, "dateMet": DATE_TIME,
}, ["id"])
AWARD = closed({
    "id": STRING, "title": STRING, "status": {"enum": ["pending", "active", "cancelled", "unsuccessful"]},
    "date": DATE_TIME, "value": VALUE, "suppliers": {"type": "array", "items": ORGANIZATION_REFERENCE},
}, ["id"])
CONTRACT = closed({
    "id": STRING, "awardID": STRING, "title": STRING, "description": STRING,
    "status": {"enum": ["pending", "active", "cancelled", "terminated"]}, "period": PERIOD, "value": VALUE,
}, ["id", "awardID"])
RELEASE = closed({
    "ocid": {"type": "string", "pattern": "^ocds-[a-z0-9]{6}-|^ocds-portal-"},
    "id": {"type": "string", "minLength": 1},
    "date": DATE_TIME,
    "tag": {"type": "array", "minItems": 1, "items": {"enum": [
        "planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate", "tenderCancellation", "award",
        "awardUpdate", "awardCancellation", "contract", "contractUpdate", "contractAmendment", "implementation",
        "implementationUpdate", "contractTermination", "compiled"]}},
    "initiationType": {"enum": ["tender"]},
    "language": STRING,
    "parties": {"type": "array", "items": PARTY},
    "buyer": ORGANIZATION_REFERENCE,
    "planning": closed({"milestones": {"type": "array", "items": MILESTONE}}),
    "tender": TENDER,
    "awards": {"type": "array", "items": AWARD},
    "contracts": {"type": "array", "items": CONTRACT},
}, ["ocid", "id", "date", "tag", "initiationType"])
RELEASE_PACKAGE = closed({
    "uri": {"type": "string", "format": "uri"},
    "version": {"enum": ["1.1"]},
    "extensions": {"type": "array", "uniqueItems": True, "items": {"type": "string", "format": "uri"}},
    "publishedDate": DATE_TIME,
    "publisher": closed({"name": STRING}, ["name"]),
    "releases": {"type": "array", "items": RELEASE},
}, ["uri", "publisher", "publishedDate", "releases", "version"])

EXTENSION_FIELDS = {"lots": "ocds_lots_extension", "suitability": "ocds_suitability_extension"}

GIVING_ORGANIZATION = closed({
    "id": {"type": "string", "pattern": "^(GB-(COH|CHC|SC|NIC)|360G)-"}, "name": STRING,
    "charityNumber": STRING, "companyNumber": STRING, "postalCode": STRING,
    "location": {"type": "array", "items": closed({"name": STRING, "geoCode": STRING, "geoCodeType": STRING})},
}, ["id", "name"])
GRANT = closed({
    "id": {"type": "string", "pattern": "^360G-"}, "title": STRING, "description": STRING,
    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "amountAwarded": {"type": "number"},
    "awardDate": {"type": "string", "format": "date"},
    "recipientOrganization": {"type": "array", "minItems": 1, "items": GIVING_ORGANIZATION},
    "fundingOrganization": {"type": "array", "minItems": 1, "items": GIVING_ORGANIZATION},
    "grantProgramme": {"type": "array", "items": closed({"title": STRING, "code": STRING, "url": STRING})},
    "dateModified": DATE_TIME,
}, ["id", "title", "description", "currency", "amountAwarded", "awardDate", "recipientOrganization",
    "fundingOrganization"])
GRANTS_PACKAGE = closed({"grants": {"type": "array", "items": GRANT}}, ["grants"])


def errors(schema: dict, document: dict) -> list[str]:
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def assert_valid_ocds(package: dict) -> None:
    """Valid, and every extension field used is declared in ``extensions``."""
    found = errors(RELEASE_PACKAGE, package)
    assert not found, found
    for release in package["releases"]:
        for field, extension in EXTENSION_FIELDS.items():
            if field in release.get("tender", {}):
                assert any(extension in url for url in package["extensions"]), (field, package["extensions"])


def assert_valid_360giving(package: dict) -> None:
    found = errors(GRANTS_PACKAGE, package)
    assert not found, found
