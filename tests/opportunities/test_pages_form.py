"""Can an officer add and change an opportunity, and is every mistake on the form named clearly?"""
from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.opportunities.models import Opportunity
from tenants import tenant_context

NEXT_YEAR = str(date.today().year + 1)
GOOD = {
    "title": "Resurfacing school playgrounds", "description": "Tarmac and markings for six schools.",
    "cpv": "45233000-9, 45233200", "value_band": "50k_to_214k", "estimated_value": "£60,000.50",
    "delivery_location": "Schools across Rotherham", "delivery_districts": "s60, S61 s62",
    "suitable_for_sme": "y", "closing_date": ["30", "6", NEXT_YEAR], "contact_name": "Pat Buyer",
    "contact_email": "pat@council.example", "lots-0-title": "North", "lots-0-value_band": "10k_to_50k",
    "lots-1-title": "South", "lots-1-description": "Four schools",
}


@pytest.fixture
def officer(council, make_user, sign_in):
    return sign_in(make_user(council, "officer"))


def _saved(council):
    with tenant_context(council.id):
        return db.session.scalars(db.select(Opportunity)).all()


def test_an_officer_adds_a_draft_with_lots(officer, council):
    response = officer.post("/partner/opportunities/new", data=GOOD)
    assert response.status_code == 302
    (saved,) = _saved(council)
    with tenant_context(council.id):
        saved = db.session.get(Opportunity, saved.id)
        assert saved.status == "draft"
        assert saved.cpv_codes == ["45233000", "45233200"]
        assert saved.estimated_value_pence == 6_000_050
        assert saved.delivery_districts == ["S60", "S61", "S62"]
        assert [(lot.number, lot.title, lot.value_band) for lot in saved.lots] == [(1, "North", "10k_to_50k"), (2, "South", None)]
        assert saved.suitable_for_sme and not saved.suitable_for_vcse


def test_add_another_lot_keeps_what_was_typed_and_saves_nothing(officer, council):
    response = officer.post("/partner/opportunities/new", data={**GOOD, "add_lot": "Add another lot", "lots-0-remove": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _saved(council) == []
    assert 'value="South"' in page and 'value="North"' not in page  # lot 1 was ticked to remove
    assert "Lot 2 title" in page and "Lot 3 title" not in page  # South, then one empty row


def test_a_lot_ticked_to_remove_is_not_saved(officer, council):
    assert officer.post("/partner/opportunities/new", data={**GOOD, "lots-1-remove": "y"}).status_code == 302
    with tenant_context(council.id):
        assert [lot.title for lot in db.session.scalars(db.select(Opportunity)).one().lots] == ["North"]


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "Enter the opportunity&#39;s title"),
    ({"description": ""}, "Describe what you are buying"),
    ({"cpv": ""}, "Enter at least one CPV code"),
    ({"cpv": "45233000, 4523"}, "“4523” is not a CPV code"),
    ({"cpv": "00100000"}, "no division starts with 00"),
    ({"value_band": ""}, "Choose the value band"),
    ({"estimated_value": "lots"}, "The estimated value: amount"),
    ({"estimated_value": "-5"}, "The estimated value cannot be negative"),
    ({"estimated_value": "5,000"}, "The estimated value is not in the band chosen"),
    ({"delivery_districts": "S60 XX9Z9"}, "“XX9Z9” is not a postcode district"),
    ({"closing_date": ["31", "2", NEXT_YEAR]}, "Enter the closing date as a real date"),
    ({"contact_name": ""}, "Enter the contact&#39;s name"),
    ({"contact_email": "pat at council"}, "Enter an email address like name@example.org"),
    ({"lots-1-title": "", "lots-1-description": "Four schools"}, "Give the lot a title, or remove the lot"),
    ({"lots-0-value_band": "a_lot"}, "Choose the lot&#39;s value band from the list"),
])
def test_each_mistake_is_named(officer, council, change, message):
    response = officer.post("/partner/opportunities/new", data={**GOOD, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page, message
    assert _saved(council) == []


def test_a_viewer_cannot_add_or_change(council, make_user, sign_in, make_opportunity):
    opportunity_id = make_opportunity(council, status="draft")
    viewer = sign_in(make_user(council, "viewer"))
    assert viewer.get(f"/partner/opportunities/{opportunity_id}").status_code == 200
    assert viewer.get("/partner/opportunities/new").status_code == 403
    assert viewer.post(f"/partner/opportunities/{opportunity_id}/edit", data=GOOD).status_code == 403
    assert viewer.post(f"/partner/opportunities/{opportunity_id}/publish").status_code == 403


def test_changing_keeps_lot_rows_and_fills_the_form(officer, council, make_opportunity):
    opportunity_id = make_opportunity(council, status="draft", lots=[{"title": "North"}])
    page = officer.get(f"/partner/opportunities/{opportunity_id}/edit").get_data(as_text=True)
    assert 'value="North"' in page and "45233000" in page
    with tenant_context(council.id):
        lot_id = db.session.get(Opportunity, opportunity_id).lots[0].id
    assert officer.post(f"/partner/opportunities/{opportunity_id}/edit", data=GOOD).status_code == 302
    with tenant_context(council.id):
        saved = db.session.get(Opportunity, opportunity_id)
        assert saved.lots[0].id == lot_id and saved.title == GOOD["title"]
