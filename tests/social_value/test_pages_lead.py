"""Can the lead load, upload and narrow the measures, re-base, set targets and see every flag, all logged?"""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value import measures
from portal.social_value.models import Commitment, Measure, NetworkTarget, PartnerTarget
from tenants import tenant_context
from tenants.models import AuditEvent

from .test_pages_journey import add_commitment, add_contract, ids

GOOD_CSV = (
    "theme_code,theme,measure_code,description,unit,edition,proxy_value_gbp,valid_from,licence,attribution\n"
    "NT1,Jobs,NT1.1,Local people employed,FTE,2025,\"£30,000.00\",2025-04-01,CC BY-NC-ND 4.0,Licensed TOMs © Social Value Portal\n"
)
BAD_CSV = GOOD_CSV + (
    "NT1,Jobs,NT1.2,Weeks,no. of weeks,2025,-3,2025-04-01,CC BY-NC-ND 4.0,x\n"
    "NT1,Jobs,NT1.3,Hours,hours,2025,12,31/02/2025,CC BY-NC-ND 4.0,x\n"
)


@pytest.fixture
def network(make_network):
    return make_network("Rother Valley")


@pytest.fixture
def council(network, make_partner):
    return make_partner("Council", network)


@pytest.fixture
def lead(council, network, make_user, sign_in):
    return sign_in(make_user(council, "officer", lead_of=network))


