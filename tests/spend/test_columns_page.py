"""Can an officer see what each column holds while choosing columns, and how references repeat?"""
from __future__ import annotations

import io
import re

import pytest

from portal.spend import column_preview

REPEATED = (
    b"Date,Transaction Number,Invoice Number,Supplier Name,Net Amount\n"
    b"01/04/2024,T1,INV-9,Acme Ltd,\"1,000.00\"\n"
    b"01/04/2024,T1,INV-9,Acme Ltd,20.00\n"
    b"02/04/2024,T1,INV-9,Acme Ltd,30.00\n"
    b"02/04/2024,T2,INV-8,Far Ltd,250.50\n"
    b"03/04/2024,T2,INV-8,Far Ltd,-5.00\n"
    b"03/04/2024,T3,INV-7,Near Ltd,7.00\n"
    b"04/04/2024,T4,INV-7,Near Ltd,8.00\n"
)
UNIQUE = (
    b"Date,Transaction Number,Invoice Number,Supplier Name,Net Amount\n"
    b"01/04/2024,T1,INV-9,Acme Ltd,10.00\n"
    b"02/04/2024,T2,INV-9,Far Ltd,20.00\n"
    b"03/04/2024,T3,INV-9,,30.00\n"
    b"04/04/2024,T4,INV-8,Near Ltd,40.00\n"
)


@pytest.fixture
def officer(make_partner, make_network, make_user):
    partner = make_partner("Rotherham Council", make_network("Demo", local_area=("S60", "S61")))
    return make_user(partner, "officer", email="officer@rmbc.org")


def columns_page(client, content: bytes, name="april.csv") -> str:
    """Upload a file and return the address of its columns page."""
    response = client.post("/spend/imports", data={"spend_file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def hint(page: str, field: str) -> str:
    found = re.search(rf'<div id="{field}-hint" class="govuk-hint">\s*(.*?)\s*</div>', page, re.DOTALL)
    return found.group(1) if found else ""


def test_the_first_three_values_of_the_chosen_column_are_under_its_field(officer, sign_in):
    client = sign_in(officer)
    page = client.get(columns_page(client, REPEATED)).get_data(as_text=True)
    assert hint(page, "amount") == "First values in ‘Net Amount’: 1,000.00, 20.00, 30.00"
    assert hint(page, "supplier_name") == "First values in ‘Supplier Name’: Acme Ltd, Acme Ltd, Acme Ltd"
    assert hint(page, "category") == ""  # no column chosen, nothing to show


def test_blank_cells_are_skipped_and_every_column_is_listed(officer, sign_in):
    client = sign_in(officer)
    page = client.get(columns_page(client, UNIQUE)).get_data(as_text=True)
    assert hint(page, "supplier_name") == "First values in ‘Supplier Name’: Acme Ltd, Far Ltd, Near Ltd"
    table = page[page.index("Your file's columns</h2>"):]
    for header in ("Date", "Transaction Number", "Invoice Number", "Supplier Name", "Net Amount"):
        assert f'<th scope="row" class="govuk-table__header">{header}</th>' in table
    assert "<li>INV-9</li><li>INV-9</li><li>INV-9</li>" in table


def test_an_unnamed_column_is_listed_by_its_place(officer, sign_in):
    client = sign_in(officer)
    unnamed = b",Date,Supplier,Amount,Transaction Number\nINSERTED,01/04/2024,Acme,1.00,T1\n"
    page = client.get(columns_page(client, unnamed, "unnamed.csv")).get_data(as_text=True)
    assert '<th scope="row" class="govuk-table__header">Column 1</th>' in page
    assert "<li>INSERTED</li>" in page
    assert not re.search(r'<option[^>]*value="Column 1"[^>]*selected', page)


def test_required_fields_are_marked(officer, sign_in):
    client = sign_in(officer)
    page = client.get(columns_page(client, UNIQUE)).get_data(as_text=True)
    for label in ("Payment date", "Amount", "Supplier name"):
        assert f"{label} (required)" in page
    assert "Transaction reference (required)" not in page
    assert "Supplier postcode (required)" not in page


def test_repeated_references_are_explained_with_their_counts(officer, sign_in):
    client = sign_in(officer)
    page = client.get(columns_page(client, REPEATED)).get_data(as_text=True)
    assert "7 lines share 4 transaction numbers: 3 lines have a transaction number an earlier line also has." in page
    assert "This is normal: an invoice has several lines, and no line will be dropped." in page


def test_unique_references_say_nothing(officer, sign_in):
    client = sign_in(officer)
    page = client.get(columns_page(client, UNIQUE)).get_data(as_text=True)
    assert 'data-testid="repeated-references"' not in page and "This is normal" not in page


def test_the_submitted_reference_is_counted_when_the_form_comes_back(officer, sign_in):
    client = sign_in(officer)
    url = columns_page(client, UNIQUE)
    response = client.post(url, data={"payment_date": "Date", "amount": "", "supplier_name": "Supplier Name",
                                      "transaction_ref": "Invoice Number"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose the column that holds the amount" in page
    assert "There is a problem" in page
    assert "4 lines share 2 transaction numbers: 2 lines have a transaction number an earlier line also has." in page
    assert hint(page, "transaction_ref") == "First values in ‘Invoice Number’: INV-9, INV-9, INV-9"


def test_repeated_references_never_stop_the_import(officer, sign_in):
    client = sign_in(officer)
    url = columns_page(client, REPEATED)
    response = client.post(url, data={"payment_date": "Date", "amount": "Net Amount", "supplier_name": "Supplier Name",
                                      "transaction_ref": "Transaction Number"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url.rsplit("/", 1)[0])


def test_a_long_file_says_the_counts_are_from_its_first_lines(officer, sign_in, monkeypatch):
    monkeypatch.setitem(column_preview.ROW_LIMITS, "csv", 4)
    client = sign_in(officer)
    page = client.get(columns_page(client, REPEATED)).get_data(as_text=True)
    assert "In the first 4 lines, 4 lines share 2 transaction numbers: 2 lines have" in page
    assert "in the first 4 lines" in page  # above the table of columns too
