"""Does a CSV file of grants import whole, or not at all with every bad line named?"""
from __future__ import annotations

import io
from datetime import date

from portal.extensions import db
from portal.grants import services
from tenants import tenant_context

GOOD = (
    "Title,Recipient,Charity number,Company number,Postcode,Amount,Award date,Programme\n"
    "Food larder,Maltby Food Bank,1123456,,s66 8aa,\"£2,500.50\",14/07/2026,Community Fund\n"
    "Boxing kit,Wath Boxing Club,,,,750,2026-05-01,\n"
)


def _upload(client, text: str, encoding="utf-8"):
    return client.post("/partner/grants/import", data={"grants_file": (io.BytesIO(text.encode(encoding)), "grants.csv")},
                       content_type="multipart/form-data")


def _grants(partner):
    with tenant_context(partner.id):
        return [(g.title, g.recipient_name, g.amount_pence, g.awarded_on, g.recipient_district)
                for g in reversed(services.partner_grants(db.session))]


def test_a_good_file_imports_every_grant(council, make_user, sign_in):
    response = _upload(sign_in(make_user(council, "officer")), GOOD)
    assert response.status_code == 302
    assert sorted(_grants(council)) == sorted([
        ("Food larder", "Maltby Food Bank", 250_050, date(2026, 7, 14), "S66"),
        ("Boxing kit", "Wath Boxing Club", 75_000, date(2026, 5, 1), None)])


def test_a_windows_file_with_a_pound_sign_is_read(council, make_user, sign_in):
    assert _upload(sign_in(make_user(council, "officer")), GOOD, encoding="cp1252").status_code == 302
    assert len(_grants(council)) == 2


def test_one_bad_line_refuses_the_whole_file_naming_each_problem(council, make_user, sign_in):
    bad = GOOD + "Bad amount,Someone,,,,lots,01/01/2026,\nNo date,Someone else,,,,10,31/02/2026,\n"
    response = _upload(sign_in(make_user(council, "officer")), bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "2 lines cannot be read" in page
    assert "<td class=\"govuk-table__cell govuk-table__cell--numeric\">4</td>" in page
    assert "<td class=\"govuk-table__cell govuk-table__cell--numeric\">5</td>" in page
    assert _grants(council) == []


def test_the_same_file_twice_does_not_count_its_grants_twice(council, make_user, sign_in):
    client = sign_in(make_user(council, "officer"))
    assert _upload(client, GOOD).status_code == 302
    again = _upload(client, GOOD)
    assert again.status_code == 400 and "already recorded" in again.get_data(as_text=True)
    assert len(_grants(council)) == 2


def test_a_file_without_the_needed_columns_is_refused(council, make_user, sign_in):
    response = _upload(sign_in(make_user(council, "officer")), "Name,Money\nX,1\n")
    assert response.status_code == 400 and "missing: Title, Recipient, Amount, Award date" in response.get_data(as_text=True)


def test_a_viewer_cannot_import(council, make_user, sign_in):
    assert _upload(sign_in(make_user(council, "viewer")), GOOD).status_code == 403
    assert _grants(council) == []
