"""Can a partner's system push spend with a token, through the page's own import, and read back what it made?"""
from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from portal.extensions import db
from portal.spend.models import SpendImport, SpendLine
from tenants import tenant_context

from .conftest import bearer, run_queued_import

APRIL = (b"Date,Transaction Number,Supplier Name,Net Amount\n"
         b"01/04/2024,T-1,Acme Ltd,100.00\n02/04/2024,T-2,Beta Ltd,\"1,250.50\"\n03/04/2024,T-3,Acme Ltd,-20.25\n")


def _push(client, secret, content=APRIL, name="april.csv"):
    return client.post("/api/v1/spend/imports", headers=bearer(secret), data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _status(client, secret, import_id):
    response = client.get(f"/api/v1/spend/imports/{import_id}", headers=bearer(secret))
    assert response.status_code == 200, response.json
    return response.json


def test_a_pushed_file_is_imported_and_its_totals_and_lines_read_back(client, make_partner, make_token):
    council = make_partner("Council")
    secret = make_token(council)
    pushed = _push(client, secret)
    assert pushed.status_code == 202 and pushed.json["status"] == "queued"
    assert pushed.headers["Location"].endswith(f"/api/v1/spend/imports/{pushed.json['id']}")
    run_queued_import(council.id, pushed.json["id"])
    shown = _status(client, secret, pushed.json["id"])
    assert (shown["status"], shown["imported"], shown["rejected"], shown["problems"]) == ("imported", 3, 0, [])
    totals = client.get("/api/v1/spend/totals", headers=bearer(secret)).json
    total = next(f for f in totals["figures"] if f["key"] == "total")
    assert (total["pence"], total["pounds"]) == (10_000 + 125_050 - 2_025, "1330.25")
    assert totals["year"] == "2024 to 2025" and totals["months"][0]["total_pence"] == 133_025
    lines = client.get("/api/v1/spend/lines", headers=bearer(secret)).json
    assert lines["total"] == 3 and lines["next_cursor"] is None
    assert [(l["transaction_ref"], l["amount_pence"], l["amount"]) for l in lines["lines"]] == [
        ("T-3", -2025, "-20.25"), ("T-2", 125_050, "1250.50"), ("T-1", 10_000, "100.00")]
    assert client.get("/api/v1/spend/totals?year=2019", headers=bearer(secret)).status_code == 404
    for odd in ("²⁰²⁴", "٢٠٢٤", "2024.0", "twenty"):
        refused = client.get("/api/v1/spend/totals", query_string={"year": odd}, headers=bearer(secret))
        assert refused.status_code == 422 and "digits" in str(refused.json["problems"]), odd


def test_pushing_the_same_file_again_changes_nothing(client, make_partner, make_token):
    council = make_partner("Council")
    secret = make_token(council)
    first = _push(client, secret).json["id"]
    run_queued_import(council.id, first)
    again = _push(client, secret).json["id"]
    run_queued_import(council.id, again)
    shown = _status(client, secret, again)
    assert (shown["status"], shown["imported"], shown["already_held"]) == ("imported", 0, 3)
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(SpendLine.id))) == 3


def test_a_corrected_month_waits_for_the_callers_choice(client, make_partner, make_token):
    council = make_partner("Council")
    secret = make_token(council)
    run_queued_import(council.id, _push(client, secret).json["id"])
    corrected = _push(client, secret, APRIL.replace(b"100.00", b"110.00")).json["id"]
    run_queued_import(council.id, corrected)
    shown = _status(client, secret, corrected)
    assert shown["status"] == "needs_choice" and "replace or add" in shown["next_step"]
    bad = client.post(f"/api/v1/spend/imports/{corrected}/choice", headers=bearer(secret), json={"choice": "both"})
    assert bad.status_code == 422 and bad.is_json and "choice" in bad.json["problems"]["json"]
    chosen = client.post(f"/api/v1/spend/imports/{corrected}/choice", headers=bearer(secret), json={"choice": "replace"})
    assert chosen.status_code == 202 and chosen.json["status"] == "queued"
    run_queued_import(council.id, corrected)
    totals = client.get("/api/v1/spend/totals", headers=bearer(secret)).json
    assert next(f for f in totals["figures"] if f["key"] == "total")["pence"] == 11_000 + 125_050 - 2_025
    again = client.post(f"/api/v1/spend/imports/{corrected}/choice", headers=bearer(secret), json={"choice": "add"})
    assert again.status_code == 409 and "not waiting" in again.json["error"]


