"""Every route, every role, against other tenants' objects: the expected answer, no leak, no change.

Routes come from the app's URL map, so a new route is in the matrix the day it is
added, and fails here until ``tests/isolation/expectations.py`` says who may use it.
"""
from __future__ import annotations

import pytest
from flask import url_for

from tests.isolation.expectations import EXPECTATIONS, LOGIN, allowed, may_change_network
from tests.isolation.world import ROLES, build_matrix_world, fingerprint

PROBES_RUN: list[int] = []
# The lead acts last: on their own network's pages they may change its rows.
ORDERED_ROLES = tuple(r for r in ROLES if r != "lead") + ("lead",)


def _endpoints(app):
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()})


def test_every_route_has_an_expectation_for_every_role(app):
    missing = set(_endpoints(app)) - set(EXPECTATIONS)
    assert not missing, f"routes with no isolation expectation: {sorted(missing)}"
    stale = set(EXPECTATIONS) - set(_endpoints(app))
    assert not stale, f"expectations for routes that no longer exist: {sorted(stale)}"


@pytest.fixture
def matrix_world(make_network, make_partner, make_user, sign_in, make_business):
    return build_matrix_world(make_network, make_partner, make_user, sign_in, make_business)


def _requests(app, endpoint, world):
    """(method, url, data) for each method of each rule of the endpoint, aimed at others' objects."""
    expect = EXPECTATIONS[endpoint]
    out = []
    for rule in app.url_map.iter_rules(endpoint):
        values = {}
        for argument in rule.arguments:
            assert argument in world.targets, f"{endpoint}: the matrix world has no object for <{argument}>"
            values[argument] = world.targets[argument]
        with app.test_request_context():
            url = url_for(endpoint, **values)
        for method in sorted((rule.methods or set()) & {"GET", "POST", "PUT"}):
            data = None
            if method in ("POST", "PUT"):
                data = {k: str(v).format(**world.targets) for k, v in (expect.data or {}).items()}
            out.append((method, url, data))
    return out


@pytest.mark.parametrize("endpoint", sorted(EXPECTATIONS))
def test_route_holds_for_every_role(endpoint, app, matrix_world):
    expect = EXPECTATIONS[endpoint]
    requests = _requests(app, endpoint, matrix_world)
    failures = []
    # Partner and account pages may change the actor's own partner (its sharing choice
    # sits on the network's organisations table), so they are held to B's and the SME's rows only.
    include_network = expect.audience not in ("partner", "signed_in")
    before = fingerprint(matrix_world, include_network=include_network)
    for role in ORDERED_ROLES:
        client = matrix_world.client_for(role, app)
        for method, url, data in requests:
            body = {"json": expect.json} if expect.json is not None and method != "GET" else {"data": data}
            response = client.open(url, method=method, headers=matrix_world.headers_for(role, url), **body)
            PROBES_RUN.append(1)
            status = response.status_code
            where = f"{role} {method} {url} -> {status}"
            if status >= 500 and status not in expect.also:  # /readyz's 503 "not ready" is an answer, not an error
                failures.append(f"{where}: server error")
                continue
            statuses = allowed(expect.audience, role)
            if statuses is not None and status not in statuses | set(expect.also):
                failures.append(f"{where}: expected one of {sorted(statuses | set(expect.also))}")
            if status == 302 and role == "anonymous" and statuses == {302}:
                if LOGIN not in response.headers.get("Location", ""):
                    failures.append(f"{where}: redirected anonymous to {response.headers.get('Location')}, not sign-in")
            if expect.audience != "asset" and not (expect.audience == "lead" and role == "lead"):
                # Bytes, so downloads (CSV, XLSX, PDF) are searched too, as far as they are uncompressed.
                body = response.get_data()
                leaked = [secret for secret in matrix_world.secrets if secret.encode() in body]
                if leaked:
                    failures.append(f"{where}: shows {leaked}")
        if may_change_network(expect.audience, role):
            continue
        after = fingerprint(matrix_world, include_network=include_network)
        if after != before:
            failures.append(f"{role}: changed rows of partner B, the other SME or the shared network via {endpoint}")
            before = after
    assert not failures, "\n".join(failures)
