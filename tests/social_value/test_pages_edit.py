"""Can an officer change a commitment or a delivery report, and add evidence, without delivery ever counting twice?"""
from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery, evidence, supplier_link
from portal.social_value.models import Commitment, DeliveryReport, EvidenceFile
from tenants import tenant_context
from tenants.models import AuditEvent

from .test_pages_journey import PDF, add_commitment, add_contract, ids, report_delivery


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def officer(council, make_user):
    return make_user(council, "officer", email="officer@council.org")


@pytest.fixture
def client(officer, sign_in):
    return sign_in(officer)


@pytest.fixture
def checker(council, make_user, sign_in):
    """A second officer: the network asks for four eyes, so the one who recorded a report does not verify it."""
    return sign_in(make_user(council, "officer", email="checker@council.org"))


@pytest.fixture
def contract_id(council, client):
    add_contract(client)
    return ids(council)[0]


@pytest.fixture
def commitment_id(council, client, contract_id, measure):
    """52 apprenticeship weeks (DEMO-02), committed on 1 May 2024: £210 a week at demo-2024."""
    assert add_commitment(client, contract_id, measure("DEMO-02").id).status_code == 302
    return ids(council)[1]


@pytest.fixture
def report_id(council, client, commitment_id):
    """10 weeks from 1 April to 30 June 2024, two people in Boston Castle (group: Age); not yet checked."""
    assert report_delivery(client, commitment_id).status_code == 302
    return ids(council)[2]


def text(response) -> str:
    return response.get_data(as_text=True)


def refused(response, message):
    body = text(response)
    assert response.status_code == 400, body[:400]
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert message in body, body[body.find("govuk-error-summary"):][:1500]


def commitment_state(partner, commitment_id):
    db.session.expire_all()
    with tenant_context(partner.id):
        c = db.session.get(Commitment, commitment_id)
        return (c.quantity, c.committed_value_pence, c.proxy_edition, c.proxy_value_pence,
                [(p.year_start, p.quantity) for p in c.profile])


def report_state(partner, report_id):
    db.session.expire_all()
    with tenant_context(partner.id):
        r = db.session.get(DeliveryReport, report_id)
        return (r.period_start, r.period_end, r.quantity, r.narrative, r.status, r.revision, r.value_pence,
                sorted((b.ward, b.protected_group, b.count) for b in r.beneficiaries), len(r.evidence))


def audit_events(partner, action):
    with tenant_context(partner.id):
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def delivered_on_contract_page(client, contract_id) -> str:
    return exact_headline(text(client.get(f"/social-value/contracts/{contract_id}")), "delivered-total")


def delivered_in_annual_report(client) -> str:
    page = text(client.get("/social-value/report?year=2024"))
    return exact_headline(page, "headline-delivered-pence")


def exact_headline(page: str, testid: str) -> str:
    """A headline's exact figure: the last figure in it (an abbreviated headline shows the exact one after)."""
    inner = re.search(rf'data-testid="{testid}">(.*?)</p>', page, re.DOTALL).group(1)
    return re.sub(r"<[^>]+>", " ", inner).split()[-1]


def change_report(client, report_id, **changes):
    data = {"period_start": ["1", "4", "2024"], "period_end": ["30", "6", "2024"], "quantity": "10",
            "narrative": "Two apprentices on site", "ward_0": "Boston Castle", "group_0": "Age", "count_0": "2", **changes}
    return client.post(f"/social-value/delivery-reports/{report_id}/edit", data=data)


