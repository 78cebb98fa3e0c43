"""Can bulk delivery lines say how many people benefited, by a ward of the network's area and a group from
the Act's list or the network's own, with every bad count, ward or group named by its line?"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.social_value import beneficiaries
from portal.social_value.models import DeliveryBeneficiaryCount, DeliveryReport
from tenants import tenant_context

from .test_bulk_import import COMMITMENT_HEADER, reports_held, run


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def officer(council, make_user):
    return make_user(council, "officer", email="importer@council.org")


@pytest.fixture
def held_contracts(council, make_contract):
    make_contract(council, start=date(2023, 4, 1), end=date(2027, 3, 31), reference="HW-2")


HEADER = "Contract reference,Measure code,Quantity,Period start,Period end,What was delivered,Ward,Group,Count\n"


def counts_held(partner):
    with tenant_context(partner.id):
        db.session.expire_all()
        return db.session.execute(
            select(DeliveryReport.narrative, DeliveryBeneficiaryCount.ward, DeliveryBeneficiaryCount.protected_group,
                   DeliveryBeneficiaryCount.count)
            .join(DeliveryReport, DeliveryReport.id == DeliveryBeneficiaryCount.delivery_report_id)
            .order_by(DeliveryReport.id)).all()


def test_counts_by_ward_and_group_come_in_with_their_reports_and_a_reimport_adds_none(
        council, held_contracts, officer, sv_network):
    beneficiaries.adopt_group(db.session, sv_network, "Care leavers")
    db.session.commit()
    run(council, "commitments", COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\n", officer)
    content = (HEADER
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,Apprentices,Keppel,Age,4\n"
               + "HW-2,DEMO-02,2,01/10/2024,31/12/2024,Care leavers,Rawmarsh,Care leavers,2\n"
               + "HW-2,DEMO-02,1,01/01/2025,31/03/2025,No count,,,\n"
               + "HW-2,DEMO-02,1,01/01/2025,31/03/2025,Whole area,,Disability,7\n")
    bulk = run(council, "delivery", content, officer)
    assert (bulk.status, bulk.imported_count, bulk.problems) == ("imported", 4, [])
    expected = [("Apprentices", "Keppel", "Age", 4), ("Care leavers", "Rawmarsh", "Care leavers", 2),
                ("Whole area", "", "Disability", 7)]
    assert [tuple(r) for r in counts_held(council)] == expected
    again = run(council, "delivery", content, officer)
    assert (again.imported_count, again.already_held_count) == (0, 4)
    assert [tuple(r) for r in counts_held(council)] == expected


def test_a_line_without_counts_keeps_its_identity_when_the_columns_are_added(council, held_contracts, officer):
    run(council, "commitments", COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\n", officer)
    old = "Contract reference,Measure code,Quantity,Period start,Period end,What was delivered\n"
    run(council, "delivery", old + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,Apprentices\n", officer)
    again = run(council, "delivery", HEADER + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,Apprentices,,,\n", officer)
    assert (again.imported_count, again.already_held_count) == (0, 1)


def test_bad_wards_groups_and_counts_are_named_by_line_and_nothing_is_added(council, held_contracts, officer):
    run(council, "commitments", COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\n", officer)
    bulk = run(council, "delivery", HEADER
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,fine,Keppel,Age,4\n"
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,,Town,Age,4\n"  # Doncaster's ward: outside the area
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,,Keppel,Veterans,4\n"  # not adopted by this network
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,,Keppel,Age,-3\n"
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,,Keppel,Age,2.5\n"
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,,Keppel,Age,\n"
               + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,,Nowhere,Nobody,1\n", officer)
    assert bulk.status == "rejected"
    assert bulk.problems == [
        [3, "Town is not a ward of the network's area in the ONS postcode directory"],
        [4, "Veterans is neither a protected characteristic of the Equality Act 2010 nor a group the network adopted"],
        [5, "The Count must be a whole number of people, not negative (not '-3')"],
        [6, "The Count must be a whole number of people, not negative (not '2.5')"],
        [7, "Give the Count of people who benefited in that ward or group, or leave both blank"],
        [8, ("Nowhere is not a ward of the network's area in the ONS postcode directory; "
             "Nobody is neither a protected characteristic of the Equality Act 2010 nor a group the network adopted")],
    ]
    assert reports_held(council) == [] and counts_held(council) == []


def test_a_group_another_network_adopted_is_refused(council, held_contracts, officer, make_network):
    other = make_network("Elsewhere")
    beneficiaries.adopt_group(db.session, other, "Care leavers")
    db.session.commit()
    run(council, "commitments", COMMITMENT_HEADER + "HW-2,DEMO-02,52,01/05/2024\n", officer)
    bulk = run(council, "delivery", HEADER + "HW-2,DEMO-02,4,01/07/2024,30/09/2024,,Keppel,Care leavers,4\n", officer)
    assert bulk.status == "rejected" and "Care leavers is neither" in bulk.problems[0][1]


def test_the_delivery_template_offers_the_count_columns():
    from portal.social_value.bulk_files import LAYOUTS, template_csv

    header = template_csv(LAYOUTS["delivery"]).decode("utf-8-sig").splitlines()[0]
    assert header.endswith("What was delivered,Ward,Group,Count")
