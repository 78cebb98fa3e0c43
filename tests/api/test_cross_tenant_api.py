"""Can partner B's token see or touch partner A's imports, lines or totals? (It must get 404, and see B's own only.)"""
from __future__ import annotations

import io

from sqlalchemy import func, select

from portal.extensions import db
from portal.spend.models import SpendImport, SpendLine
from tenants import tenant_context

from .conftest import bearer, run_queued_import

A_FILE = b"Date,Transaction Number,Supplier Name,Net Amount\n01/04/2024,A-1,Secret Supplier of A,999.00\n"


def test_partner_bs_token_gets_404_for_as_imports_and_sees_none_of_as_lines(client, make_network, make_partner, make_token):
    network = make_network("Shared")
    a, b = make_partner("Partner A", network), make_partner("Partner B", network)
    a_token, b_token = make_token(a), make_token(b)
    a_import = client.post("/api/v1/spend/imports", headers=bearer(a_token),
                           data={"file": (io.BytesIO(A_FILE), "a.csv")}, content_type="multipart/form-data").json["id"]
    run_queued_import(a.id, a_import)
    # A's own import, corrected, waiting for A's choice; and one waiting for its columns.
    waiting = client.post("/api/v1/spend/imports", headers=bearer(a_token), content_type="multipart/form-data",
                          data={"file": (io.BytesIO(A_FILE.replace(b"999.00", b"998.00")), "a2.csv")}).json["id"]
    run_queued_import(a.id, waiting)
    unmapped = client.post("/api/v1/spend/imports", headers=bearer(a_token), content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"Date,Ref,Supplier Name,How much\n01/04/2024,R,X,1\n"), "a3.csv")}).json["id"]

    for import_id in (a_import, waiting, unmapped):
        response = client.get(f"/api/v1/spend/imports/{import_id}", headers=bearer(b_token))
        assert response.status_code == 404 and response.is_json and b"Secret" not in response.data
    assert client.post(f"/api/v1/spend/imports/{waiting}/choice", headers=bearer(b_token),
                       json={"choice": "replace"}).status_code == 404
    assert client.put(f"/api/v1/spend/imports/{unmapped}/columns", headers=bearer(b_token),
                      json={"mapping": {"payment_date": "Date", "supplier_name": "Supplier Name", "amount": "How much"}}
                      ).status_code == 404
    lines = client.get("/api/v1/spend/lines", headers=bearer(b_token))
    assert lines.json["total"] == 0 and b"Secret" not in lines.data
    assert client.get("/api/v1/spend/totals", headers=bearer(b_token)).status_code == 404
    # A token naming A's id with B's secret is not A's token.
    forged = b_token.replace(f"anp_{b.id}_", f"anp_{a.id}_")
    assert client.get("/api/v1/spend/lines", headers=bearer(forged)).status_code == 401

    with tenant_context(a.id):
        statuses = dict(db.session.execute(select(SpendImport.id, SpendImport.status)).all())
        assert statuses == {a_import: "imported", waiting: "needs_choice", unmapped: "uploaded"}
        assert db.session.scalar(select(func.count(SpendLine.id))) == 1
    # B's own pushes are B's.
    b_import = client.post("/api/v1/spend/imports", headers=bearer(b_token), content_type="multipart/form-data",
                           data={"file": (io.BytesIO(A_FILE.replace(b"A-1", b"B-1")), "b.csv")}).json["id"]
    with tenant_context(b.id):
        assert db.session.get(SpendImport, b_import) is not None
    assert client.get(f"/api/v1/spend/imports/{b_import}", headers=bearer(a_token)).status_code == 404


def test_a_signed_in_browser_is_not_an_api_caller(make_partner, make_user, sign_in):
    """A partner's session cookie alone opens nothing: the token says who is calling."""
    a = make_partner("Partner A")
    client = sign_in(make_user(a, "admin"))
    assert client.get("/api/v1/spend/lines").status_code == 401
    assert client.post("/api/v1/spend/imports", data={"file": (io.BytesIO(A_FILE), "a.csv")},
                       content_type="multipart/form-data").status_code == 401
