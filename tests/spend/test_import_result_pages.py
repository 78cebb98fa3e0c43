"""Can an officer read an honest result, see a corrected file's differences, choose, download each group, withdraw?"""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.spend.models import RetiredSpendLine, SpendImport, SpendLine, SpendTotalsPending
from tenants import tenant_context
from tenants.models import AuditEvent

from .test_import_pages import run_queued, upload

APRIL = (b"Date,Transaction Number,Supplier Name,Net Amount\n"
         b"01/04/2024,INV1,Acme Ltd,2.70\n01/04/2024,INV1,Acme Ltd,2.70\n01/04/2024,INV1,Acme Ltd,5.00\n"
         b"02/04/2024,INV2,Beta Care,100.00\n03/04/2024,INV3,,40.00\n")
CORRECTED = (b"Date,Transaction Number,Supplier Name,Net Amount\n"
             b"01/04/2024,INV1,Acme Ltd,2.70\n01/04/2024,INV1,Acme Ltd,2.70\n01/04/2024,INV1,Acme Ltd,5.00\n"
             b"02/04/2024,INV2,Beta Care,110.00\n04/04/2024,INV4,Gamma Foods,7.00\n")
MAPPING = {"payment_date": "Date", "amount": "Net Amount", "supplier_name": "Supplier Name", "transaction_ref": "Transaction Number"}


def imported(client, partner_id, content, name="april.csv") -> int:
    columns_url = upload(client, content, name).headers["Location"]
    import_id = int(re.search(r"/imports/(\d+)/", columns_url).group(1))
    assert client.post(columns_url, data=MAPPING).status_code == 302
    run_queued(partner_id, import_id)
    return import_id


def download(client, url) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_result_states_every_count_the_net_total_and_the_months_with_their_dashboard(officer, sign_in):
    client, partner_id = sign_in(officer), officer.memberships[0].organisation_id
    import_id = imported(client, partner_id, APRIL)
    page = client.get(f"/spend/imports/{import_id}").get_data(as_text=True)
    assert "Import complete" in page and "5 lines imported" in page
    result = re.search(r'data-testid="import-result".*?</dl>', page, re.DOTALL).group(0)
    for label, value in [("Lines read", "5"), ("Lines imported", "5"), ("Lines already held", "0"),
                         ("Lines rejected", "0"), ("The file&#39;s own net total", "£150.40")]:
        assert re.search(rf"{label}\s*</dt>\s*<dd[^>]*>\s*{re.escape(value)}", result), label
    assert "3 lines share their transaction reference" in page
    assert 'href="/spend?year=2024"' in page and "April 2024" in page
    listing = client.get("/spend/imports").get_data(as_text=True)
    assert "Already held" in listing and "Lines read" in listing
    with tenant_context(partner_id):  # the blank payee counts, named as not named
        assert db.session.scalar(select(func.count(SpendLine.id)).where(SpendLine.payee_unnamed)) == 1
    lines = client.get("/spend/lines").get_data(as_text=True)
    assert "Not named or redacted" in lines


def test_a_reimport_says_every_line_is_already_held_and_offers_their_line_numbers(officer, sign_in):
    client, partner_id = sign_in(officer), officer.memberships[0].organisation_id
    imported(client, partner_id, APRIL)
    again = imported(client, partner_id, APRIL)
    page = client.get(f"/spend/imports/{again}").get_data(as_text=True)
    assert "0 lines imported, 5 already held" in page and "Duplicate" not in page
    rows = download(client, f"/spend/imports/{again}/already-held.csv")
    assert [row[0] for row in rows[1:]] == ["2", "3", "4", "5", "6"] and "earlier import holds" in rows[1][1]


