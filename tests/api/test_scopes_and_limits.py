"""Does a token do only what its scopes allow, within its rate limit, and is every route in the OpenAPI document?"""
from __future__ import annotations

import io

from .conftest import bearer

SMALL_FILE = b"Date,Transaction Number,Supplier Name,Net Amount\n01/04/2024,T-1,Acme Ltd,100.00\n"


def test_a_read_token_cannot_push_spend_and_an_import_token_cannot_read(client, make_partner, make_token):
    council = make_partner("Council")
    reader, importer = make_token(council, ["read"]), make_token(council, ["import_spend"])
    pushed = client.post("/api/v1/spend/imports", headers=bearer(reader),
                         data={"file": (io.BytesIO(SMALL_FILE), "april.csv")}, content_type="multipart/form-data")
    assert pushed.status_code == 403 and pushed.is_json and "import_spend" in pushed.json["error"]
    lines = client.post("/api/v1/spend/imports/lines", headers=bearer(reader), data=b'{"a": 1}\n',
                        content_type="application/x-ndjson")
    assert lines.status_code == 403
    assert client.get("/api/v1/spend/lines", headers=bearer(importer)).status_code == 403
    assert client.get("/api/v1/spend/totals", headers=bearer(importer)).status_code == 403
    pushed = client.post("/api/v1/spend/imports", headers=bearer(importer),
                         data={"file": (io.BytesIO(SMALL_FILE), "april.csv")}, content_type="multipart/form-data")
    assert pushed.status_code == 202
    assert client.get(f"/api/v1/spend/imports/{pushed.json['id']}", headers=bearer(importer)).status_code == 403
    assert client.get(f"/api/v1/spend/imports/{pushed.json['id']}", headers=bearer(reader)).status_code == 200


def test_each_token_has_its_own_rate_limit(app, client, make_partner, make_token):
    council = make_partner("Council")
    first, second = make_token(council, ["read"]), make_token(council, ["read"])
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [client.get("/api/v1/spend/lines", headers=bearer(first)).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        limited = client.get("/api/v1/spend/lines", headers=bearer(first))
        assert limited.status_code == 429 and limited.is_json and limited.json["error"]
        assert client.get("/api/v1/spend/lines", headers=bearer(second)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"


def test_the_openapi_document_lists_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.") and document["info"]["version"] == "v1"
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api-docs.openapi_json":
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes and routes <= documented, routes - documented
    assert "partnerToken" in document["components"]["securitySchemes"]
    assert document["paths"]["/api/v1/spend/lines"]["get"]["security"] == [{"partnerToken": []}]


def test_a_page_error_is_still_a_page_and_an_api_error_is_json(client):
    assert client.get("/no-such-page").mimetype == "text/html"
    response = client.get("/api/v1/networks/no-such-network/summary")
    assert response.status_code == 404 and response.is_json
    for unknown in ("/api/v1/no-such-route", "/api/v2/spend/lines"):
        response = client.get(unknown)
        assert response.status_code == 404 and response.is_json and response.json["status"] == 404
    wrong_method = client.delete("/api/v1/spend/lines")
    assert wrong_method.status_code == 405 and wrong_method.is_json


def test_a_push_needs_no_csrf_token_only_the_bearer_token(app, client, make_partner, make_token):
    """The API is exempt from CSRF: no cookie opens it, so there is nothing for a forged form to ride on."""
    secret = make_token(make_partner("Council"), ["import_spend"])
    was = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        pushed = client.post("/api/v1/spend/imports", headers=bearer(secret),
                             data={"file": (io.BytesIO(SMALL_FILE), "april.csv")}, content_type="multipart/form-data")
        assert pushed.status_code == 202
    finally:
        app.config["WTF_CSRF_ENABLED"] = was
