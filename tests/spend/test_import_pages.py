"""Can an officer upload a file, check its columns, watch it import and read the result?"""
from __future__ import annotations

import io
import re
import time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.spend import importing
from portal.spend.models import SpendColumnMapping, SpendImport, SpendLine, SpendTotal
from tenants import tenant_context

GOOD = b"Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount\n01/04/2024,T1,Acme Ltd,S60 1AE,\"1,000.00\"\n02/04/2024,T2,Far Ltd,M1 1AA,250.50\n"
BAD = GOOD + b"31/02/2024,T3,Acme Ltd,S60 1AE,10\n"


def upload(client, content: bytes, name="april.csv"):
    return client.post("/spend/imports", data={"spend_file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def run_queued(partner_id: int, import_id: int) -> None:
    """What the worker does; the task itself is tested with a real worker below."""
    with tenant_context(partner_id):
        importing.run_import(db.session, import_id)
        db.session.commit()


def test_upload_then_columns_then_result(officer, sign_in):
    client = sign_in(officer)
    response = upload(client, GOOD)
    assert response.status_code == 302
    columns_url = response.headers["Location"]
    page = client.get(columns_url).get_data(as_text=True)
    assert "Check the columns" in page
    assert re.search(r'<option[^>]*value="Net Amount"[^>]*selected', page), "the amount column is recognised"
    import_id = int(re.search(r"/imports/(\d+)/", columns_url).group(1))
    response = client.post(columns_url, data={"payment_date": "Date", "amount": "Net Amount", "supplier_name": "Supplier Name",
                                              "transaction_ref": "Transaction Number", "supplier_postcode": "Supplier Postcode"})
    assert response.status_code == 302
    waiting = client.get(f"/spend/imports/{import_id}").get_data(as_text=True)
    # No timed refresh (WCAG 2.2.1): a link to check again, and a script that shows the result when done.
    assert "<progress" in waiting and 'http-equiv="refresh"' not in waiting and "Check the progress again" in waiting
    partner_id = officer.memberships[0].organisation_id
    run_queued(partner_id, import_id)
    done = client.get(f"/spend/imports/{import_id}").get_data(as_text=True)
    assert "Import complete" in done and "<progress" not in done
    assert client.get(f"/spend/imports/{import_id}/progress.json").json == {
        "status": "imported", "phase": None, "rows_done": 2, "total_rows": 2, "finished": True}
    with tenant_context(partner_id):
        assert db.session.scalar(select(func.sum(SpendLine.amount_pence))) == 125_050
        # The officer's column choice is remembered for files laid out like this one.
        assert db.session.scalar(select(func.count(SpendColumnMapping.id))) == 1


def test_a_missing_required_column_is_asked_for_by_name(officer, sign_in):
    client = sign_in(officer)
    columns_url = upload(client, GOOD).headers["Location"]
    response = client.post(columns_url, data={"payment_date": "Date", "amount": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Choose the column that holds the amount" in page


def test_rejected_lines_are_listed_and_downloadable_and_good_lines_can_follow(officer, sign_in):
    client = sign_in(officer)
    columns_url = upload(client, BAD).headers["Location"]
    import_id = int(re.search(r"/imports/(\d+)/", columns_url).group(1))
    client.post(columns_url, data={"payment_date": "Date", "amount": "Net Amount", "supplier_name": "Supplier Name",
                                   "transaction_ref": "Transaction Number"})
    partner_id = officer.memberships[0].organisation_id
    run_queued(partner_id, import_id)
    page = client.get(f"/spend/imports/{import_id}").get_data(as_text=True)
    assert "Nothing has been imported" in page and "31/02/2024" in page
    report = client.get(f"/spend/imports/{import_id}/problems.csv")
    assert report.status_code == 200 and "text/csv" in report.content_type
    assert b"4," in report.data and b"31/02/2024" in report.data
    # Without ticking the box nothing happens, and the page says why.
    refused = client.post(f"/spend/imports/{import_id}/import-good-lines", data={})
    assert refused.status_code == 400 and "Confirm that the rejected lines will be left out" in refused.get_data(as_text=True)
    assert client.post(f"/spend/imports/{import_id}/import-good-lines", data={"confirm": "y"}).status_code == 302
    run_queued(partner_id, import_id)
    with tenant_context(partner_id):
        spend_import = db.session.get(SpendImport, import_id)
        assert (spend_import.status, spend_import.imported_count, spend_import.rejected_count) == ("imported", 2, 1)


def test_a_file_that_is_not_a_spend_file_is_refused_at_upload(officer, sign_in):
    client = sign_in(officer)
    response = upload(client, b"\x89PNG\r\n\x1a\n" + bytes(200), "photo.csv")
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    response = upload(client, b"%PDF-1.4", "spend.pdf")
    assert response.status_code == 400 and "CSV or an Excel" in response.get_data(as_text=True)


def test_a_viewer_can_read_imports_but_not_upload(officer, make_user, sign_in):
    viewer = make_user(officer.memberships[0].organisation, "viewer")
    client = sign_in(viewer)
    assert client.get("/spend/imports").status_code == 200
    assert upload(client, GOOD).status_code == 403
    assert client.get("/spend/lines/new").status_code == 403


def test_a_single_line_entered_by_hand(officer, sign_in):
    client = sign_in(officer)
    data = {"payment_date": ["5", "6", "2024"], "amount": "-£12.50", "supplier_name": "Corner Shop",
            "supplier_postcode": "s61 2ab", "transaction_ref": "M-1"}
    assert client.post("/spend/lines/new", data=data).status_code == 302
    again = client.post("/spend/lines/new", data=data)
    assert again.status_code == 400 and "You already have this line: M-1" in again.get_data(as_text=True)
    # a second line of the same invoice is another line: a reference is not a key
    assert client.post("/spend/lines/new", data={**data, "amount": "-£2.00"}).status_code == 302
    bad = client.post("/spend/lines/new", data={**data, "transaction_ref": "M-2", "amount": "twelve", "payment_date": ["31", "2", "2024"]})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "There is a problem" in text and "twelve" in text
    missing_boxes = client.post("/spend/lines/new", data={**data, "transaction_ref": "M-3", "payment_date": ["5"]})
    assert missing_boxes.status_code == 400
    partner_id = officer.memberships[0].organisation_id
    with tenant_context(partner_id):
        assert sorted(db.session.scalars(select(SpendLine.amount_pence))) == [-1250, -200]
    lines_page = client.get("/spend/lines?start=2024-06-01&end=2024-06-01").get_data(as_text=True)
    assert "Corner Shop" in lines_page and "-£12.50" in lines_page


@pytest.mark.worker
def test_a_real_worker_imports_the_file_and_refreshes_the_totals(officer, sign_in, celery_worker_process):
    client = sign_in(officer)
    columns_url = upload(client, GOOD).headers["Location"]
    import_id = int(re.search(r"/imports/(\d+)/", columns_url).group(1))
    client.post(columns_url, data={"payment_date": "Date", "amount": "Net Amount", "supplier_name": "Supplier Name",
                                   "transaction_ref": "Transaction Number", "supplier_postcode": "Supplier Postcode"})
    partner_id = officer.memberships[0].organisation_id
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = client.get(f"/spend/imports/{import_id}/progress.json").json
        if progress["finished"]:
            break
        time.sleep(0.3)
    assert progress["status"] == "imported", progress
    while time.monotonic() < deadline:
        with tenant_context(partner_id):
            total = db.session.scalar(
                select(SpendTotal.total_pence).where(SpendTotal.period_type == "month", SpendTotal.breakdown == "all")
            )
            db.session.rollback()
        if total is not None:
            break
        time.sleep(0.3)
    assert total == 125_050
