"""The live Companies House lookup: the client against a stub server, the shared rate limit, and the task."""
from __future__ import annotations

import base64
import re
import uuid
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.registers.api_rate_limit import LocalRequestWindow, RedisRequestWindow
from portal.registers.companies_house_api import (
    CompaniesHouseClient,
    CompaniesHouseKeyRejected,
    CompaniesHouseUnavailable,
    CompanySearchHit,
    company_number,
)
from portal.registers.lookup import decide
from tests import settings

from .companies_house_stub import Answer, CompaniesHouseStub, profile, search_item, search_results

START = 1_800_000_000.0


class FakeClock:
    """Time that passes only when someone sleeps: a 5-minute window in no time at all."""

    def __init__(self, now: float = START):
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def stub():
    with CompaniesHouseStub() as server:
        yield server


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def client(stub, clock):
    window = LocalRequestWindow(clock=clock, sleep=clock.sleep)
    return CompaniesHouseClient("test-key", stub.url, window=window, clock=clock, sleep=clock.sleep)


# The client


def test_a_search_sends_the_key_as_the_basic_auth_user_and_reads_the_hits(stub, client):
    stub.on_search("acme widgets", Answer(200, search_results(
        search_item("01234567", "ACME WIDGETS LIMITED", postcode="s60 1ae"),
        search_item("SC012345", "ACME WIDGETS (SCOTLAND) LTD", status="dissolved", postcode=None))))
    hits = client.search_companies("acme widgets")
    assert [(h.number, h.name, h.status, h.postcode, h.is_live) for h in hits] == [
        ("01234567", "ACME WIDGETS LIMITED", "active", "S60 1AE", True),
        ("SC012345", "ACME WIDGETS (SCOTLAND) LTD", "dissolved", None, False),
    ]
    seen = stub.seen[0]
    assert seen.query == {"q": "acme widgets", "items_per_page": "20"}
    assert seen.authorization == "Basic " + base64.b64encode(b"test-key:").decode()


def test_a_profile_gives_number_name_status_category_postcode_accounts_sic_and_previous_names(stub, client):
    stub.on("/company/00123456", Answer(200, profile(
        "00123456", "GREEN FIELDS CIC", postcode="S61 2BB", accounts_type="micro-entity",
        company_type="private-limited-guarant-nsc", subtype="community-interest-company",
        previous_names=("GREEN FIELDS LIMITED",), sic_codes=("81300", "88990"))))
    company = client.get_company("123456")  # written without its leading zeros
    assert (company.number, company.name, company.status, company.postcode) == ("00123456", "GREEN FIELDS CIC", "active", "S61 2BB")
    assert company.accounts_category == "MICRO ENTITY"
    assert company.category == "Community Interest Company"
    assert company.register_status == "Active"
    assert company.sic_codes == ("81300", "88990")
    assert company.previous_names == ("GREEN FIELDS LIMITED",)
    assert stub.seen[0].path == "/company/00123456"


def test_accounts_and_categories_read_as_the_bulk_file_writes_them(stub, client):
    stub.on("/company/00000001", Answer(200, profile("00000001", "BIG PLC", accounts_type="group", company_type="plc")))
    stub.on("/company/00000002", Answer(200, profile("00000002", "NEW LTD", accounts_type="no-accounts-type-available")))
    big, new = client.get_company("00000001"), client.get_company("00000002")
    assert (big.accounts_category, big.category) == ("GROUP", "Public Limited Company")
    assert (new.accounts_category, new.category) == ("ACCOUNTS TYPE NOT AVAILABLE", "Private Limited Company")


def test_an_unknown_company_is_none(stub, client):
    assert client.get_company("09999999") is None
    assert [s.path for s in stub.seen] == ["/company/09999999"]


def test_a_number_that_is_not_a_company_number_is_never_sent(stub, client):
    for text in ("../search/companies", "12/34", "ABC12345", ""):
        assert client.get_company(text) is None
    assert stub.seen == []
    assert company_number("sc 12345") == "SC012345"


def test_too_many_requests_waits_for_the_reset_the_server_gives_then_retries(stub, client, clock):
    stub.on("/company/00000001",
            Answer(429, {}, {"X-Ratelimit-Limit": 600, "X-Ratelimit-Remain": 0, "X-Ratelimit-Reset": int(START) + 120,
                             "X-Ratelimit-Window": "5m"}),
            Answer(200, profile("00000001", "ACME LIMITED")))
    company = client.get_company("00000001")
    assert company.name == "ACME LIMITED"
    assert clock.slept == [120]
    assert len(stub.seen) == 2