def add_files(client, report_id, files):
    data = {"evidence": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/social-value/delivery-reports/{report_id}/evidence", data=data, content_type="multipart/form-data")


# Changing a commitment

def test_a_new_quantity_is_valued_at_the_proxy_value_it_was_committed_at(council, client, contract_id, commitment_id):
    form = text(client.get(f"/social-value/commitments/{commitment_id}/edit"))
    assert 'value="52"' in form and "£210.00 per unit, edition demo-2024" in form
    response = client.post(f"/social-value/commitments/{commitment_id}/edit", data={"quantity": "60"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/social-value/contracts/{contract_id}")
    # 60 weeks at demo-2024's £210, even though the edition is not the latest one the network could use.
    assert commitment_state(council, commitment_id) == (60, 1_260_000, "demo-2024", 21_000, [])
    assert "£12,600" in text(client.get(f"/social-value/contracts/{contract_id}"))
    [event] = audit_events(council, "social_value.commitment_changed")
    assert event.detail["before"]["quantity"] == "52.000" and event.detail["after"]["quantity"] == "60"
    assert (event.detail["before"]["committed_value_pence"], event.detail["after"]["committed_value_pence"]) == (1_092_000, 1_260_000)


def test_a_re_based_commitment_keeps_both_valuations_when_changed(council, client, sv_network, commitment_id):
    with tenant_context(council.id):
        commitments.rebase(db.session, sv_network, "demo-2023")
        db.session.commit()
    assert client.post(f"/social-value/commitments/{commitment_id}/edit", data={"quantity": "10"}).status_code == 302
    with tenant_context(council.id):
        c = db.session.get(Commitment, commitment_id)
        # 10 weeks at £210 (demo-2024, as committed) and at £200 (demo-2023, as re-based)
        assert (c.proxy_edition, c.committed_value_pence, c.rebased_edition, c.rebased_value_pence) == ("demo-2024", 210_000, "demo-2023", 200_000)


def test_a_profile_can_be_given_changed_and_removed(council, client, commitment_id):
    url = f"/social-value/commitments/{commitment_id}/edit"
    assert client.post(url, data={"quantity": "", "year_0": "20", "year_1": "20", "year_2": "12"}).status_code == 302
    assert commitment_state(council, commitment_id)[4] == [(date(2024, 4, 1), 20), (date(2025, 4, 1), 20), (date(2026, 4, 1), 12)]
    form = text(client.get(url))
    assert 'name="year_2" type="text" value="12"' in form or re.search(r'name="year_2"[^>]*value="12"', form)
    assert client.post(url, data={"year_0": "30", "year_1": "20"}).status_code == 302
    assert commitment_state(council, commitment_id)[0] == 50
    assert commitment_state(council, commitment_id)[4] == [(date(2024, 4, 1), 30), (date(2025, 4, 1), 20)]
    # Every box cleared and a quantity given: no profile, spread evenly over the contract.
    assert client.post(url, data={"quantity": "40"}).status_code == 302
    assert commitment_state(council, commitment_id)[::4] == (40, [])


@pytest.mark.parametrize("data, message", [
    ({"quantity": "-5"}, "The quantity cannot be negative"),
    ({"quantity": "ten"}, "The quantity must be a number"),
    ({"quantity": "1.23456"}, "at most 3 decimal places"),
    ({"quantity": ""}, "Enter the quantity committed, or a quantity for each contract year"),
    ({"quantity": "", "year_0": "-1"}, "cannot be negative"),
    ({"quantity": "10", "year_0": "4"}, "is not the sum of the profile"),
])
def test_a_bad_change_to_a_commitment_is_refused_and_nothing_changes(council, client, commitment_id, data, message):
    before = commitment_state(council, commitment_id)
    refused(client.post(f"/social-value/commitments/{commitment_id}/edit", data=data), message)
    assert commitment_state(council, commitment_id) == before
    assert audit_events(council, "social_value.commitment_changed") == []


def test_a_profile_year_the_contract_no_longer_covers_is_refused(council, client, contract_id, commitment_id):
    url = f"/social-value/commitments/{commitment_id}/edit"
    assert client.post(url, data={"year_0": "20", "year_1": "20", "year_2": "12"}).status_code == 302
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        contract.end_date = date(2025, 3, 31)  # shortened by hand, after the profile was given
        db.session.commit()
    before = commitment_state(council, commitment_id)
    assert "Year 3, from 1 April 2026" in text(client.get(url))  # still shown, so it can be cleared
    refused(client.post(url, data={"year_0": "20", "year_1": "20", "year_2": "13"}), "is outside the contract&#39;s dates")
    assert commitment_state(council, commitment_id) == before


# Changing a delivery report

def test_a_verified_report_changed_stops_counting_until_verified_again_and_then_counts_once(council, client, checker, contract_id, report_id):
    """Verify, change, the delivered £ drops out until verified again; verified again, it counts once at its new figure."""
    assert checker.post(f"/social-value/delivery-reports/{report_id}/verify").status_code == 302
    assert delivered_on_contract_page(client, contract_id) == "£2,100" and delivered_in_annual_report(client) == "£2,100"
    form = text(client.get(f"/social-value/delivery-reports/{report_id}/edit"))
    assert 'data-testid="verified-warning"' in form and "stops counting until someone verifies it again" in form

    response = change_report(client, report_id, quantity="12", narrative="Three apprentices", count_0="3")
    assert response.status_code == 302, text(response)[:2000]
    assert report_state(council, report_id)[2:6] == (12, "Three apprentices", "reported", 2)
    assert delivered_on_contract_page(client, contract_id) == "£0" and delivered_in_annual_report(client) == "£0"
    assert "Waiting to be verified" in text(client.get(f"/social-value/contracts/{contract_id}"))

    for _ in range(2):  # verifying twice changes nothing
        assert checker.post(f"/social-value/delivery-reports/{report_id}/verify").status_code == 302
    assert delivered_on_contract_page(client, contract_id) == "£2,520"  # 12 weeks at £210, not 22
    assert delivered_in_annual_report(client) == "£2,520"
    [event] = audit_events(council, "social_value.delivery_changed")
    assert (event.detail["before"]["status"], event.detail["after"]["status"]) == ("verified", "reported")
    assert (event.detail["before"]["quantity"], event.detail["after"]["quantity"]) == ("10.000", "12")
    assert event.detail["after"]["beneficiaries"] == [["Boston Castle", "Age", 3]]


def test_the_period_and_who_benefited_are_changed_and_the_form_shows_what_is_recorded(council, client, report_id):
    form = text(client.get(f"/social-value/delivery-reports/{report_id}/edit"))
    assert "Boston Castle" in form and "Two apprentices on site" in form and 'value="10"' in form
    response = change_report(client, report_id, period_end=["31", "7", "2024"], ward_0="Rawmarsh", group_0="",
                             ward_1="Boston Castle", group_1="Disability", count_1="1")
    assert response.status_code == 302
    state = report_state(council, report_id)
    assert state[1] == date(2024, 7, 31)
    assert state[7] == [("Boston Castle", "Disability", 1), ("Rawmarsh", "", 2)]


def test_saving_a_verified_report_unchanged_leaves_it_verified(council, client, checker, report_id):
    checker.post(f"/social-value/delivery-reports/{report_id}/verify")
    before = report_state(council, report_id)
    response = change_report(client, report_id)
    assert response.status_code == 302
    assert report_state(council, report_id) == before and before[4] == "verified"
    assert "Nothing was changed" in text(client.get(response.headers["Location"]))


def test_a_rejected_report_saved_goes_back_to_be_checked(council, client, contract_id, report_id):
    client.post(f"/social-value/delivery-reports/{report_id}/reject", data={"reason": "No timesheets"})
    assert "It was rejected: No timesheets" in text(client.get(f"/social-value/delivery-reports/{report_id}/edit"))
    assert change_report(client, report_id).status_code == 302
    assert report_state(council, report_id)[4:6] == ("reported", 2)
    assert "Report rejected" not in text(client.get(f"/social-value/contracts/{contract_id}"))


@pytest.mark.parametrize("changes, message", [
    ({"period_start": ["31", "6", "2024"]}, "Enter the start of the period as a real date"),
    ({"period_end": ["1", "3", "2024"]}, "The end of the period must be on or after its start"),
    ({"quantity": "-1"}, "The quantity delivered cannot be negative"),
    ({"quantity": ""}, "Enter the quantity delivered in the period"),
    ({"quantity": "1.23456"}, "at most 3 decimal places"),
    ({"count_0": "two"}, "must be a whole number, not negative"),
    ({"count_0": ""}, "Enter how many people benefited in row 1"),
    ({"ward_1": "Boston Castle", "group_1": "Age", "count_1": "1"}, "appear twice"),
])
def test_a_bad_change_to_a_report_is_refused_and_nothing_changes(council, client, checker, report_id, changes, message):
    checker.post(f"/social-value/delivery-reports/{report_id}/verify")
    before = report_state(council, report_id)
    refused(change_report(client, report_id, **{"quantity": "11", **changes}), message)
    assert report_state(council, report_id) == before and before[4] == "verified"
    assert audit_events(council, "social_value.delivery_changed") == []


def test_a_report_with_more_counts_than_the_usual_rows_keeps_them_all(council, client, commitment_id):
    counts = [(f"Ward {i}", "", i + 1) for i in range(6)]
    with tenant_context(council.id):
        c = db.session.get(Commitment, commitment_id)
        report = delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30),
                                          quantity=3, beneficiaries=counts)
        db.session.commit()
        report_id = report.id
    form = text(client.get(f"/social-value/delivery-reports/{report_id}/edit"))
    assert 'name="ward_5"' in form and 'value="Ward 5"' in form
    data = {f"{name}_{i}": value for i, (ward, _, n) in enumerate(counts) for name, value in (("ward", ward), ("count", str(n)))}
    response = client.post(f"/social-value/delivery-reports/{report_id}/edit", data={
        "period_start": ["1", "4", "2024"], "period_end": ["30", "6", "2024"], "quantity": "4", **data})
    assert response.status_code == 302, text(response)[:2000]
    assert report_state(council, report_id)[2] == 4 and report_state(council, report_id)[7] == sorted(counts)


def test_a_change_that_overlaps_another_report_is_refused(council, client, commitment_id, report_id):
    assert report_delivery(client, commitment_id, period_start=["1", "7", "2024"], period_end=["30", "9", "2024"]).status_code == 302
    before = report_state(council, report_id)
    refused(change_report(client, report_id, period_end=["31", "7", "2024"]), "is already reported for this commitment")
    assert report_state(council, report_id) == before


# Adding evidence to a report

def test_evidence_added_to_a_verified_report_is_kept_and_the_report_still_counts(council, client, checker, contract_id, report_id):
    checker.post(f"/social-value/delivery-reports/{report_id}/verify")
    response = add_files(client, report_id, [("timesheets.pdf", PDF), ("register.csv", b"week,hours\n1,37\n")])
    assert response.status_code == 302, text(response)[:2000]
    page = text(client.get(f"/social-value/delivery-reports/{report_id}"))
    assert "timesheets.pdf" in page and "register.csv" in page
    assert report_state(council, report_id)[4:6] == ("verified", 1)
    assert delivered_on_contract_page(client, contract_id) == "£2,100"
    with tenant_context(council.id):
        kept = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert [(e.original_filename, e.content_type) for e in kept] == [("timesheets.pdf", "application/pdf"), ("register.csv", "text/csv")]
    assert client.get(f"/social-value/evidence/{kept[0].id}").data == PDF
    [event] = audit_events(council, "social_value.evidence_added")
    assert event.detail["files"] == 2


@pytest.mark.parametrize("files, message", [
    ([], "Choose at least one file to add"),
    ([("ok.pdf", PDF), ("virus.exe", b"MZ\x90\x00\x03\x00")], "The file must be a PDF, PNG, JPEG, Excel (.xlsx), Word (.docx) or CSV file"),
    ([("empty.pdf", b"")], "The file is empty"),
    ([(f"{i}.pdf", PDF) for i in range(6)], "Attach at most 5 files"),
    ([("ok.pdf", PDF), ("big.pdf", PDF + b"0" * 2000)], "The file is larger than"),
])
def test_bad_evidence_is_refused_and_nothing_is_kept(app, council, client, report_id, monkeypatch, files, message):
    monkeypatch.setattr(evidence, "MAX_BYTES", 1000)
    folder = Path(app.config["INSTANCE_DIR"]) / "evidence" / str(council.id)
    on_disk = set(folder.iterdir()) if folder.exists() else set()
    before = report_state(council, report_id)
    response = add_files(client, report_id, files)
    refused(response, message)
    assert report_state(council, report_id) == before
    assert (set(folder.iterdir()) if folder.exists() else set()) == on_disk
    assert audit_events(council, "social_value.evidence_added") == []


# Who may change what

def test_a_viewer_can_read_but_change_nothing(council, client, make_user, sign_in, contract_id, commitment_id, report_id):
    viewer = sign_in(make_user(council, "viewer"))
    commitment_before, report_before = commitment_state(council, commitment_id), report_state(council, report_id)
    report_page = text(viewer.get(f"/social-value/delivery-reports/{report_id}"))
    assert "Change the report" not in report_page and 'data-testid="add-evidence"' not in report_page
    assert f"/social-value/commitments/{commitment_id}/edit" not in text(viewer.get(f"/social-value/contracts/{contract_id}"))
    for response in (
        viewer.get(f"/social-value/commitments/{commitment_id}/edit"),
        viewer.post(f"/social-value/commitments/{commitment_id}/edit", data={"quantity": "1"}),
        viewer.get(f"/social-value/delivery-reports/{report_id}/edit"),
        change_report(viewer, report_id, quantity="1"),
        add_files(viewer, report_id, [("a.pdf", PDF)]),
    ):
        assert response.status_code == 403
    assert commitment_state(council, commitment_id) == commitment_before
    assert report_state(council, report_id) == report_before


def test_an_officer_sees_the_ways_to_change(client, contract_id, commitment_id, report_id):
    assert f"/social-value/commitments/{commitment_id}/edit" in text(client.get(f"/social-value/contracts/{contract_id}"))
    page = text(client.get(f"/social-value/delivery-reports/{report_id}"))
    assert f"/social-value/delivery-reports/{report_id}/edit" in page and 'data-testid="add-evidence"' in page


# The supplier's page is limited

@pytest.fixture
def small_supplier_limits(app):
    before = {key: app.config.get(key) for key in ("SUPPLIER_REPORT_LIMIT_PER_ADDRESS", "SUPPLIER_REPORT_LIMIT_PER_LINK")}
    app.config.update(SUPPLIER_REPORT_LIMIT_PER_ADDRESS="5 per minute", SUPPLIER_REPORT_LIMIT_PER_LINK="3 per minute")
    yield
    for key, value in before.items():
        if value is None:
            app.config.pop(key)
        else:
            app.config[key] = value


def supplier_token(partner, contract_id):
    with tenant_context(partner.id):
        return supplier_link.make_supplier_link_token(contracts.get_contract(db.session, contract_id))


def test_too_many_posts_with_one_link_are_refused_from_any_address(app, council, contract_id, commitment_id, small_supplier_limits):
    url = f"/supplier-report/{supplier_token(council, contract_id)}"
    bad = {"commitment_id": str(commitment_id), "quantity": "lots"}
    for i in range(3):
        assert app.test_client().post(url, data=bad, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code == 400
    response = app.test_client().post(url, data=bad, environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert response.status_code == 429
    assert "Too many attempts" in text(response) and "govuk-heading-l" in text(response)
    assert app.test_client().get(url).status_code == 200  # reading the page is not limited
    with tenant_context(council.id):
        assert db.session.scalars(select(DeliveryReport)).all() == []


def test_too_many_posts_from_one_address_are_refused_whatever_the_link(app, council, contract_id, small_supplier_limits):
    client = app.test_client()
    for i in range(5):  # five made-up links: each under its own limit, all from one address
        assert client.post(f"/supplier-report/made-up-{i}", data={}).status_code == 400
    response = client.post("/supplier-report/made-up-5", data={})
    assert response.status_code == 429 and "Too many attempts" in text(response)
    assert app.test_client().post("/supplier-report/made-up-6", data={}, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 400


def test_a_good_report_through_the_link_is_still_taken(app, council, contract_id, commitment_id, small_supplier_limits):
    url = f"/supplier-report/{supplier_token(council, contract_id)}"
    response = app.test_client().post(url, data={
        "commitment_id": str(commitment_id), "period_start": ["1", "4", "2024"], "period_end": ["30", "6", "2024"], "quantity": "4"})
    assert response.status_code == 302
    with tenant_context(council.id):
        assert [r.quantity for r in db.session.scalars(select(DeliveryReport))] == [Decimal(4)]
