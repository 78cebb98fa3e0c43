"""Can each partner choose the measures it uses from its network's catalogue, and be offered only those?"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.social_value import measures, partner_measures
from portal.social_value.models import PartnerMeasure
from portal.social_value.problems import SocialValueProblem
from tenants import tenant_context


def offered(network, partner):
    with tenant_context(partner.id):
        return [m.code for m in partner_measures.offered_measures(db.session, network)]


def choose(network, partner, codes):
    with tenant_context(partner.id):
        chosen = partner_measures.choose_measures(db.session, network, partner, codes)
        db.session.commit()
        return [m.code for m in chosen]


def test_a_partner_that_has_not_chosen_is_offered_every_measure_in_use(sv_network, partners):
    in_use = [m.code for m in measures.measures(db.session, sv_network, in_use_only=True)]
    assert len(in_use) == 8 and offered(sv_network, partners[0]) == in_use


def test_each_partner_is_offered_its_own_choice_and_not_the_other_partners(sv_network, partners):
    council, police = partners
    assert choose(sv_network, council, ["DEMO-06", "DEMO-08"]) == ["DEMO-06", "DEMO-08"]
    assert choose(sv_network, police, ["DEMO-01"]) == ["DEMO-01"]
    assert offered(sv_network, council) == ["DEMO-06", "DEMO-08"]
    assert offered(sv_network, police) == ["DEMO-01"]
    # Choosing again replaces the choice; choosing nothing goes back to the network's list.
    choose(sv_network, council, ["DEMO-06"])
    assert offered(sv_network, council) == ["DEMO-06"]
    choose(sv_network, council, [])
    assert len(offered(sv_network, council)) == 8 and offered(sv_network, police) == ["DEMO-01"]


def test_a_measure_the_network_takes_out_of_use_is_no_longer_offered_and_an_emptied_choice_falls_back(sv_network, partners):
    council = partners[0]
    choose(sv_network, council, ["DEMO-01", "DEMO-02"])
    measures.set_measures_in_use(db.session, sv_network, ["DEMO-02", "DEMO-03"])
    db.session.commit()
    assert offered(sv_network, council) == ["DEMO-02"]
    measures.set_measures_in_use(db.session, sv_network, ["DEMO-03"])
    db.session.commit()
    assert offered(sv_network, council) == ["DEMO-03"]  # the network's list, never an empty form


def test_a_partner_cannot_choose_a_measure_out_of_use_or_unknown_and_nothing_changes(sv_network, partners):
    council = partners[0]
    choose(sv_network, council, ["DEMO-01"])
    measures.set_measures_in_use(db.session, sv_network, ["DEMO-01"])
    db.session.commit()
    with tenant_context(council.id), pytest.raises(SocialValueProblem, match="DEMO-02, NOPE"):
        partner_measures.choose_measures(db.session, sv_network, council, ["DEMO-02", "NOPE"])
    db.session.rollback()
    assert offered(sv_network, council) == ["DEMO-01"]


def test_the_admin_chooses_on_the_page_and_the_commitment_form_offers_only_those(sv_network, partners, make_user, sign_in, make_contract):
    council = partners[0]
    admin = sign_in(make_user(council, "admin", email="admin@council.org"))
    page = admin.get("/social-value/measures")
    assert page.status_code == 200 and b'data-testid="no-choice"' in page.data
    response = admin.post("/social-value/measures", data={"measures": ["DEMO-06", "DEMO-08"]})
    assert response.status_code == 302
    page = admin.get("/social-value/measures").data.decode()
    assert re.search(r'value="DEMO-06"\s+checked', page) and not re.search(r'value="DEMO-01"\s+checked', page)
    contract_id = make_contract(council)
    form = admin.get(f"/social-value/contracts/{contract_id}/commitments/new").data.decode()
    assert "DEMO-06" in form and "DEMO-08" in form and "DEMO-01" not in form and "DEMO-02" not in form


def test_a_viewer_sees_the_measures_but_cannot_choose(sv_network, partners, make_user, sign_in):
    council = partners[0]
    choose(sv_network, council, ["DEMO-06"])
    viewer = sign_in(make_user(council, "viewer", email="viewer@council.org"))
    page = viewer.get("/social-value/measures")
    assert page.status_code == 200 and b"DEMO-06" in page.data and b"DEMO-01" not in page.data
    assert viewer.post("/social-value/measures", data={"measures": ["DEMO-01"]}).status_code == 403
    with tenant_context(council.id):
        assert len(db.session.scalars(select(PartnerMeasure)).all()) == 1


def test_an_unknown_code_posted_is_refused_with_the_page_again(sv_network, partners, make_user, sign_in):
    admin = sign_in(make_user(partners[0], "admin", email="admin@council.org"))
    response = admin.post("/social-value/measures", data={"measures": ["DEMO-01", "NOT-A-MEASURE"]})
    assert response.status_code == 400 and b"govuk-error-message" in response.data
    assert offered(sv_network, partners[0])[0] == "DEMO-01" and len(offered(sv_network, partners[0])) == 8


def test_a_partners_target_form_offers_its_measures_and_the_leads_every_measure_in_use(sv_network, partners, make_user, sign_in):
    council = partners[0]
    choose(sv_network, council, ["DEMO-06"])
    admin = sign_in(make_user(council, "admin", email="admin@council.org"))
    page = admin.get("/social-value/targets").get_data(as_text=True)
    assert "DEMO-06" in page and "DEMO-01" not in page
    lead = sign_in(make_user(council, "officer", email="lead@council.org", lead_of=sv_network))
    page = lead.get(f"/network/{sv_network.id}/targets").get_data(as_text=True)
    assert "DEMO-06" in page and "DEMO-01" in page