def test_retry_after_wins_over_the_reset(stub, client, clock):
    stub.on("/company/00000001", Answer(429, {}, {"Retry-After": 7, "X-Ratelimit-Reset": int(START) + 200}),
            Answer(200, profile("00000001", "ACME LIMITED")))
    assert client.get_company("00000001") is not None
    assert clock.slept == [7]


def test_a_429_with_no_headers_waits_a_whole_window(stub, client, clock):
    stub.on("/company/00000001", Answer(429, {}), Answer(200, profile("00000001", "ACME LIMITED")))
    assert client.get_company("00000001") is not None
    assert clock.slept == [300]


def test_when_the_server_says_none_remain_the_next_request_waits_for_its_reset(stub, client, clock):
    stub.on("/company/00000001", Answer(200, profile("00000001", "ACME LIMITED"),
                                        {"X-Ratelimit-Remain": 0, "X-Ratelimit-Reset": int(START) + 45}))
    client.get_company("00000001")
    assert clock.slept == []
    client.get_company("00000001")
    assert clock.slept == [45]


def test_a_rejected_key_says_which_setting_to_check(stub, client):
    stub.on("/company/00000001", Answer(401, {"error": "Invalid Authorization", "type": "ch:service"}))
    with pytest.raises(CompaniesHouseKeyRejected, match="COMPANIES_HOUSE_API_KEY"):
        client.get_company("00000001")
    assert len(stub.seen) == 1  # never retried


def test_server_errors_are_retried_with_growing_waits(stub, client, clock):
    stub.on("/company/00000001", Answer(503, {}), Answer(502, {}), Answer(200, profile("00000001", "ACME LIMITED")))
    assert client.get_company("00000001").name == "ACME LIMITED"
    assert clock.slept == [2, 4]


def test_server_errors_that_do_not_stop_give_up_after_the_retries(stub, client, clock):
    stub.on("/company/00000001", Answer(500, {}))
    with pytest.raises(CompaniesHouseUnavailable):
        client.get_company("00000001")
    assert len(stub.seen) == 4
    assert clock.slept == [2, 4, 8]


def test_a_server_that_is_not_there_is_unavailable(clock):
    client = CompaniesHouseClient("k", "http://127.0.0.1:9", window=LocalRequestWindow(clock=clock, sleep=clock.sleep),
                                  clock=clock, sleep=clock.sleep)
    with pytest.raises(CompaniesHouseUnavailable):
        client.get_company("00000001")


# The rate limit


def test_600_requests_in_a_window_go_at_once_and_the_601st_waits_for_the_first_to_leave_it(clock):
    window = LocalRequestWindow(clock=clock, sleep=clock.sleep)
    for n in range(600):
        assert window.acquire() == 0
        clock.now += 0.1  # 600 requests over the first 60 seconds
    assert clock.slept == []
    waited = window.acquire()
    assert waited == pytest.approx(300 - 60)  # until the first request is 5 minutes old
    assert clock.now == pytest.approx(START + 300)
    # The window slides: the next place frees as the second request ages out, not after a fresh 5 minutes.
    assert window.acquire() == pytest.approx(0.1)


def test_the_client_takes_a_place_in_the_window_for_every_request(stub, clock):
    window = LocalRequestWindow(limit=3, window=10, clock=clock, sleep=clock.sleep)
    client = CompaniesHouseClient("k", stub.url, window=window, clock=clock, sleep=clock.sleep)
    for _ in range(4):
        client.search_companies("anything")
    assert clock.slept == [10]


@pytest.fixture
def redis_url():
    url = settings.BROKER_URL or ""
    if not url.startswith("redis://"):
        pytest.skip("needs Redis (the PostgreSQL pass of bin/test, with TEST_BROKER_URL, runs it)")
    return url


def test_on_redis_two_workers_share_one_count_of_600(redis_url, clock):
    import redis

    connection = redis.Redis.from_url(redis_url)
    name = f"test-companies-house:{uuid.uuid4().hex}"
    first = RedisRequestWindow(connection, name, clock=clock, sleep=clock.sleep)
    second = RedisRequestWindow(redis.Redis.from_url(redis_url), name, clock=clock, sleep=clock.sleep)
    try:
        for n in range(300):
            assert first.try_acquire() == 0
            assert second.try_acquire() == 0
            clock.now += 0.1
        assert second.try_acquire() == pytest.approx(300 - 30)
        assert first.acquire() == pytest.approx(300 - 30)
        assert clock.now == pytest.approx(START + 300)
        # What one worker hears from the server holds the other too.
        first.hold_until(clock.now + 60)
        assert second.try_acquire() == pytest.approx(60)
    finally:
        connection.delete(f"{name}:log", f"{name}:held-until")


