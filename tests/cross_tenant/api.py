"""Cross-tenant probes for the open API and the API tokens pages.

Partner A's people and A's tokens aim at B's tokens and B's imports: 404 (or 401/403 where
the caller has no token or too little a role), and nothing of B's changes.
"""
import io

from sqlalchemy import select

from portal.api import tokens
from portal.api.models import ApiToken
from portal.extensions import db
from tenants import tenant_context

from .spend import _b_import, _b_needs_choice
from .world import World

B_TOKEN_NAME = "B's finance system token"


def b_token(w: World) -> tuple[int, str]:
    """A live token of B's: its id and the whole token."""
    with tenant_context(w.b_partner.id):
        made = tokens.create_token(db.session, w.b_partner, w.b_admin, B_TOKEN_NAME, ["read", "import_spend"])
        db.session.commit()
        return made.token.id, made.secret


def a_token(w: World, scopes=("read", "import_spend")) -> str:
    with tenant_context(w.a_partner.id):
        made = tokens.create_token(db.session, w.a_partner, w.a_admin, "A's token", list(scopes))
        db.session.commit()
        return made.secret


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _b_token_state(w: World, token_id: int):
    with tenant_context(w.b_partner.id):
        db.session.expire_all()
        token = db.session.get(ApiToken, token_id)
        return token.revoked_at, token.last_used_at


def probe_tokens_list(w: World):
    b_token(w)
    page = w.sign_in(w.a_admin).get("/people/api-tokens")
    assert page.status_code == 200 and B_TOKEN_NAME not in page.get_data(as_text=True)
    assert w.sign_in(w.a_officer).get("/people/api-tokens").status_code == 403


def probe_new_token(w: World):
    client = w.sign_in(w.a_admin)
    assert client.post("/people/api-tokens/new", data={"name": "Mine", "scopes": ["read"]}).status_code == 201
    with tenant_context(w.b_partner.id):
        assert db.session.scalar(select(ApiToken)) is None
    with tenant_context(w.a_partner.id):
        assert db.session.scalar(select(ApiToken.name)) == "Mine"


def probe_revoke_token(w: World):
    token_id, secret = b_token(w)
    before = _b_token_state(w, token_id)
    for actor, refused in ((w.a_admin, 404), (w.a_officer, 403), (w.other_lead, 404)):
        client = w.sign_in(actor)
        assert client.get(f"/people/api-tokens/{token_id}/revoke").status_code == refused
        assert client.post(f"/people/api-tokens/{token_id}/revoke", data={}).status_code == refused
    assert _b_token_state(w, token_id) == before
    assert w.sign_in(w.a_admin).get("/api/v1/spend/lines", headers=_bearer(secret)).status_code == 200  # B's still works
    assert _b_token_state(w, token_id)[0] is None


def probe_push_file(w: World):
    response = w.sign_in(w.a_admin).post(
        "/api/v1/spend/imports", headers=_bearer(a_token(w)), content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"Date,Transaction Number,Supplier Name,Net Amount\n01/04/2024,A-1,X,1.00\n"), "a.csv")})
    assert response.status_code == 202
    with tenant_context(w.b_partner.id):
        from portal.spend.models import SpendImport

        assert db.session.get(SpendImport, response.json["id"]) is None


def probe_push_lines(w: World):
    body = b'{"payment_date": "2024-04-01", "transaction_ref": "A-1", "supplier_name": "X", "amount": "1.00"}\n'
    response = w.sign_in(w.a_admin).post("/api/v1/spend/imports/lines", headers=_bearer(a_token(w)), data=body,
                                         content_type="application/x-ndjson")
    assert response.status_code == 202
    with tenant_context(w.b_partner.id):
        from portal.spend.models import SpendImport

        assert db.session.get(SpendImport, response.json["id"]) is None


def probe_show_import(w: World):
    import_id = _b_import(w)
    response = w.sign_in(w.a_admin).get(f"/api/v1/spend/imports/{import_id}", headers=_bearer(a_token(w)))
    assert response.status_code == 404 and b"Secret" not in response.data and b"b.csv" not in response.data


