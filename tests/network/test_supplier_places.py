"""Can the lead set where a supplier is, and its class, by hand, see where every placement came from, and watch the figures follow?"""
from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.network.comparison import compare_partners
from portal.registers.placing import place_suppliers, replace_changed
from portal.spend.models import SpendTotalsPending
from portal.suppliers.models import Supplier
from tenants import tenant_context
from tenants.models import AuditEvent, Network
from tests.registers.conftest import LEEDS, ROTHERHAM, reference  # noqa: F401 (the fixture)

from .conftest import ACME, IT, pence, recompute, supplier_named, year_start


@pytest.fixture
def placed(anchors, reference, sign_in, queued):  # noqa: F811
    """The anchors network with the postcode directory loaded and its area set to Rotherham by the lead's page."""
    reference.postcodes()
    client = sign_in(anchors.lead)
    response = client.post(f"/network/{anchors.network.id}/area",
                           data={"area_codes": ROTHERHAM, "excluded_kinds": ["public", "tax", "pension", "individual"]})
    assert response.status_code == 302
    return client


def _local_by_partner_year(anchors, local_names) -> dict:
    """Local spend worked out from the rows as imported: lines of the suppliers named."""
    expected = defaultdict(int)
    for partner_id, rows in anchors.rows.items():
        for day, _ref, name, _pc, amount, _category, _vcse in rows:
            if name in local_names:
                expected[(partner_id, year_start(day))] += pence(amount)
    return expected


def _local_in_totals(anchors) -> dict:
    db.session.expire_all()
    network = db.session.get(Network, anchors.network.id)
    found = {}
    for year in {year_start(row[0]) for rows in anchors.rows.values() for row in rows}:
        for row in compare_partners(db.session, network, year).partners:
            if row.local_pence:
                found[(row.organisation_id, year)] = row.local_pence
    return found


def test_the_area_page_places_every_supplier_by_full_postcode_and_logs_the_change(anchors, placed):
    acme, it = supplier_named(anchors.network, ACME[0]), supplier_named(anchors.network, IT[0])
    assert (acme.locality, acme.is_local, acme.district_code) == ("based", True, ROTHERHAM)
    assert (it.locality, it.is_local, it.district_code) == ("region", False, LEEDS)
    with tenant_context(anchors.council.id):
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "network.area_changed")).all()
    assert event.user_id == anchors.lead.id and event.detail["after"]["area_codes"] == [ROTHERHAM]
    page = placed.get(f"/network/{anchors.network.id}/area").get_data(as_text=True)
    assert "Rotherham (E08000018)" in page


def test_the_area_page_refuses_what_is_not_a_district_code(anchors, sign_in, queued):
    client = sign_in(anchors.lead)
    response = client.post(f"/network/{anchors.network.id}/area", data={"area_codes": "E08000018\nS60"})
    assert response.status_code == 400 and "S60 is not a local authority district code" in response.get_data(as_text=True)
    response = client.post(f"/network/{anchors.network.id}/area", data={"area_codes": "E08000018", "wider_area_codes": "E08000019"})
    assert response.status_code == 400 and "Give the wider area a name" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Network, anchors.network.id).area_codes == []


def test_overriding_a_postcode_moves_local_spend_once_the_totals_refresh(anchors, placed):
    """The lead says Northern IT's address is in Rotherham: after the refresh its spend counts as local, partner by partner."""
    recompute(anchors.network)
    assert _local_in_totals(anchors) == dict(_local_by_partner_year(anchors, {ACME[0]}))
    it = supplier_named(anchors.network, IT[0])
    response = placed.post(f"/network/{anchors.network.id}/suppliers/{it.id}/place",
                           data={"postcode": "s60 1aa", "company_number": "", "charity_number": "", "mutual_number": "",
                                 "branch_postcode": ""})
    assert response.status_code == 302
    db.session.expire_all()
    it = db.session.get(Supplier, it.id)
    assert (it.postcode, it.place_source, it.place_by_lead, it.placed_by_id, it.locality) == (
        "S60 1AA", "lead", True, anchors.lead.id, "based")
    # Every partner that bought from it has its months due; none other.
    for partner in anchors.partners:
        with tenant_context(partner.id):
            assert bool(db.session.scalars(select(SpendTotalsPending)).all()) == any(
                row[2] == IT[0] for row in anchors.rows[partner.id])
    recompute(anchors.network)  # what the queued refresh runs
    assert _local_in_totals(anchors) == dict(_local_by_partner_year(anchors, {ACME[0], IT[0]}))