# Deciding from the search results


def hit(number, name, status="active", snippet=None):
    return CompanySearchHit(number, name, status, "ltd", "S60 1AA", "1 High Street", snippet)


def test_one_live_company_of_exactly_the_name_is_taken_on():
    decision = decide("acme widgets", [hit("1", "ACME WIDGETS (NORTH) LIMITED"), hit("2", "Acme Widgets Ltd."),
                                       hit("3", "ACME WIDGETS LIMITED", "dissolved")])
    assert (decision.take.number, decision.method, decision.confidence) == ("2", "name", 100)


def test_two_live_companies_of_one_name_go_to_review():
    decision = decide("smith builders", [hit("1", "SMITH BUILDERS LIMITED"), hit("2", "SMITH BUILDERS PLC")])
    assert decision.take is None
    assert [(h.number, score) for h, score in decision.candidates] == [("1", 100.0), ("2", 100.0)]


def test_a_dissolved_company_of_the_name_is_never_taken_on_by_itself():
    decision = decide("old mill", [hit("1", "OLD MILL LIMITED", "dissolved")])
    assert decision.take is None and [h.number for h, _ in decision.candidates] == ["1"]


def test_a_previous_name_the_search_matched_is_taken_on():
    decision = decide("green fields", [hit("1", "MEADOW GROWERS LIMITED", snippet="GREEN FIELDS LIMITED")])
    assert (decision.take.number, decision.method) == ("1", "previous_name")


def test_a_near_name_far_ahead_of_the_rest_is_taken_on_as_fuzzy_and_close_ones_go_to_review():
    clear = decide("northern electrical contractors", [hit("1", "NORTHERN ELECTRICAL CONTRACTOR LTD"),
                                                       hit("2", "SOUTHERN PLUMBING LTD")])
    assert (clear.take.number, clear.method) == ("1", "fuzzy") and 95 <= clear.confidence < 100
    close = decide("acme widget", [hit("1", "ACME WIDGETS LIMITED"), hit("2", "ACME WIDGETRY LIMITED"),
                                   hit("3", "UNRELATED HOLDINGS LTD")])
    assert close.take is None
    assert {h.number for h, _ in close.candidates} == {"1", "2"}


# The task, end to end against the stub


@pytest.fixture
def lookup_app(app, stub):
    app.config.update(COMPANIES_HOUSE_API_KEY="test-key", COMPANIES_HOUSE_API_URL=stub.url,
                      COMPANIES_HOUSE_LIMITER_URL="memory://")
    yield app
    app.config.update(COMPANIES_HOUSE_API_KEY="", COMPANIES_HOUSE_API_URL="https://api.company-information.service.gov.uk")


@pytest.fixture
def suppliers(make_network):
    from portal.spend.normalise import normalise_supplier_name
    from portal.suppliers.models import Supplier, SupplierRegisterCandidate

    network = make_network()

    def supplier(name, **fields):
        row = Supplier(network_id=network.id, name=name, normalised_name=normalise_supplier_name(name), **fields)
        db.session.add(row)
        db.session.flush()
        return row

    rows = {
        "exact": supplier("Acme Widgets Ltd"),
        "ambiguous": supplier("Smith Builders"),
        "spend_postcode": supplier("Kelham Bakery Limited", postcode="S62 7AA", place_source="spend_file"),
        "nothing": supplier("Nobody Trades Here"),
        "numbered": supplier("Matched By Number Ltd", company_number="07654321"),
        "bulk_matched": supplier("Matched By Name Ltd", match_method="name", match_confidence=100),
        "by_hand": supplier("Placed By Hand Ltd", place_by_lead=True),
        "charity": supplier("Rotherham Food Bank", charity_number="1123456"),
        "person": supplier("Mr J Smith", kind="individual"),
        "in_review": supplier("Awaiting Review Ltd"),
    }
    db.session.add(SupplierRegisterCandidate(network_id=network.id, supplier_id=rows["in_review"].id, register="companies",
                                             number="01111111", name="AWAITING REVIEW LIMITED", method="fuzzy", score=88))
    db.session.commit()
    return network, rows


