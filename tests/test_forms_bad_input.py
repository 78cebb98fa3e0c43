"""Whatever anyone posts to any form: no server error, and a rejection says what is wrong.

The routes come from the app's URL map (every rule accepting POST), so a new form
is fuzzed the day it is added. Each is posted to by someone entitled to use it
(the matrix world's partner B admin on B's own objects, the network's lead, a
registered SME), with field names read from the form page itself and values from
hypothesis: text of any script, control characters, huge strings, numbers out of
range, impossible dates, fields missing, files of random bytes.
"""
from __future__ import annotations

import io
import re

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import limiter
from tests.isolation.expectations import EXPECTATIONS
from tests.isolation.world import build_matrix_world

EXAMPLES_PER_FORM = 15
FIELD = re.compile(r'<(input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>', re.IGNORECASE)
TYPE = re.compile(r'\btype="([^"]+)"', re.IGNORECASE)
# Forms that end the session they are posted from; fuzzed last in their own client.
SIGN_OUT = {"accounts.logout"}


def post_endpoints(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())})


def _forms_at_collection() -> list[str]:
    """The POST routes, read off an app built only to list them (it opens no connection)."""
    import tempfile

    from portal import create_app

    listing = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "only-lists-routes",
                          "INSTANCE_DIR": tempfile.mkdtemp(prefix="portal-routes-")})
    return post_endpoints(listing)


FORMS = _forms_at_collection()


def test_every_form_of_the_app_is_fuzzed(app):
    """Every POST route of the URL map is fuzzed below, and the matrix knows who may use it."""
    endpoints = post_endpoints(app)
    assert {"accounts.login", "accounts.invite", "spend.new_line", "partner.sharing"} <= set(endpoints)
    assert endpoints == FORMS
    assert set(endpoints) <= set(EXPECTATIONS), sorted(set(endpoints) - set(EXPECTATIONS))


@pytest.fixture
def fuzz_world(make_network, make_partner, make_user, sign_in, make_business):
    # The matrix's targets are partner B's objects: B's admin posts to them as their owner.
    world = build_matrix_world(make_network, make_partner, make_user, sign_in, make_business)
    limiter.enabled = False  # the sign-in limits would answer 429 to the fuzzer, hiding the forms
    yield world
    limiter.enabled = True


def actor_for(endpoint: str, world):
    audience = getattr(EXPECTATIONS.get(endpoint), "audience", "partner")
    if audience == "lead":
        return world.base.lead
    if audience in ("business", "business_object"):
        return world.actors["sme"]
    if audience in ("public", "token", "asset"):
        return None
    return world.base.b_admin


def form_fields(page: str) -> dict[str, str]:
    """Each field name on the page and its input type (text for select and textarea)."""
    fields = {}
    for match in FIELD.finditer(page):
        tag, name = match.group(1).lower(), match.group(2)
        kind = (TYPE.search(match.group(0)).group(1).lower() if tag == "input" and TYPE.search(match.group(0)) else "text")
        if name != "csrf_token" and kind not in ("submit", "hidden", "button"):
            fields.setdefault(name, kind)
    return fields


NASTY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=10),
    st.sampled_from([
        "", " ", "0", "-1", "1e309", "-99999999999999999999999", "99999999999999999999.999",
        "NaN", "Infinity", "£-0.00", "1,2,3", "0x1F", "=cmd|' /C calc'!A0", "<script>alert(1)</script>",
        "' OR 1=1 --", "../../etc/passwd", "\x00", "\u202e\u0000\ufeff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "31", "13", "2026", "29 2 2023",
    ]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.just("x" * 100_000),
)
DATE_PARTS = st.lists(st.sampled_from(["", "0", "31", "2", "13", "-1", "2026", "99999", "x", "1"]), min_size=0, max_size=4)
FILES = st.tuples(
    st.binary(max_size=2_000),
    st.sampled_from(["spend.csv", "book.xlsx", "evidence.pdf", "photo.png", "../../evil.sh", "no-extension", ""]),
)


@st.composite
def form_data(draw, fields: dict[str, str]):
    data = {}
    names = list(fields) + ["unexpected_field"]
    for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))):
        kind = fields.get(name, "text")
        if kind == "file":
            content, filename = draw(FILES)
            data[name] = (io.BytesIO(content), filename)
        elif kind in ("text", "number") and draw(st.booleans()):
            # GOV.UK date inputs post three boxes under one name; any count may arrive.
            data[name] = draw(DATE_PARTS) if draw(st.booleans()) else draw(NASTY_TEXT)
        else:
            data[name] = draw(NASTY_TEXT)
    return data


def check_answer(endpoint: str, response) -> None:
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    where = f"{endpoint} -> {response.status_code}"
    assert response.status_code < 500, f"{where}: server error"
    if "govuk-error-message" in body:
        # A field marked wrong is always listed in the summary at the top, with words.
        assert "govuk-error-summary" in body, f"{where}: a field error with no error summary"
    if "govuk-error-summary" in body:
        summary = body[body.index("govuk-error-summary"):]
        item = re.search(r'govuk-error-summary__list[^>]*>\s*<li>\s*(?:<a [^>]*>\s*)?([^<\s][^<]*)', summary)
        assert item, f"{where}: an error summary with no message"
    if response.status_code in (400, 409, 413, 422) and response.mimetype == "text/html":
        assert "govuk-error-summary" in body or 'class="govuk-heading-l"' in body, f"{where}: a rejection that says nothing"


@pytest.mark.parametrize("endpoint", FORMS)
def test_any_input_to_any_form_gets_an_answer_not_a_server_error(endpoint, app, fuzz_world):
    rules = [rule for rule in app.url_map.iter_rules(endpoint) if "POST" in (rule.methods or ())]
    actor = actor_for(endpoint, fuzz_world)
    client = fuzz_world.base.sign_in(actor) if actor is not None else app.test_client()
    for rule in rules:
        with app.test_request_context():
            url = url_for(endpoint, **{a: fuzz_world.targets[a] for a in rule.arguments})
        fields = {}
        if "GET" in (rule.methods or ()):
            page = client.get(url)
            check_answer(endpoint, page)
            fields = form_fields(page.get_data(as_text=True)) if page.mimetype == "text/html" else {}

        @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                         HealthCheck.data_too_large])
        @given(data=form_data(fields))
        def post_anything(data):
            response = client.post(url, data=data, content_type="multipart/form-data")
            check_answer(endpoint, response)

        post_anything()