def test_the_leads_place_survives_placing_again_and_a_register_refresh_until_handed_back(anchors, placed, reference):  # noqa: F811
    it = supplier_named(anchors.network, IT[0])
    placed.post(f"/network/{anchors.network.id}/suppliers/{it.id}/place",
                data={"postcode": "S60 1AA", "company_number": "04000001", "branch_postcode": ""})
    reference.company("04000001", "Northern IT Solutions Ltd", postcode="M1 1AE", accounts="SMALL")
    network = db.session.get(Network, anchors.network.id)
    place_suppliers(db.session, network)
    replace_changed(db.session, "companies", ["04000001"])
    db.session.commit()
    db.session.expire_all()
    it = db.session.get(Supplier, it.id)
    assert (it.postcode, it.company_number, it.place_source, it.locality, it.kind, it.is_sme) == (
        "S60 1AA", "04000001", "lead", "based", "private", True)
    page = placed.get(f"/network/{anchors.network.id}/suppliers/{it.id}").get_data(as_text=True)
    assert "Set by hand by Lena Lead" in page and "Rotherham (E08000018)" in page and "Rotherham East (E05001000)" in page
    # Handed back: the spend file's postcode comes back (it outranks the register), placed in Leeds.
    response = placed.post(f"/network/{anchors.network.id}/suppliers/{it.id}/place", data={"automatic": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    it = db.session.get(Supplier, it.id)
    assert (it.postcode, it.place_source, it.place_by_lead, it.placed_by_id, it.locality) == (
        "LS1 4DD", "spend_file", False, None, "region")
    with tenant_context(anchors.council.id):
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("supplier.place%"))
                                     .order_by(AuditEvent.id)).all()
    assert actions == ["supplier.placed", "supplier.placed_automatically"]
    assert "From a partner&#39;s spend file" in placed.get(f"/network/{anchors.network.id}/suppliers/{it.id}").get_data(as_text=True)


def test_new_numbers_bring_the_new_register_entrys_postcode(anchors, placed, reference):  # noqa: F811
    reference.loaded("companies", __import__("datetime").date(2026, 11, 1))
    reference.company("05000001", "Unknown Consultancy Ltd", postcode="S60 1AA", accounts="MICRO ENTITY")
    nowhere = supplier_named(anchors.network, "Unknown Consultancy")
    assert nowhere.locality is None
    placed.post(f"/network/{anchors.network.id}/suppliers/{nowhere.id}/place",
                data={"company_number": "5000001", "postcode": "", "branch_postcode": ""})
    db.session.expire_all()
    nowhere = db.session.get(Supplier, nowhere.id)
    assert (nowhere.company_number, nowhere.postcode, nowhere.place_source, nowhere.locality, nowhere.is_sme) == (
        "05000001", "S60 1AA", "companies", "based", True)
    page = placed.get(f"/network/{anchors.network.id}/suppliers/{nowhere.id}").get_data(as_text=True)
    assert "From the Companies House register of 1 November 2026" in page


def test_bad_numbers_and_postcodes_are_refused_on_the_supplier_page(anchors, placed):
    it = supplier_named(anchors.network, IT[0])
    response = placed.post(f"/network/{anchors.network.id}/suppliers/{it.id}/place",
                           data={"postcode": "ZZ 99", "company_number": "XX1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "is not a UK postcode" in page and "is not a Companies House number" in page
    db.session.expire_all()
    assert db.session.get(Supplier, it.id).postcode == "LS1 4DD"


def test_a_class_set_by_hand_stands_until_handed_back(anchors, placed):
    it = supplier_named(anchors.network, IT[0])
    url = f"/network/{anchors.network.id}/suppliers/{it.id}"
    assert placed.post(url, data={"kind": "public", "is_sme": "no", "local": "postcode"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Supplier, it.id).kind_by_lead is True
    place_suppliers(db.session, db.session.get(Network, anchors.network.id))
    db.session.expire_all()
    it = db.session.get(Supplier, it.id)
    assert (it.kind, it.is_sme, it.kind_by_lead, it.sme_by_lead) == ("public", False, True, True)
    assert placed.post(url, data={"kind": "automatic", "is_sme": "automatic", "local": "postcode"}).status_code == 302
    db.session.expire_all()
    it = db.session.get(Supplier, it.id)
    assert (it.kind, it.is_sme, it.kind_by_lead, it.sme_by_lead) == ("unknown", None, False, False)
