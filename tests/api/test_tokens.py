"""Can a partner's admin make, see once, and revoke an API token, with both in the audit log?"""
from __future__ import annotations

import re

from sqlalchemy import select

from portal.api.models import ApiToken
from portal.api.tokens import hash_token
from portal.extensions import db
from tenants import tenant_context
from tenants.models import AuditEvent

from .conftest import bearer

TOKEN = re.compile(r"anp_\d+_[A-Za-z0-9_-]{40,64}")


def _create(client, name="Finance system", scopes=("read", "import_spend")):
    return client.post("/people/api-tokens/new", data={"name": name, "scopes": list(scopes)})


def test_an_admin_creates_a_token_that_is_shown_once_and_kept_only_as_a_hash(make_partner, make_user, sign_in):
    council = make_partner("Council")
    admin = make_user(council, "admin")
    client = sign_in(admin)
    response = _create(client)
    assert response.status_code == 201
    secret = TOKEN.search(response.get_data(as_text=True)).group(0)
    assert secret.startswith(f"anp_{council.id}_")
    with tenant_context(council.id):
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == hash_token(secret) and secret not in (token.token_hash, token.token_start)
        assert token.scopes == ["import_spend", "read"] and token.created_by_id == admin.id
        assert token.last_used_at is None
    listing = client.get("/people/api-tokens").get_data(as_text=True)
    assert "Finance system" in listing and secret not in listing and token.token_start in listing
    # Used once: the list says when.
    assert client.get("/api/v1/spend/lines", headers=bearer(secret)).status_code == 200
    with tenant_context(council.id):
        db.session.expire_all()
        assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_revoking_asks_first_then_the_token_stops_at_once_and_both_are_audited(make_partner, make_user, sign_in, make_token):
    council = make_partner("Council")
    admin = make_user(council, "admin")
    client = sign_in(admin)
    secret = TOKEN.search(_create(client).get_data(as_text=True)).group(0)
    with tenant_context(council.id):
        token_id = db.session.scalar(select(ApiToken.id))
    assert client.get("/api/v1/spend/lines", headers=bearer(secret)).status_code == 200
    confirm = client.get(f"/people/api-tokens/{token_id}/revoke")
    assert confirm.status_code == 200 and "Revoke token" in confirm.get_data(as_text=True)
    assert client.get("/api/v1/spend/lines", headers=bearer(secret)).status_code == 200  # asking changes nothing
    assert client.post(f"/people/api-tokens/{token_id}/revoke", data={}).status_code == 302
    refused = client.get("/api/v1/spend/lines", headers=bearer(secret))
    assert refused.status_code == 401 and refused.is_json and "revoked" in refused.json["error"]
    assert "Revoked" in client.get("/people/api-tokens").get_data(as_text=True)
    with tenant_context(council.id):
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("api_token.%"))
                                    .order_by(AuditEvent.id)).all()
        assert [(e.action, e.user_id, e.detail["token_id"]) for e in events] == [
            ("api_token.created", admin.id, token_id), ("api_token.revoked", admin.id, token_id)]
        assert all(secret not in str(e.detail) for e in events)
    log = client.get("/audit-log").get_data(as_text=True)
    assert "API token created" in log and "API token revoked" in log and secret not in log


def test_only_an_admin_manages_tokens_and_a_name_and_a_scope_are_needed(make_partner, make_user, sign_in):
    council = make_partner("Council")
    officer = make_user(council, "officer")
    assert sign_in(officer).get("/people/api-tokens").status_code == 403
    assert _create(sign_in(officer)).status_code == 403
    client = sign_in(make_user(council, "admin"))
    no_name = _create(client, name=" ")
    assert no_name.status_code == 400 and "Enter a name for the token" in no_name.get_data(as_text=True)
    no_scope = _create(client, scopes=())
    assert no_scope.status_code == 400 and "Choose what the token may do" in no_scope.get_data(as_text=True)
    bad_scope = _create(client, scopes=("admin",))
    assert bad_scope.status_code == 400
    with tenant_context(council.id):
        assert db.session.scalar(select(ApiToken)) is None


def test_wrong_missing_and_malformed_tokens_get_401_json(client, make_partner, make_token):
    council = make_partner("Council")
    secret = make_token(council)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    for headers in ({}, {"Authorization": "Basic abc"}, bearer("nonsense"), bearer(forged),
                    bearer(secret.replace(f"anp_{council.id}_", f"anp_{council.id + 1}_"))):
        response = client.get("/api/v1/spend/lines", headers=headers)
        assert response.status_code == 401 and response.is_json, headers
        assert response.json["error"] and response.headers["WWW-Authenticate"].startswith("Bearer")
