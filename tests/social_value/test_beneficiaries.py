"""Are wards chosen from the ONS list of the network's area, and groups from the Act's nine plus the network's own?"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.social_value import beneficiaries
from portal.social_value.models import (
    AdoptedBeneficiaryGroup,
    DeliveryBeneficiaryCount,
    DeliveryReport,
)
from portal.social_value.problems import SocialValueProblem
from tenants import tenant_context

from .conftest import ROTHERHAM, load_wards
from .test_pages_journey import add_commitment, add_contract, ids, report_delivery
from .test_pages_supplier import new_link, supplier_post


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def officer_client(council, make_user, sign_in, measure):
    client = sign_in(make_user(council, "officer", email="officer@council.org"))
    add_contract(client)
    contract_id, _, _ = ids(council)
    add_commitment(client, contract_id, measure("DEMO-02").id)
    return client


def options(page: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.DOTALL).group(1)
    return [text.strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select_html, re.DOTALL)]


def test_the_wards_are_those_of_the_networks_districts_in_the_ons_directory(sv_network, app):
    # Doncaster's "Town" is outside the area until the network adds Doncaster.
    assert beneficiaries.ward_names(db.session, sv_network) == ["Boston Castle", "Keppel", "Rawmarsh"]
    sv_network.area_codes = [ROTHERHAM, "E08000017"]
    db.session.commit()
    assert beneficiaries.ward_names(db.session, sv_network) == ["Boston Castle", "Keppel", "Rawmarsh", "Town"]
    sv_network.area_codes = []
    db.session.commit()
    assert beneficiaries.ward_names(db.session, sv_network) == []


def test_two_wards_of_one_name_are_told_apart_by_their_district(sv_network, app):
    load_wards(app, {"DN2 2AA": ("E08000017", "E05002011", "Keppel")}, names={"E05002011": "Keppel"})
    sv_network.area_codes = [ROTHERHAM, "E08000017"]
    db.session.commit()
    assert beneficiaries.ward_names(db.session, sv_network) == [
        "Boston Castle", "Keppel (Doncaster)", "Keppel (Rotherham)", "Rawmarsh", "Town"]


def test_the_form_offers_the_wards_and_the_acts_nine_then_the_networks_groups(sv_network, council, officer_client):
    beneficiaries.adopt_group(db.session, sv_network, "Care leavers")
    db.session.commit()
    _, commitment_id, _ = ids(council)
    page = officer_client.get(f"/social-value/commitments/{commitment_id}/delivery-reports/new").get_data(as_text=True)
    assert options(page, "ward_0") == ["Not recorded", "Boston Castle", "Keppel", "Rawmarsh"]
    groups = options(page, "group_0")
    assert groups[0] == "Not recorded" and len(groups) == 11
    assert groups[1:10] == list(beneficiaries.PROTECTED_CHARACTERISTICS)
    assert groups[10] == "Care leavers (network group)"
    response = report_delivery(officer_client, commitment_id, ward_0="Keppel", group_0="Care leavers", count_0="6")
    assert response.status_code == 302
    with tenant_context(council.id):
        assert db.session.execute(select(DeliveryBeneficiaryCount.ward, DeliveryBeneficiaryCount.protected_group,
                                         DeliveryBeneficiaryCount.count)).all() == [("Keppel", "Care leavers", 6)]


@pytest.mark.parametrize("changes", [{"ward_0": "Boston castle"}, {"ward_0": "Town"}, {"group_0": "Age 16-24"},
                                     {"group_0": "Care leavers"}])
def test_a_ward_or_group_not_on_the_lists_is_refused_and_nothing_is_saved(council, officer_client, changes):
    _, commitment_id, _ = ids(council)
    response = report_delivery(officer_client, commitment_id, **changes)
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    with tenant_context(council.id):
        assert db.session.scalars(select(DeliveryReport)).all() == []


def test_without_the_ons_wards_of_its_area_the_form_says_so_and_takes_no_ward(sv_network, council, officer_client):
    sv_network.area_codes = []
    db.session.commit()
    _, commitment_id, _ = ids(council)
    page = officer_client.get(f"/social-value/commitments/{commitment_id}/delivery-reports/new").get_data(as_text=True)
    assert 'data-testid="no-wards"' in page and options(page, "ward_0") == ["Not recorded"]
    assert report_delivery(officer_client, commitment_id).status_code == 400
    assert report_delivery(officer_client, commitment_id, ward_0="").status_code == 302


def test_the_supplier_chooses_from_the_same_lists(council, officer_client):
    contract_id, commitment_id, _ = ids(council)
    path = new_link(officer_client, contract_id)
    assert options(officer_client.get(path).get_data(as_text=True), "ward_0")[1:] == ["Boston Castle", "Keppel", "Rawmarsh"]
    assert supplier_post(path, commitment_id, ward_0="Nowhere", group_0="Age", count_0="5").status_code == 400
    assert supplier_post(path, commitment_id, ward_0="Rawmarsh", group_0="Disability", count_0="5").status_code == 302


def test_the_lead_adopts_and_drops_groups_kept_apart_from_the_protected_characteristics(sv_network, partners, make_user, sign_in):
    lead = sign_in(make_user(partners[0], "officer", email="lead@council.org", lead_of=sv_network))
    url = f"/network/{sv_network.id}/beneficiary-groups"
    page = lead.get(url).get_data(as_text=True)
    assert all(g in page for g in beneficiaries.PROTECTED_CHARACTERISTICS) and "Rawmarsh" in page
    assert lead.post(url, data={"name": "  Armed forces   community "}).status_code == 302
    for taken in ("armed forces community", "Disability"):
        response = lead.post(url, data={"name": taken})
        assert response.status_code == 400 and "already a group" in response.get_data(as_text=True)
    assert beneficiaries.adopted_groups(db.session, sv_network) == ["Armed forces community"]
    group_id = db.session.scalar(select(AdoptedBeneficiaryGroup.id))
    assert lead.post(f"{url}/{group_id}/remove", data={}).status_code == 302
    assert beneficiaries.adopted_groups(db.session, sv_network) == []


def test_a_group_cannot_be_empty_or_too_long(sv_network):
    for name, message in (("  ", "Enter the name"), ("x" * 121, "120 characters")):
        with pytest.raises(SocialValueProblem, match=message):
            beneficiaries.adopt_group(db.session, sv_network, name)


def test_paths_without_a_form_are_held_to_the_same_lists(sv_network):
    beneficiaries.adopt_group(db.session, sv_network, "Care leavers")
    offered = beneficiaries.choices(db.session, sv_network)
    assert beneficiaries.reasons_refused(offered, "Keppel", "Care leavers") == []
    assert beneficiaries.reasons_refused(offered, "", "") == []
    reasons = beneficiaries.reasons_refused(offered, "Town", "Age 16-24")
    assert len(reasons) == 2 and "Town is not a ward" in reasons[0] and "Age 16-24 is neither" in reasons[1]
