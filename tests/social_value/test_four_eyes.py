"""Can the person who recorded a delivery report verify it? (Not while the network asks for four eyes, its default.)"""
from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery
from portal.social_value.models import DeliveryReport
from tenants import tenant_context
from tenants.models import AuditEvent, Network


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def recorder(council, make_user):
    return make_user(council, "officer", email="recorder@council.org", name="Rita Recorder")


@pytest.fixture
def checker(council, make_user):
    return make_user(council, "officer", email="checker@council.org", name="Chas Checker")


@pytest.fixture
def report_id(council, make_contract, measure, recorder):
    contract_id = make_contract(council)
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        c = commitments.record_commitment(db.session, contract, measure("DEMO-02"), committed_on=date(2024, 4, 1), quantity=52)
        report = delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2024, 6, 30),
                                          quantity=10, reported_by=recorder)
        db.session.commit()
        return report.id


def status(council, report_id):
    db.session.expire_all()
    with tenant_context(council.id):
        r = db.session.get(DeliveryReport, report_id)
        return r.status, r.verified_by_id, r.verified_at is not None


def test_the_recorder_is_refused_and_someone_else_may_verify(council, report_id, recorder, checker):
    with tenant_context(council.id):
        report = delivery.get_report(db.session, report_id)
        with pytest.raises(delivery.SamePersonRefused, match="someone else must verify it"):
            delivery.verify_delivery(db.session, report, recorder)
        db.session.rollback()
    assert status(council, report_id) == ("reported", None, False)
    with tenant_context(council.id):
        delivery.verify_delivery(db.session, delivery.get_report(db.session, report_id), checker)
        db.session.commit()
    assert status(council, report_id) == ("verified", checker.id, True)


def test_with_four_eyes_off_the_recorder_may_verify(council, report_id, recorder, sv_network):
    db.session.get(Network, sv_network.id).four_eyes_verification = False
    db.session.commit()
    with tenant_context(council.id):
        delivery.verify_delivery(db.session, delivery.get_report(db.session, report_id), recorder)
        db.session.commit()
    assert status(council, report_id) == ("verified", recorder.id, True)


def test_the_page_refuses_the_recorder_and_shows_who_verified_and_when(council, report_id, recorder, checker, sign_in):
    own = sign_in(recorder)
    page = own.get(f"/social-value/delivery-reports/{report_id}").get_data(as_text=True)
    assert 'data-testid="four-eyes"' in page and "Verify report" not in page
    refused = own.post(f"/social-value/delivery-reports/{report_id}/verify")
    assert refused.status_code == 403 and "someone else must verify it" in refused.get_data(as_text=True)
    assert status(council, report_id) == ("reported", None, False)

    other = sign_in(checker)
    assert other.post(f"/social-value/delivery-reports/{report_id}/verify").status_code == 302
    assert status(council, report_id)[:2] == ("verified", checker.id)
    page = other.get(f"/social-value/delivery-reports/{report_id}").get_data(as_text=True)
    assert "Chas Checker, " in page and "by Rita Recorder" in page
    export = other.get("/social-value/delivery-reports.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert export[0].startswith("Contract reference,Measure code,Period start")
    fields = export[1].split(",")
    assert fields[6:8] == ["verified", "Rita Recorder"] and fields[9] == "Chas Checker" and fields[10].startswith(str(date.today().year))


def test_the_lead_turns_four_eyes_off_on_the_settings_page_and_it_is_logged(sv_network, council, make_user, sign_in):
    lead = make_user(council, "admin", email="lead@council.org", lead_of=sv_network)
    client = sign_in(lead)
    url = f"/network/{sv_network.id}/social-value/settings"
    page = client.get(url).get_data(as_text=True)
    assert 'value="on" checked' in page
    assert client.post(url, data={"four_eyes": "off"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Network, sv_network.id).four_eyes_verification is False
    with tenant_context(council.id):
        assert db.session.query(AuditEvent).filter_by(action="social_value.four_eyes_changed").count() == 1
    assert client.post(url, data={}).status_code == 400
