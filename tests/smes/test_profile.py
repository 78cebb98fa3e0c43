"""Can a business keep its own profile, and only its own?"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.smes import services
from portal.smes.models import SmeCategory, SmeProfile
from tenants import business_context
from tenants.businesses import Business
from tests.test_accounts import page

FORM = {
    "name": "Rother Valley Roofing",
    "organisation_type": "cooperative",
    "company_number": "ip29627r",
    "charity_number": "",
    "postcode": "s61 2bb",
    "size_band": "small",
    "cpv_codes": "45261000-4, 45262000\n90911200",
    "ownership": ["cooperative", "employee_owned"],
    "living_wage_accredited": "y",
    "accreditations": "ISO 14001\n\nCyber Essentials\n",
    "what_we_do": "Slate and tile roofs for homes and schools.",
    "social_value_offers": ["apprenticeships", "careers_talks"],
    "social_value_detail": "Two apprentices a year.",
    "contact_name": "Rita Roofer",
    "contact_email": "hello@roofing.example",
    "phone": "01709 000000",
    "website": "https://roofing.example",
    "wants_weekly_digest": "y",
}


@pytest.fixture
def firm(make_business, make_network):
    return make_business("Roofing", make_network("Rotherham", local_area=("S60", "S61")), cpv_codes=("45000000",))


@pytest.fixture
def rematches(monkeypatch):
    """Business ids the matching worker was asked to re-score (queued after commit)."""
    from portal.matching.tasks import rematch_business

    queued = []
    monkeypatch.setattr(rematch_business, "apply_async", lambda args=(), kwargs=None, **_: queued.append(args[0]))
    return queued


def saved(business) -> SmeProfile:
    db.session.expire_all()
    with business_context(business.id):
        profile = db.session.scalar(select(SmeProfile))
        profile.codes = db.session.scalars(select(SmeCategory.cpv_code).order_by(SmeCategory.cpv_code)).all()
        return profile


def test_a_business_saves_every_part_of_its_profile(firm, sign_in, rematches):
    response = sign_in(firm.owner).post("/profile/edit", data=FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile")
    profile = saved(firm)
    assert db.session.get(Business, firm.id).name == "Rother Valley Roofing"
    assert (profile.organisation_type, profile.company_number, profile.charity_number) == ("cooperative", "IP29627R", None)
    assert (profile.postcode, profile.postcode_district, profile.is_local, profile.size_band) == ("S61 2BB", "S61", True, "small")
    assert profile.codes == ["45261000", "45262000", "90911200"]
    assert (profile.cooperative, profile.employee_owned, profile.social_enterprise, profile.charity) == (True, True, False, False)
    assert profile.living_wage_accredited and profile.wants_weekly_digest
    assert profile.accreditations == ["ISO 14001", "Cyber Essentials"]
    assert profile.social_value_offers == ["apprenticeships", "careers_talks"]
    assert (profile.contact_email, profile.website) == ("hello@roofing.example", "https://roofing.example")
    assert rematches == [firm.id]


def test_the_profile_page_shows_categories_with_their_hierarchy(firm, sign_in, rematches):
    client = sign_in(firm.owner)
    client.post("/profile/edit", data=FORM)
    body = page(client.get("/profile"))
    assert "Rother Valley Roofing" in body and "S61 2BB (local to the network)" in body
    assert "45261000</span> Erection and related works of roof frames and coverings" in body
    # ... beneath its class, group and division, in words
    assert "45000000 Construction work › 45200000 Works for complete or part construction" in body
    assert "Careers talks in schools and colleges" in body and "Employee-owned, Co-operative" in body


def test_the_form_shows_what_is_saved(firm, sign_in, rematches):
    client = sign_in(firm.owner)
    client.post("/profile/edit", data=FORM)
    body = page(client.get("/profile/edit"))
    assert "45261000, 45262000, 90911200" in body and "ISO 14001\nCyber Essentials" in body
    assert 'value="IP29627R"' in body


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Enter the name of your business or organisation"),
        ({"company_number": "12345678X"}, "Enter a company number of 8 characters from Companies House"),
        ({"company_number": "ZZ123456"}, "Enter a company number of 8 characters from Companies House"),
        ({"charity_number": "12345"}, "Enter a registered charity number"),
        ({"charity_number": "NI12"}, "Enter a registered charity number"),
        ({"postcode": "nowhere"}, "Enter a real UK postcode, like S60 1AE"),
        ({"size_band": "huge"}, "Not a valid choice"),
        ({"cpv_codes": "4521, 45210000, 00000000"}, "“4521” is not a CPV code: it should be 8 digits, like 45210000"),
        ({"cpv_codes": "00000000"}, "no division starts with 00"),
        ({"contact_email": "not-an-address"}, "Enter an email address in the correct format"),
        ({"website": "roofing"}, "Enter a website address starting https://"),
        ({"ownership": ["landlord"]}, "is not a valid choice"),
    ],
)
def test_every_profile_mistake_is_explained_and_nothing_is_saved(firm, sign_in, rematches, changes, message):
    response = sign_in(firm.owner).post("/profile/edit", data={**FORM, **changes})
    assert response.status_code == 200
    assert message in page(response).replace("&#34;", '"')
    assert saved(firm).codes == ["45000000"] and rematches == []


@pytest.mark.parametrize(
    "typed, stored",
    [("sc123456", "SC123456"), ("2535986", "02535986"), ("OC 301234", "OC301234"), ("NI012345", "NI012345")],
)
def test_company_numbers_are_stored_as_companies_house_writes_them(firm, sign_in, rematches, typed, stored):
    sign_in(firm.owner).post("/profile/edit", data={**FORM, "company_number": typed})
    assert saved(firm).company_number == stored


@pytest.mark.parametrize(
    "typed, stored",
    [("1123456", "1123456"), ("1123456-1", "1123456-1"), ("sc012345", "SC012345"), ("NIC100002", "NIC100002")],
)
def test_charity_numbers_of_the_three_registers_are_accepted(firm, sign_in, rematches, typed, stored):
    sign_in(firm.owner).post("/profile/edit", data={**FORM, "charity_number": typed})
    assert saved(firm).charity_number == stored


def test_categories_are_found_by_name_and_ticked_without_javascript(firm, sign_in, rematches):
    client = sign_in(firm.owner)
    body = page(client.get("/profile/categories?q=window clean"))
    assert 'value="90911300"' in body and "Window-cleaning services" in body
    assert 'id="current-45000000"' in body and "checked" in body
    # Keep the current one, add a result.
    response = client.post("/profile/categories?q=window+clean", data={"codes": ["45000000", "90911300"]})
    assert response.status_code == 302
    assert saved(firm).codes == ["45000000", "90911300"]
    assert rematches == [firm.id]
    # Untick one to remove it.
    client.post("/profile/categories", data={"codes": ["90911300"]})
    assert saved(firm).codes == ["90911300"]


def test_a_forged_category_is_refused(firm, sign_in, rematches):
    response = sign_in(firm.owner).post("/profile/categories", data={"codes": ["45000000", "drop table"]})
    assert response.status_code == 200 and "is not a CPV code" in page(response)
    assert saved(firm).codes == ["45000000"]


def test_no_result_says_so(firm, sign_in):
    assert "No categories match" in page(sign_in(firm.owner).get("/profile/categories?q=zeppelins"))


def test_a_business_without_a_profile_fills_one_in(make_business, sign_in, rematches):
    firm = make_business("New Firm", profile=False)
    client = sign_in(firm.owner)
    assert "Fill in your profile" in page(client.get("/profile"))
    assert client.get("/profile/categories").status_code == 302
    client.post("/profile/edit", data=FORM)
    assert saved(firm).postcode == "S61 2BB"


def test_a_partner_has_no_profile_pages(make_partner, make_user, sign_in):
    officer = make_user(make_partner("Council"), "officer")
    client = sign_in(officer)
    for path in ("/profile", "/profile/edit", "/profile/categories"):
        assert client.get(path).status_code == 403


def test_anonymous_people_are_asked_to_sign_in(client):
    for path in ("/profile", "/profile/edit", "/profile/categories", "/verify-email"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_menu_of_a_business_is_its_own(firm, sign_in, app):
    body = page(sign_in(firm.owner).get("/profile"))
    assert 'href="/profile" aria-current="true"' in body
    assert f'href="/networks/{firm.network.slug}/opportunities"' in body
    if "matching.your_matches" in app.view_functions:  # the matching feature's page, once installed
        assert 'href="/matches"' in body
    menu = re.findall(r'govuk-service-navigation__link" href="([^"]+)"', body)
    assert "/dashboard" not in " ".join(menu) and "/spend/imports" not in menu and "/people" not in menu


# --- one business never reaches another's rows, at the session level ---------------------------


def test_saving_as_one_business_never_touches_another(make_business, app):
    a = make_business("Firm A", cpv_codes=("45000000",))
    b = make_business("Firm B", network=a.network, cpv_codes=("90910000",), what_we_do="B's own words")
    changes = services.ProfileChanges(name="Firm A", organisation_type="company", postcode="S60 1AA", size_band="micro",
                                      cpv_codes=["72000000"], what_we_do="A's words")
    with app.test_request_context(), business_context(a.id):
        services.save_profile(db.session, db.session.get(Business, a.id), changes)
        db.session.commit()
        assert services.own_profile(db.session).business_id == a.id
        assert db.session.scalars(select(SmeCategory.cpv_code)).all() == ["72000000"]
    assert saved(b).codes == ["90910000"] and saved(b).what_we_do == "B's own words"


def test_one_business_cannot_delete_anothers_categories(make_business):
    a = make_business("Firm A")
    b = make_business("Firm B", cpv_codes=("90910000",))
    with business_context(b.id):
        row = db.session.scalar(select(SmeCategory))
    with business_context(a.id):
        assert db.session.get(SmeCategory, row.id) is None
        services.set_categories(db.session, [])
        db.session.commit()
    assert saved(b).codes == ["90910000"]
