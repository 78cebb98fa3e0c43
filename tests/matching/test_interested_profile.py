"""Can a partner open the profile of a business interested in its opportunity, and only that one, only through it?"""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.smes.models import SmeProfile
from tenants import business_context

from .test_pages import matched  # noqa: F401 (the fixture)


def test_an_interested_business_name_opens_its_profile_for_the_partner(matched, sign_in):  # noqa: F811
    roofer, roof = matched["roofer"], matched["roof"]
    with business_context(roofer.id):
        profile = db.session.scalar(select(SmeProfile))
        profile.accreditations, profile.social_value_offers, profile.cooperative = ["CHAS"], ["apprenticeships"], True
        db.session.commit()
    sign_in(roofer.owner).post(f"/opportunities/{roof}/interest", data={"message": "We roof depots", "contact_email": "jo@slate.example"})
    council = sign_in(matched["council_officer"])
    listing = council.get(f"/partner/opportunities/{roof}/businesses").get_data(as_text=True)
    link = f"/partner/opportunities/{roof}/businesses/{roofer.id}"
    assert f'href="{link}"' in listing
    page = council.get(link).get_data(as_text=True)
    for text in ("Slate &amp; Co", "Slate roofing and guttering", "45261000", "CHAS", "Co-operative", "S60", "We roof depots",
                 "mailto:jo@slate.example"):
        assert text in page, text


def test_a_matched_business_that_did_not_say_it_is_interested_stays_closed(matched, sign_in):  # noqa: F811
    council = sign_in(matched["council_officer"])
    # Matched (it is on the partner's list by name), but it has not chosen to be seen.
    assert council.get(f"/partner/opportunities/{matched['roof']}/businesses/{matched['rival'].id}").status_code == 404


def test_another_partner_or_a_withdrawn_interest_finds_nothing(matched, sign_in):  # noqa: F811
    roofer, roof = matched["roofer"], matched["roof"]
    owner = sign_in(roofer.owner)
    owner.post(f"/opportunities/{roof}/interest", data={"message": "Hello", "contact_email": "jo@slate.example"})
    police = sign_in(matched["police_officer"])
    assert police.get(f"/partner/opportunities/{roof}/businesses/{roofer.id}").status_code == 404
    assert police.get(f"/partner/opportunities/{matched['police_roof']}/businesses/{roofer.id}").status_code == 404
    owner.post(f"/opportunities/{roof}/interest/withdraw")
    council = sign_in(matched["council_officer"])
    assert council.get(f"/partner/opportunities/{roof}/businesses/{roofer.id}").status_code == 404