def test_a_corrected_file_shows_its_differences_then_replaces_cleanly(officer, sign_in):
    client, partner_id = sign_in(officer), officer.memberships[0].organisation_id
    first = imported(client, partner_id, APRIL)
    corrected = imported(client, partner_id, CORRECTED, "april-corrected.csv")
    page = client.get(f"/spend/imports/{corrected}").get_data(as_text=True)
    assert "Nothing has been saved yet" in page and "Replace those months with this file" in page
    comparison = re.search(r'data-testid="comparison".*?</dl>', page, re.DOTALL).group(0)
    assert [int(x) for x in re.findall(r"<dd[^>]*>\s*(\d+)", comparison)] == [3, 1, 1, 1]  # already, new, missing, changed
    changed = download(client, f"/spend/imports/{corrected}/changed.csv")
    assert changed[1][:5] == ["5", "INV2", "2024-04-02", "110.00", "Beta Care"] and changed[1][7:] == ["100.00", "Beta Care"]
    assert download(client, f"/spend/imports/{corrected}/new.csv")[1][:2] == ["6", "INV4"]
    assert download(client, f"/spend/imports/{corrected}/missing.csv")[1][1:2] == ["INV3"]
    assert [row[0] for row in download(client, f"/spend/imports/{corrected}/already-held.csv")[1:]] == ["2", "3", "4"]
    with tenant_context(partner_id):
        assert db.session.scalar(select(func.sum(SpendLine.amount_pence))) == 15_040  # nothing written yet

    assert client.post(f"/spend/imports/{corrected}/choice", data={}).status_code == 400  # a choice is required
    assert client.post(f"/spend/imports/{corrected}/choice", data={"choice": "replace"}).status_code == 302
    run_queued(partner_id, corrected)
    with tenant_context(partner_id):
        assert db.session.scalar(select(func.sum(SpendLine.amount_pence))) == 12_740  # the corrected file's own total
        retired = db.session.scalars(select(RetiredSpendLine).order_by(RetiredSpendLine.amount_pence)).all()
        assert [(r.amount_pence, r.spend_import_id, r.retired_by_import_id) for r in retired] == [
            (4_000, first, corrected), (10_000, first, corrected)]
        assert db.session.get(SpendImport, corrected).overlap_choice == "replace"
        replaced = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "spend_import.lines_replaced"))
        assert (replaced.user_id, replaced.detail["lines"]) == (officer.id, 2)
    page = client.get(f"/spend/imports/{corrected}").get_data(as_text=True)
    assert "Import complete" in page and "2 lines imported, 3 already held" in page


def test_withdrawing_an_import_stops_its_lines_counting_and_says_who(officer, sign_in):
    client, partner_id = sign_in(officer), officer.memberships[0].organisation_id
    import_id = imported(client, partner_id, APRIL)
    assert client.post(f"/spend/imports/{import_id}/withdraw", data={}).status_code == 400  # confirmation required
    assert client.post(f"/spend/imports/{import_id}/withdraw", data={"confirm": "y"}).status_code == 302
    with tenant_context(partner_id):
        assert db.session.scalar(select(func.count(SpendLine.id))) == 0
        assert db.session.scalar(select(func.count(RetiredSpendLine.id))) == 5
        assert db.session.scalar(select(func.count(SpendTotalsPending.id))) >= 1
        changed = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "SpendImport",
                                                              AuditEvent.object_id == import_id).order_by(AuditEvent.id.desc())).first()
        named = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "spend_import.withdrawn"))
    assert changed.user_id == officer.id and changed.after.get("status") == "withdrawn" and changed.at is not None
    assert (named.user_id, named.detail["import_id"], named.detail["lines"]) == (officer.id, import_id, 5)
    page = client.get(f"/spend/imports/{import_id}").get_data(as_text=True)
    assert "This import was withdrawn" in page
    assert client.post(f"/spend/imports/{import_id}/withdraw", data={"confirm": "y"}).status_code == 400


def test_a_viewer_can_read_the_result_but_not_choose_or_withdraw(officer, sign_in, make_user):
    client, partner_id = sign_in(officer), officer.memberships[0].organisation_id
    imported(client, partner_id, APRIL)
    corrected = imported(client, partner_id, CORRECTED)
    from tenants.models import Organisation

    viewer = make_user(db.session.get(Organisation, partner_id), "viewer", email="viewer@rmbc.org")
    reader = sign_in(viewer)
    page = reader.get(f"/spend/imports/{corrected}").get_data(as_text=True)
    assert "An officer or admin of your organisation can choose" in page
    assert reader.post(f"/spend/imports/{corrected}/choice", data={"choice": "add"}).status_code == 403