def test_columns_it_cannot_find_are_asked_for_then_given(client, make_partner, make_token):
    council = make_partner("Council")
    secret = make_token(council)
    odd = b"Date,Ref,Supplier Name,How much\n01/04/2024,T-1,Acme Ltd,100.00\n"
    pushed = _push(client, secret, odd, "odd.csv").json
    assert pushed["status"] == "needs_mapping" and pushed["headers"] == ["Date", "Ref", "Supplier Name", "How much"]
    assert pushed["missing_fields"] == ["amount"] and pushed["proposed_mapping"]["payment_date"] == "Date"
    assert "PUT" in pushed["next_step"] and pushed["links"]["columns"] in pushed["next_step"]
    columns = f"/api/v1/spend/imports/{pushed['id']}/columns"
    wrong = client.put(columns, headers=bearer(secret), json={"mapping": {"payment_date": "When", "supplier_name": "Supplier Name"}})
    assert wrong.status_code == 400 and "no column 'When'" in wrong.json["error"] and "amount" in wrong.json["error"]
    twice = client.put(columns, headers=bearer(secret), json={"mapping": {
        "payment_date": "Date", "supplier_name": "Supplier Name", "amount": "How much", "transaction_ref": "Date"}})
    assert twice.status_code == 400 and "one field only" in twice.json["error"]
    unknown_field = client.put(columns, headers=bearer(secret), json={"mapping": {"colour": "Ref"}})
    assert unknown_field.status_code == 422
    assert _status(client, secret, pushed["id"])["status"] == "needs_mapping"
    given = client.put(columns, headers=bearer(secret), json={"mapping": {
        "payment_date": "Date", "transaction_ref": "Ref", "supplier_name": "Supplier Name", "amount": "How much"}})
    assert given.status_code == 202 and given.json["status"] == "queued"
    assert client.put(columns, headers=bearer(secret), json={"mapping": {}}).status_code == 409
    run_queued_import(council.id, pushed["id"])
    assert _status(client, secret, pushed["id"])["imported"] == 1
    # The layout is remembered, as the page remembers it: the next such file goes straight in.
    assert _push(client, secret, odd.replace(b"100.00", b"5.00"), "odd-may.csv").json["status"] == "queued"


def test_a_file_with_bad_lines_says_which_and_why(client, make_partner, make_token):
    council = make_partner("Council")
    secret = make_token(council)
    bad = APRIL + b"31/02/2024,T-4,Acme Ltd,5.00\n05/04/2024,T-5,Acme Ltd,lots\n"
    import_id = _push(client, secret, bad).json["id"]
    run_queued_import(council.id, import_id)
    shown = _status(client, secret, import_id)
    assert shown["status"] == "rejected" and shown["problems_total"] == 2 and shown["imported"] == 0
    assert [p["line"] for p in shown["problems"]] == [5, 6]
    assert all(p["reason"] for p in shown["problems"])


def test_a_file_that_cannot_be_read_is_refused_with_a_reason(client, make_partner, make_token):
    secret = make_token(make_partner("Council"))
    for content, name, words in ((b"", "empty.csv", "empty"), (APRIL, "april.pdf", "CSV or an Excel")):
        response = _push(client, secret, content, name)
        assert response.status_code == 400 and response.is_json and words in response.json["error"]
    missing = client.post("/api/v1/spend/imports", headers=bearer(secret), data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["problems"]["files"]


def _json_lines(*lines) -> bytes:
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def test_json_lines_go_through_the_same_import(client, make_partner, make_token):
    council = make_partner("Council")
    secret = make_token(council)
    body = _json_lines(
        {"payment_date": "2024-04-01", "transaction_ref": "J-1", "supplier_name": "Acme Ltd", "amount": "100.00"},
        {"payment_date": "2024-04-02", "transaction_ref": "J-2", "supplier_name": "Beta Ltd", "amount_pence": 125050,
         "supplier_postcode": "s60 1ae"},
    )
    pushed = client.post("/api/v1/spend/imports/lines", headers=bearer(secret), data=body,
                         content_type="application/x-ndjson")
    assert pushed.status_code == 202 and pushed.json["status"] == "queued"
    run_queued_import(council.id, pushed.json["id"])
    assert _status(client, secret, pushed.json["id"])["imported"] == 2
    lines = client.get("/api/v1/spend/lines", headers=bearer(secret)).json["lines"]
    assert sorted(l["amount_pence"] for l in lines) == [10_000, 125_050]
    # The same lines again: nothing new (identity by content, as for a file).
    again = client.post("/api/v1/spend/imports/lines", headers=bearer(secret), data=body,
                        content_type="application/x-ndjson").json["id"]
    run_queued_import(council.id, again)
    assert _status(client, secret, again)["already_held"] == 2


def test_json_lines_that_are_not_right_are_refused_whole_naming_the_lines(client, make_partner, make_token):
    council = make_partner("Council")
    secret = make_token(council)
    good = {"payment_date": "2024-04-01", "transaction_ref": "J-1", "supplier_name": "Acme Ltd", "amount": "1.00"}
    body = _json_lines(good, {**good, "amount": 1.1}, {**good, "colour": "red"}) + b"{not json\n"
    response = client.post("/api/v1/spend/imports/lines", headers=bearer(secret), data=body,
                           content_type="application/x-ndjson")
    assert response.status_code == 400 and response.is_json
    assert all(f"line {n}" in response.json["error"] for n in (2, 3, 4)) and "line 1" not in response.json["error"]
    wrong_type = client.post("/api/v1/spend/imports/lines", headers=bearer(secret), data=body, content_type="text/csv")
    assert wrong_type.status_code == 415
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(SpendImport.id))) == 0