def script_the_register(stub):
    stub.on_search("Acme Widgets Ltd", Answer(200, search_results(
        search_item("01234567", "ACME WIDGETS LIMITED", postcode="S60 1AE"),
        search_item("07777777", "ACME WIDGETS (NORTH) LIMITED", postcode="LS1 1AA"))))
    stub.on("/company/01234567", Answer(200, profile("01234567", "ACME WIDGETS LIMITED", postcode="S60 1AE",
                                                     accounts_type="small", sic_codes=("25990",))))
    stub.on_search("Smith Builders", Answer(200, search_results(
        search_item("02000001", "SMITH BUILDERS LIMITED", postcode="S65 1AA"),
        search_item("02000002", "SMITH BUILDERS LTD.", postcode="M1 1AA"))))
    stub.on_search("Kelham Bakery Limited", Answer(200, search_results(
        search_item("03000003", "KELHAM BAKERY LTD", postcode="SW1A 1AA"))))
    stub.on("/company/03000003", Answer(200, profile("03000003", "KELHAM BAKERY LTD", postcode="SW1A 1AA")))


def test_the_task_takes_on_exact_matches_queues_the_ambiguous_and_leaves_the_matched_alone(lookup_app, stub, suppliers):
    from portal.registers.lookup_models import CompaniesHouseLookup
    from portal.registers.lookup_tasks import look_up_unmatched
    from portal.suppliers.models import Supplier, SupplierRegisterCandidate

    network, rows = suppliers
    script_the_register(stub)
    result = look_up_unmatched(network.id)
    assert result == {"status": "done", "looked_up": 4, "matched": 2, "to_review": 1, "no_match": 1, "requests": 6}
    assert sorted(stub.searched()) == ["Acme Widgets Ltd", "Kelham Bakery Limited", "Nobody Trades Here", "Smith Builders"]

    db.session.expire_all()
    exact = db.session.get(Supplier, rows["exact"].id)
    assert (exact.company_number, exact.postcode, exact.postcode_district, exact.place_source) == ("01234567", "S60 1AE", "S60", "api")
    assert (exact.match_method, exact.match_confidence) == ("name", 100)
    assert exact.place_source_date is not None
    found = db.session.scalar(db.select(CompaniesHouseLookup).where(CompaniesHouseLookup.supplier_id == exact.id))
    assert (found.outcome, found.company_number, found.accounts_category, found.category, found.status) == (
        "matched", "01234567", "SMALL", "Private Limited Company", "Active")
    assert found.profile["sic_codes"] == ["25990"]

    # The spend file's postcode stands; the number is still taken on.
    bakery = db.session.get(Supplier, rows["spend_postcode"].id)
    assert (bakery.company_number, bakery.postcode, bakery.place_source) == ("03000003", "S62 7AA", "spend_file")

    candidates = db.session.scalars(db.select(SupplierRegisterCandidate).where(
        SupplierRegisterCandidate.supplier_id == rows["ambiguous"].id).order_by(SupplierRegisterCandidate.number)).all()
    assert [(c.register, c.number, c.postcode, c.method, c.status, c.score) for c in candidates] == [
        ("companies", "02000001", "S65 1AA", "api", "pending", 100.0),
        ("companies", "02000002", "M1 1AA", "api", "pending", 100.0)]
    assert db.session.get(Supplier, rows["ambiguous"].id).company_number is None

    for untouched in ("numbered", "bulk_matched", "by_hand", "charity", "person", "in_review"):
        supplier = db.session.get(Supplier, rows[untouched].id)
        assert supplier.place_source != "api"
        assert db.session.scalar(db.select(CompaniesHouseLookup).where(CompaniesHouseLookup.supplier_id == supplier.id)) is None


def test_a_supplier_looked_up_lately_is_not_looked_up_again(lookup_app, stub, suppliers):
    from portal.registers.lookup import suppliers_to_look_up
    from portal.registers.lookup_models import CompaniesHouseLookup
    from portal.registers.lookup_tasks import look_up_unmatched

    network, rows = suppliers
    script_the_register(stub)
    look_up_unmatched(network.id)
    asked = len(stub.seen)
    assert look_up_unmatched(network.id) == {"status": "done", "looked_up": 0, "matched": 0, "to_review": 0,
                                             "no_match": 0, "requests": 0}
    assert len(stub.seen) == asked
    # After the set number of days the one that found nothing is asked about again.
    row = db.session.scalar(db.select(CompaniesHouseLookup).where(CompaniesHouseLookup.supplier_id == rows["nothing"].id))
    row.looked_up_at -= timedelta(days=31)
    db.session.commit()
    assert suppliers_to_look_up(db.session, network.id) == [rows["nothing"].id]


def test_a_rejected_key_stops_the_task_and_says_so(lookup_app, stub, suppliers):
    from portal.registers.lookup_tasks import look_up_unmatched

    network, _ = suppliers
    stub._answer = lambda path, query: Answer(401, {"error": "Invalid Authorization", "type": "ch:service"})
    result = look_up_unmatched(network.id)
    assert result["status"] == "key rejected" and "COMPANIES_HOUSE_API_KEY" in result["error"]
    assert len(stub.seen) == 1