def probe_columns(w: World):
    import_id = _b_import(w, run=False)
    with tenant_context(w.b_partner.id):
        from portal.spend.models import SpendImport

        db.session.get(SpendImport, import_id).column_mapping = None
        db.session.commit()
    response = w.sign_in(w.a_admin).put(f"/api/v1/spend/imports/{import_id}/columns", headers=_bearer(a_token(w)),
                                        json={"mapping": {"payment_date": "Date", "supplier_name": "Supplier Name",
                                                          "amount": "Net Amount"}})
    assert response.status_code == 404
    with tenant_context(w.b_partner.id):
        assert db.session.get(SpendImport, import_id).status == "uploaded"


def probe_choice(w: World):
    import_id = _b_needs_choice(w)
    response = w.sign_in(w.a_admin).post(f"/api/v1/spend/imports/{import_id}/choice", headers=_bearer(a_token(w)),
                                         json={"choice": "replace"})
    assert response.status_code == 404
    with tenant_context(w.b_partner.id):
        from portal.spend.models import SpendImport

        assert db.session.get(SpendImport, import_id).status == "needs_choice"


def probe_lines(w: World):
    _b_import(w)
    response = w.sign_in(w.a_admin).get("/api/v1/spend/lines", headers=_bearer(a_token(w)))
    assert response.status_code == 200 and response.json["total"] == 0 and b"Secret" not in response.data


def probe_totals(w: World):
    from portal.spend import totals

    _b_import(w)
    totals.recompute_partner_totals(db.session, w.network, w.b_partner.id)
    db.session.commit()
    response = w.sign_in(w.a_admin).get("/api/v1/spend/totals", headers=_bearer(a_token(w)))
    assert response.status_code == 404  # A has no totals; B's are not A's


def probe_public_summary(w: World):
    _b_import(w)
    response = w.sign_in(w.a_admin).get(f"/api/v1/networks/{w.network.slug}/summary")
    assert response.status_code == 200 and b"Secret" not in response.data
    assert response.json["partner_count"] == 0  # only B spent: nothing of one partner's is shown


def probe_partner_grants(w: World):
    from .grants import B_RECIPIENT, b_grant

    b_grant(w.b_partner)
    response = w.sign_in(w.a_admin).get("/api/v1/grants.360giving.json", headers=_bearer(a_token(w)))
    assert response.status_code == 200 and response.json["grants"] == [] and B_RECIPIENT.encode() not in response.data


def probe_partner_opportunities(w: World):
    from .opportunities import B_DRAFT, B_PUBLISHED, b_objects

    b_objects(w)
    response = w.sign_in(w.a_admin).get("/api/v1/opportunities.ocds.json", headers=_bearer(a_token(w)))
    assert response.status_code == 200 and response.json["releases"] == []
    assert B_DRAFT.encode() not in response.data and B_PUBLISHED.encode() not in response.data


def probe_network_opportunities(w: World):
    # The network's public package shows B's published opportunity, never its draft; another network's shows neither.
    from .opportunities import B_DRAFT, B_PUBLISHED, b_objects

    b_objects(w)
    client = w.sign_in(w.a_admin)
    own = client.get(f"/api/v1/networks/{w.network.slug}/opportunities.ocds.json")
    assert own.status_code == 200 and B_PUBLISHED.encode() in own.data and B_DRAFT.encode() not in own.data
    other = client.get(f"/api/v1/networks/{w.other_network.slug}/opportunities.ocds.json")
    assert other.status_code == 200 and B_PUBLISHED.encode() not in other.data


PROBES = {
    "api_open_data.partner_grants": probe_partner_grants,
    "api_open_data.partner_opportunities": probe_partner_opportunities,
    "api_public.network_opportunities": probe_network_opportunities,
    "api_tokens.index": probe_tokens_list,
    "api_tokens.new": probe_new_token,
    "api_tokens.revoke": probe_revoke_token,
    "api_spend.push_file": probe_push_file,
    "api_spend.push_lines": probe_push_lines,
    "api_spend.show_import": probe_show_import,
    "api_spend.columns": probe_columns,
    "api_spend.choice": probe_choice,
    "api_figures.lines": probe_lines,
    "api_figures.totals": probe_totals,
    "api_public.network_summary": probe_public_summary,
}
NO_TENANT_DATA = {"api-docs.openapi_json": "the API's OpenAPI document: routes and shapes, no one's data"}
