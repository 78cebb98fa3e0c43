"""Does every social value form answer a mistake with a GOV.UK error summary, a clear message, and no change?"""
from __future__ import annotations

from pathlib import Path

import pytest

from portal.social_value import evidence
from portal.social_value.models import Commitment, Contract, DeliveryReport, EvidenceFile

from .test_pages_journey import PDF, add_commitment, add_contract, count, ids, report_delivery


@pytest.fixture
def council(partners):
    return partners[0]


@pytest.fixture
def client(council, make_user, sign_in):
    return sign_in(make_user(council, "officer"))


@pytest.fixture
def commitment_id(council, client, measure):
    add_contract(client)
    contract_id, _, _ = ids(council)
    add_commitment(client, contract_id, measure("DEMO-02").id)
    return ids(council)[1]


def refused(response, message):
    text = response.get_data(as_text=True)
    assert response.status_code == 400, text[:400]
    assert "govuk-error-summary" in text and "There is a problem" in text
    assert message in text, text[text.find("govuk-error-summary"):][:1500]


@pytest.mark.parametrize("changes, message", [
    ({"start_date": ["31", "2", "2024"]}, "Enter the start date as a real date"),
    ({"end_date": ["1", "1", "2020"]}, "The end date must be on or after the start date"),
    ({"value": "-100"}, "The contract value cannot be negative"),
    ({"value": "lots"}, "The contract value"),
    ({"value": "9" * 25}, "is over £10bn"),
    ({"supplier_id": "9" * 30}, "Choose a supplier from the network&#39;s register"),
    ({"supplier_name_as_given": ""}, "Choose the supplier from the register, or type its name"),
    ({"supplier_id": "99999"}, "Choose a supplier from the network&#39;s register"),
    ({"route": "bribery"}, "Not a valid choice"),
    ({"reference": ""}, "Enter the contract reference"),
])
def test_a_bad_contract_is_refused_and_nothing_saved(council, client, changes, message):
    refused(add_contract(client, **changes), message)
    assert count(Contract, council) == 0


def test_a_second_contract_with_the_same_reference_is_refused(council, client):
    add_contract(client)
    refused(add_contract(client), "You already have a contract with reference HW-001")
    assert count(Contract, council) == 1


@pytest.mark.parametrize("changes, message", [
    ({"quantity": "-5"}, "The quantity cannot be negative"),
    ({"quantity": "ten"}, "The quantity must be a number"),
    ({"quantity": "1.23456"}, "at most 3 decimal places"),
    ({"quantity": "1" + "0" * 30}, "The quantity cannot be more than 1,000,000,000"),
    ({"committed_on": ["30", "2", "2024"]}, "Enter the date committed as a real date"),
    ({"committed_on": ["1", "1", "2020"]}, "has no proxy value in force on 1 January 2020"),
    ({"quantity": "", "year_0": "-1"}, "cannot be negative"),
    ({"quantity": ""}, "Enter the quantity committed, or a quantity for each contract year"),
    ({"quantity": "10", "year_0": "4"}, "is not the sum of the profile"),
])
def test_a_bad_commitment_is_refused_and_nothing_saved(council, client, measure, changes, message):
    add_contract(client)
    contract_id, _, _ = ids(council)
    refused(add_commitment(client, contract_id, measure("DEMO-02").id, **changes), message)
    assert count(Commitment, council) == 0


def test_an_unknown_measure_is_refused(council, client):
    add_contract(client)
    contract_id, _, _ = ids(council)
    refused(add_commitment(client, contract_id, 999999), "Choose one of the measures your network uses")
    assert count(Commitment, council) == 0


def test_a_measure_out_of_use_cannot_be_committed_to(council, client, measure, sv_network):
    from portal.extensions import db

    measure("DEMO-08").in_use = False
    db.session.commit()
    add_contract(client)
    contract_id, _, _ = ids(council)
    refused(add_commitment(client, contract_id, measure("DEMO-08").id), "Choose one of the measures your network uses")


@pytest.mark.parametrize("changes, message", [
    ({"period_start": ["31", "6", "2024"]}, "Enter the start of the period as a real date"),
    ({"period_end": ["1", "3", "2024"]}, "The end of the period must be on or after its start"),
    ({"quantity": "-1"}, "The quantity delivered cannot be negative"),
    ({"quantity": ""}, "Enter the quantity delivered in the period"),
    ({"count_0": "-2"}, "must be a whole number, not negative"),
    ({"count_0": ""}, "Enter how many people benefited in row 1"),
])
def test_a_bad_delivery_report_is_refused_and_nothing_saved(council, client, commitment_id, changes, message):
    refused(report_delivery(client, commitment_id, **changes), message)
    assert count(DeliveryReport, council) == 0


def test_an_overlapping_period_is_refused(council, client, commitment_id):
    assert report_delivery(client, commitment_id).status_code == 302
    refused(report_delivery(client, commitment_id, period_start=["1", "6", "2024"], period_end=["30", "9", "2024"]),
            "is already reported for this commitment")
    assert count(DeliveryReport, council) == 1


def test_a_wrong_type_or_too_big_evidence_file_is_refused_and_nothing_kept(app, council, client, commitment_id, monkeypatch):
    folder = Path(app.config["INSTANCE_DIR"]) / "evidence" / str(council.id)
    before = set(folder.iterdir()) if folder.exists() else set()
    refused(report_delivery(client, commitment_id, files=[("ok.pdf", PDF), ("virus.exe", b"MZ\x90\x00\x03\x00")]),
            "The file must be a PDF, PNG, JPEG, Excel (.xlsx), Word (.docx) or CSV file")
    monkeypatch.setattr(evidence, "MAX_BYTES", 1000)
    refused(report_delivery(client, commitment_id, files=[("big.pdf", PDF + b"0" * 2000)]), "The file is larger than")
    assert count(DeliveryReport, council) == 0 and count(EvidenceFile, council) == 0
    assert (set(folder.iterdir()) if folder.exists() else set()) == before
