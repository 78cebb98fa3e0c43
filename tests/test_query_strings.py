"""Whatever the address says, does any GET get a server error? Every route of the URL map, every role.

Path arguments are real ids from the matrix world (tests/isolation/world.py); the
query string is the attack: NUL bytes, integers beyond 64 bits, negative numbers,
repeated keys, text of any script, empty and very long values. The names each
route reads are learnt by asking it once with a recording ``request.args``, so a
new route or a new filter is fuzzed the day it is added.

The world is built once for the module's one test (building it is the slow part);
every request opens its own app context, as in production.
"""
from __future__ import annotations

import pytest
from flask import Request, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from tests.isolation.world import build_matrix_world

ROLES = ("anonymous", "sme", "a_viewer", "a_officer", "a_admin", "lead")
# Values that broke a route once, or that break PostgreSQL or int(): tried on every name a route reads.
NASTY = (
    "\x00", "a\x00b", "99999999999999999999", "-99999999999999999999", "9223372036854775808", "-1", "0", "",
    " ", "²", "١٢", "1e309", "NaN", "[]", "{}", "x" * 5000, "'; SELECT 1; --", "\u202e\ufeff", "2024-02-30",
    "2024-04-01.99999999999999999999",  # a keyset cursor (date.id) whose id no integer column holds
)
# Every query argument of the app is named in one of these lists, or learnt from the route itself.
COMMON_NAMES = ("q", "page", "year", "next", "sort", "format")
FUZZ_EXAMPLES = 250

_READ: set[str] = set()


class _RecordingArgs(ImmutableMultiDict):
    """``request.args`` that notes each name a view asks for."""

    def get(self, key, default=None, type=None):
        _READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _READ.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        _READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _READ.add(key)
        return super().__contains__(key)


class _RecordingRequest(Request):
    parameter_storage_class = _RecordingArgs


def _get_routes(app, targets) -> list[tuple[str, str, tuple[str, ...]]]:
    """(endpoint, url with the world's ids, names of its integer path arguments) for every GET rule."""
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()):
            continue
        values = {name: targets[name] for name in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        numbers = tuple(name for name, converter in rule._converters.items() if type(converter).__name__ == "IntegerConverter")
        routes.append((rule.endpoint, url, numbers, rule, values))
    return routes


def _not_ready(url: str, response) -> bool:
    """/readyz answers 503 by design while no worker heartbeat is seen (none runs here): that is its answer, not an error."""
    return url.startswith("/readyz") and response.status_code == 503 and response.is_json and response.json.get("status") == "not ready"


def _query(pairs) -> str:
    from urllib.parse import urlencode

    return urlencode(list(pairs))


# Once: PostgreSQL is where NUL and 64-bit overflows break (tests/conftest.py runs it in that pass).
@pytest.mark.once
def test_no_query_string_gets_a_server_error_from_any_route_as_anyone(app, make_network, make_partner, make_user,
                                                                       sign_in, make_business):
    world = build_matrix_world(make_network, make_partner, make_user, sign_in, make_business)
    clients = {role: world.client_for(role, app) for role in ROLES}
    routes = _get_routes(app, world.targets)
    assert len(routes) > 80, "the URL map lost its GET routes?"
    failures: list[str] = []

    def get(role, url):
        response = clients[role].get(url)
        if response.status_code >= 500 and not _not_ready(url, response):
            failures.append(f"{role} GET {url[:300]} -> {response.status_code}")
        return response

    # Learn the names each route reads, as each role (a partner page reads nothing for an SME).
    reads: dict[str, set[str]] = {}
    # Roles a route reads its query for; the others are turned away before it looks (anonymous always tried).
    readers: dict[str, list[str]] = {}
    original = app.request_class
    app.request_class = _RecordingRequest
    try:
        for endpoint, url, *_ in routes:
            readers[endpoint] = ["anonymous"]
            for role in ROLES:
                _READ.clear()
                get(role, url)
                reads.setdefault(endpoint, set()).update(_READ)
                if _READ and role != "anonymous":
                    readers[endpoint].append(role)
    finally:
        app.request_class = original
    every_name = sorted(set().union(*reads.values()) | set(COMMON_NAMES))
    assert {"q", "supplier_id", "page", "year"} <= set(every_name), every_name

    # Every nasty value in every name a route reads, twice over (a repeated key), as every role it reads them for.
    for endpoint, url, numbers, rule, values in routes:
        names = sorted(reads[endpoint] | {"q", "page"})
        for value in NASTY:
            for role in readers[endpoint]:
                get(role, f"{url}?{_query([(n, value) for n in names] * 2)}")
        # Integers in the path beyond 64 bits, and zero.
        for name in numbers:
            for big in (2**63, 10**30, 0):
                with app.test_request_context():
                    huge = url_for(endpoint, **{**values, name: big})
                for role in ("anonymous", "a_admin", "lead"):
                    get(role, huge)

    # Then hypothesis: any names (known or not), any values, repeated or not, any route, any role.
    value = st.one_of(st.sampled_from(NASTY), st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
                      st.integers(min_value=-(2**80), max_value=2**80).map(str))
    name = st.one_of(st.sampled_from(every_name), st.text(st.characters(exclude_categories=("Cs",)), max_size=20))

    @settings(max_examples=FUZZ_EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None, database=None)
    @given(route=st.sampled_from(routes), role=st.sampled_from(ROLES),
           pairs=st.lists(st.tuples(name, value), max_size=8))
    def any_query(route, role, pairs):
        url = f"{route[1]}?{_query(pairs)}"
        response = clients[role].get(url)
        assert response.status_code < 500 or _not_ready(url, response), f"{role} GET {url[:300]} -> {response.status_code}"

    any_query()
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(sorted(set(failures))[:80])
