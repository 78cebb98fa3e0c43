"""Does a supplier see the asks in its own borough before those merely in its postcode area?"""
from __future__ import annotations

from portal.extensions import db
from portal.opportunities.models import SocialValueAsk
from portal.support import offers
from tenants import business_context, tenant_context

from ..social_value.conftest import ROTHERHAM, load_wards

SHEFFIELD, BARNSLEY = "E08000019", "E08000016"
# S63 straddles Rotherham and Barnsley, as it does; S1 is Sheffield's, in the same postcode area as Rotherham's S60.
MORE_POSTCODES = {
    "S63 1AA": (ROTHERHAM, "E05001013", "Wath"),
    "S63 9ZZ": (BARNSLEY, "E05000990", "Dearne North"),
    "S1 2BB": (SHEFFIELD, "E05010001", "City"),
}
MORE_NAMES = {SHEFFIELD: "Sheffield", BARNSLEY: "Barnsley", "E05001013": "Wath", "E05000990": "Dearne North", "E05010001": "City"}
ASKS = {  # title: postcode district
    "Elsewhere in the network": "DN1",
    "No place given": None,
    "Across Sheffield": "S1",
    "On the Barnsley side of Wath": "S63",
    "Up the road in Kimberworth": "S61",
    "Next door": "S60",
}


def _asks(partner):
    with tenant_context(partner.id):
        for title, district in ASKS.items():
            db.session.add(SocialValueAsk(kind="mentoring", title=title, postcode_district=district))
        db.session.commit()


def _order(business):
    """The asks as the business's page lists them (newest first within each tier), with how near each is."""
    with business_context(business.id):
        return [(n.ask.title, n.nearness, n.borough_name) for n in offers.asks_near(db.session, business)]


def test_asks_in_the_suppliers_borough_come_before_those_in_its_postcode_area(app, sv_network, partners, make_business, sign_in):
    load_wards(app, MORE_POSTCODES, MORE_NAMES)
    council, _ = partners
    _asks(council)
    supplier = make_business("Roofing Ltd", sv_network, postcode="S60 2BB")
    assert _order(supplier) == [
        ("Next door", "district", ""),
        ("Up the road in Kimberworth", "borough", "Rotherham"),
        ("On the Barnsley side of Wath", "borough", "Rotherham"),  # S63 reaches into Rotherham
        ("Across Sheffield", "area", ""),  # same letters, another borough: not near
        ("No place given", "", ""),
        ("Elsewhere in the network", "", ""),
    ]
    page = sign_in(supplier.owner).get("/social-value-asks/near-you").get_data(as_text=True)
    assert page.index("Next door") < page.index("Up the road in Kimberworth") < page.index("Across Sheffield")
    assert "S60 (your district)" in page and "S61 (in your local authority, Rotherham)" in page
    assert "S1 (in your local authority" not in page

    # A postcode the directory does not hold is placed by its postcode district's boroughs.
    unlisted = make_business("New Build Ltd", sv_network, postcode="S61 9XX")
    assert [(title, near) for title, near, _ in _order(unlisted)][:4] == [
        ("Up the road in Kimberworth", "district"), ("Next door", "borough"), ("On the Barnsley side of Wath", "borough"),
        ("Across Sheffield", "area"),
    ]
    # From the Barnsley side of S63, Rotherham's S60 and S61 are another borough: only the same postcode area.
    wath = make_business("Wath Joinery", sv_network, postcode="S63 9ZZ")
    assert {title for title, near, _ in _order(wath) if near == "borough"} == set()
    assert _order(wath)[0][:2] == ("On the Barnsley side of Wath", "district")


def test_before_the_postcode_directory_is_loaded_nearness_is_by_postcode_district_and_area(make_partner, make_business):
    council = make_partner("Council")
    _asks(council)
    supplier = make_business("Roofing Ltd", council.network, postcode="S60 2BB")
    assert [(title, near) for title, near, _ in _order(supplier)] == [
        ("Next door", "district"),
        ("Up the road in Kimberworth", "area"), ("On the Barnsley side of Wath", "area"), ("Across Sheffield", "area"),
        ("No place given", ""), ("Elsewhere in the network", ""),
    ]