def test_without_a_key_the_lookup_is_off(app, suppliers):
    from portal.registers.lookup_tasks import look_up_unmatched

    network, _ = suppliers
    assert look_up_unmatched(network.id) == {"status": "off"}
    result = app.test_cli_runner().invoke(args=["look-up-suppliers", "--network", network.slug])
    assert result.exit_code != 0
    assert "off: set COMPANIES_HOUSE_API_KEY" in result.output


def test_the_command_runs_the_lookup_and_prints_what_it_did(lookup_app, stub, suppliers):
    network, _ = suppliers
    script_the_register(stub)
    result = lookup_app.test_cli_runner().invoke(args=["look-up-suppliers", "--network", network.slug, "--wait"])
    assert result.exit_code == 0, result.output
    assert "Looking up 4 suppliers" in result.output
    assert "matched: 2, to review: 1, no match: 1" in result.output
    again = lookup_app.test_cli_runner().invoke(args=["look-up-suppliers", "--network", network.slug])
    assert again.exit_code == 0 and "Nothing to look up" in again.output


# The lead's page


def test_the_lead_sees_the_lookup_is_off_and_no_button(app, suppliers, make_user, sign_in):
    network, _ = suppliers
    page = sign_in(make_user(lead_of=network)).get(f"/network/{network.id}/suppliers/companies-house")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'data-testid="lookup-off"' in body and "COMPANIES_HOUSE_API_KEY" in body
    assert "Look up 4 suppliers" not in body


def test_the_lead_starts_the_lookup_and_sees_what_it_found(lookup_app, stub, suppliers, make_user, sign_in, monkeypatch):
    from portal.registers.lookup_tasks import look_up_unmatched

    network, _ = suppliers
    client = sign_in(make_user(lead_of=network))
    url = f"/network/{network.id}/suppliers/companies-house"
    body = client.get(url).get_data(as_text=True)
    assert "Look up 4 suppliers" in body and 'data-testid="lookup-off"' not in body
    queued = []
    monkeypatch.setattr(look_up_unmatched, "apply_async", lambda args=(), kwargs=None, **options: queued.append(args))
    response = client.post(url)
    assert response.status_code == 302 and queued == [(network.id,)]
    # What the worker would do, then the page again.
    script_the_register(stub)
    look_up_unmatched(*queued[0])
    body = client.get(url).get_data(as_text=True)
    summary = body[body.index('data-testid="lookup-summary"'):]
    for label, count in (("Waiting to be looked up", 0), ("Matched to a company", 2), ("Sent to your review", 1),
                         ("Nothing close found", 1)):
        assert re.search(rf"{label}\s*</dt>\s*<dd class=\"govuk-summary-list__value\">\s*{count}\s*</dd>", summary), label
    assert "Look up 0" not in body and "<button" not in summary


def test_the_nightly_job_queues_every_network_only_when_the_lookup_is_on(app, suppliers, make_network, monkeypatch):
    from portal.registers.lookup_tasks import look_up_all_networks, look_up_unmatched
    from workers.schedule import PERIODIC_JOBS

    assert PERIODIC_JOBS["look-up-unmatched-suppliers"]["task"] == look_up_all_networks.name
    network, _ = suppliers
    other = make_network()
    queued = []
    monkeypatch.setattr(look_up_unmatched, "delay", lambda *args: queued.append(args))
    assert look_up_all_networks() == 0 and queued == []
    app.config["COMPANIES_HOUSE_API_KEY"] = "test-key"
    try:
        assert look_up_all_networks() == 2
    finally:
        app.config["COMPANIES_HOUSE_API_KEY"] = ""
    assert queued == [(network.id,), (other.id,)]


def test_the_app_settings_give_the_client_its_key_and_address(lookup_app, stub):
    from portal.registers import companies_house_api as api

    stub.on("/company/00000001", Answer(200, profile("00000001", "ACME LIMITED")))
    stub.on_search("acme", Answer(200, search_results(search_item("00000001", "ACME LIMITED"))))
    with lookup_app.app_context():
        assert api.get_company("1").name == "ACME LIMITED"
        assert [h.number for h in api.search_companies("acme")] == ["00000001"]
        lookup_app.config["COMPANIES_HOUSE_API_KEY"] = ""
        with pytest.raises(api.CompaniesHouseLookupOff):
            api.get_company("1")
    assert {s.authorization for s in stub.seen} == {"Basic " + base64.b64encode(b"test-key:").decode()}