def actions(partner):
    with tenant_context(partner.id):
        return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def upload(client, network, content: bytes, name="toms.csv"):
    return client.post(f"/network/{network.id}/measures/import", data={"measures_file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_the_lead_loads_the_shipped_tables_and_sees_licence_and_attribution(lead, network, council):
    assert lead.post(f"/network/{network.id}/measures/social-value-model").status_code == 302
    assert lead.post(f"/network/{network.id}/measures/demo").status_code == 302
    page = lead.get(f"/network/{network.id}/measures").get_data(as_text=True)
    assert "Tackling economic inequality" in page and "DEMO-02" in page and "£210.00 per no. of weeks" in page
    assert "Illustrative" in page and "illustrative, not for reporting" in page and "Invented for the portal" in page
    assert "£0.3525" in page  # a proxy value with fractions of a penny
    assert actions(council) == ["social_value.model_loaded", "social_value.demo_measures_loaded"]


def test_a_licensed_table_with_bad_rows_lists_each_and_changes_nothing(lead, network):
    response = upload(lead, network, BAD_CSV.encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in text and "Nothing was imported: 2 problems" in text
    assert "proxy_value_gbp is negative" in text and "valid_from &#39;31/02/2025&#39; is not a date" in text
    assert ">3<" in text and ">4<" in text  # the line numbers
    assert db.session.scalar(select(func.count(Measure.id))) == 0
    assert upload(lead, network, b"%PDF", "toms.pdf").status_code == 400
    assert upload(lead, network, GOOD_CSV.encode()).status_code == 302
    page = lead.get(f"/network/{network.id}/measures").get_data(as_text=True)
    assert "NT1.1" in page and "£30,000.00 per FTE" in page and "CC BY-NC-ND 4.0" in page and "Licensed TOMs © Social Value Portal" in page


def test_the_lead_ticks_the_measures_in_use(lead, network):
    measures.load_demo_measures(db.session, network)
    db.session.commit()
    assert lead.post(f"/network/{network.id}/measures/in-use", data={"in_use": ["DEMO-01", "DEMO-02"]}).status_code == 302
    db.session.expire_all()
    assert [m.code for m in measures.measures(db.session, network, in_use_only=True)] == ["DEMO-01", "DEMO-02"]
    response = lead.post(f"/network/{network.id}/measures/in-use", data={"in_use": ["NOPE"]})
    assert response.status_code == 400 and "There is a problem" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(measures.measures(db.session, network, in_use_only=True)) == 2


def test_the_lead_rebases_every_commitment_and_sees_the_counts(lead, network, council, make_user, sign_in):
    measures.load_demo_measures(db.session, network)
    db.session.commit()
    officer = sign_in(make_user(council, "officer"))
    add_contract(officer, start_date=["1", "4", "2023"])
    contract_id, _, _ = ids(council)
    demo_02 = measures.measure_by_code(db.session, network, "DEMO-02")
    add_commitment(officer, contract_id, demo_02.id, committed_on=["1", "5", "2023"])  # demo-2023: £200 a week
    refused = lead.post(f"/network/{network.id}/measures/rebase", data={"edition": ""})
    assert refused.status_code == 400 and "Choose the edition to re-base to" in refused.get_data(as_text=True)
    response = lead.post(f"/network/{network.id}/measures/rebase", data={"edition": "demo-2024"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Re-based to demo-2024" in text and "1 commitment and 0 delivery reports" in text
    with tenant_context(council.id):
        commitment = db.session.scalars(select(Commitment)).one()
        assert (commitment.committed_value_pence, commitment.rebased_value_pence) == (52 * 20_000, 52 * 21_000)
    page = officer.get(f"/social-value/contracts/{contract_id}").get_data(as_text=True)
    assert "£10,400" in page and "£10,920" in page and "Value re-based" in page
    assert actions(council)[-1] == "social_value.rebased"


def test_the_lead_sets_network_targets_and_a_partner_admin_its_own(lead, network, council, make_user, sign_in):
    measures.load_demo_measures(db.session, network)
    db.session.commit()
    demo_02 = measures.measure_by_code(db.session, network, "DEMO-02")
    target = {"subject": "measure", "measure_id": str(demo_02.id), "basis": "committed", "period_start": ["1", "4", "2024"],
              "period_end": ["31", "3", "2025"], "target_quantity": "100"}
    assert lead.post(f"/network/{network.id}/targets", data=target).status_code == 302
    bad = lead.post(f"/network/{network.id}/targets", data={**target, "target_quantity": "-1"})
    assert bad.status_code == 400 and "The target quantity cannot be negative" in bad.get_data(as_text=True)
    officer = sign_in(make_user(council, "officer"))
    add_contract(officer)
    add_commitment(officer, ids(council)[0], demo_02.id)
    page = lead.get(f"/network/{network.id}/targets").get_data(as_text=True)
    # The period (2024 to 2025) has ended: a past target reads "missed", never "not yet met".
    assert "52 no. of weeks" in page and "52.0%" in page and "Missed" in page and "Not yet met" not in page
    assert db.session.scalar(select(func.count(NetworkTarget.id))) == 1
    assert officer.post("/social-value/targets", data={**target, "subject": "total_value", "target_value": "5000"}).status_code == 403
    admin = sign_in(make_user(council, "admin"))
    response = admin.post("/social-value/targets", data={**target, "subject": "total_value", "measure_id": "", "target_value": "5000",
                                                         "target_quantity": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    with tenant_context(council.id):
        assert db.session.scalar(select(func.count(PartnerTarget.id))) == 1
    page = officer.get("/social-value/targets").get_data(as_text=True)
    assert "All social value" in page and "£5,000" in page and "Met" in page


def test_flags_for_the_partner_and_across_the_network_for_the_lead(lead, network, council, make_partner, make_user, sign_in):
    measures.load_demo_measures(db.session, network)
    db.session.commit()
    officer = sign_in(make_user(council, "officer"))
    add_contract(officer, start_date=["1", "4", "2023"], end_date=["31", "3", "2024"])  # over: all of it is due
    add_commitment(officer, ids(council)[0], measures.measure_by_code(db.session, network, "DEMO-02").id, committed_on=["1", "5", "2023"])
    page = officer.get("/social-value/flags").get_data(as_text=True)
    assert "Behind profile" in page and "HW-001" in page
    page = lead.get(f"/network/{network.id}/social-value/flags").get_data(as_text=True)
    assert "Behind profile" in page and "Council" in page and "/social-value/contracts/" not in page
