"""Do the dashboard's downloads open safely in a spreadsheet, with amounts as numbers?"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from portal.formatting import pounds

from .world import EVIL, YEAR, by, headline, in_year


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


def test_the_dashboard_tables_download_as_csv_with_the_page_figures(spend_world, sign_in):
    client = sign_in(spend_world.a_viewer)
    response = client.get("/spend/download.csv?year=2024")
    assert 'filename="spend-dashboard-2024.csv"' in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["Table", "Item", "Spend (£)"]
    expected = headline(in_year(spend_world.a_lines, YEAR))
    total = next(r for r in rows if r[1] == "Total spend")
    assert r_pence(total[2]) == expected["total"]
    assert r_pence(next(r for r in rows if r[1] == "Spend we could not place")[2]) == expected["unplaced"]
    tables = {r[0] for r in rows[1:]}
    assert {"Headline figures 2024 to 2025", "Spend by month 2024 to 2025", "Local share by quarter",
            "Top categories 2024 to 2025", "Largest categories leaving the area 2024 to 2025", "Top suppliers 2024 to 2025",
            "Procurable spend by IMD decile 2024 to 2025", "Procurable spend by ward 2024 to 2025"} == tables
    procurable = next(r for r in rows if r[1] == "Procurable spend")
    assert r_pence(procurable[2]) == expected["procurable"] and procurable[4] == "total spend"
    local = next(r for r in rows if r[1] == "Local spend (based or branched)")
    assert r_pence(local[2]) == expected["local"] and local[4] == "procurable spend"


def r_pence(cell: str) -> int:
    return int(Decimal(cell) * 100)


def test_a_supplier_named_like_a_formula_gets_an_apostrophe_and_amounts_stay_numbers(spend_world, sign_in):
    client = sign_in(spend_world.a_viewer)
    evil_spend = by(in_year(spend_world.a_lines, YEAR), lambda line: line.supplier)[EVIL]

    rows = csv_rows(client.get("/spend/download.csv"))
    evil = next(r for r in rows if "HYPERLINK" in r[1])
    assert evil[1] == "'" + EVIL and r_pence(evil[2]) == evil_spend

    sheet = xlsx_rows(client.get("/spend/download.xlsx"))
    evil = next(r for r in sheet if r[1] and "HYPERLINK" in r[1])
    assert evil[1] == "'" + EVIL
    assert isinstance(evil[2], (int, float)) and round(evil[2] * 100) == evil_spend

    lines = xlsx_rows(client.get("/spend/lines.xlsx?start=2024-04-01&end=2025-03-01"))
    assert lines[0][2] == "Supplier" and lines[0][-1] == "Amount (£)"
    evil_lines = [r for r in lines[1:] if "HYPERLINK" in r[2]]
    assert evil_lines and all(r[2] == "'" + EVIL for r in evil_lines)
    assert all(isinstance(r[-1], (int, float)) for r in lines[1:])
    credit = next(r for r in lines[1:] if r[1] == "A-CREDIT")
    assert credit[-1] == -250  # a credit note stays a negative number, not text


def test_the_lines_download_takes_the_same_filters_as_the_lines_page(spend_world, sign_in):
    client = sign_in(spend_world.a_viewer)
    rows = csv_rows(client.get("/spend/lines.csv?start=2024-04-01&end=2025-03-01&flag=sme"))
    expected = headline(in_year(spend_world.a_lines, YEAR))["sme"]
    assert sum(r_pence(r[-1]) for r in rows[1:]) == expected
    everything = csv_rows(client.get("/spend/lines.csv"))
    assert len(everything) - 1 == len(spend_world.a_lines)
    category = csv_rows(client.get("/spend/lines.csv?category=Food&start=2024-04-01&end=2025-03-01"))
    assert {r[5] for r in category[1:]} == {"Food"}
    page = client.get("/spend").get_data(as_text=True)
    assert "/spend/lines.xlsx?start=2024-04-01&amp;end=2025-03-01" in page
    assert pounds(expected) in page


def test_downloads_need_a_partner_and_an_unknown_format_is_not_found(spend_world, sign_in, client):
    assert client.get("/spend/download.csv").status_code == 302  # to sign in
    assert client.get("/spend/lines.csv").status_code == 302
    signed_in = sign_in(spend_world.a_viewer)
    assert signed_in.get("/spend/download.pdf").status_code == 404
    assert signed_in.get("/spend/lines.json").status_code == 404


def test_a_lines_download_is_streamed_in_chunks_and_stays_in_the_partners_scope(spend_world, sign_in, monkeypatch):
    from portal import downloads

    monkeypatch.setattr(downloads, "ROWS_PER_CHUNK", 2)  # 33 lines: many chunks, read while the answer is sent
    client = sign_in(spend_world.a_viewer)
    response = client.get("/spend/lines.csv", buffered=False)
    assert response.status_code == 200 and response.is_streamed
    chunks = list(response.response)
    response.close()
    assert len(chunks) > 10
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8").lstrip("\ufeff"))))
    assert sorted(r[1] for r in rows[1:]) == sorted(line.ref for line in spend_world.a_lines)
    assert not any(r[1].startswith("B-") for r in rows)
    # The scope ended with the answer: the next request is scoped afresh.
    assert "B-SECRET" not in client.get("/spend/lines.csv").get_data(as_text=True)


def test_an_xlsx_download_is_sent_from_a_temporary_file(spend_world, sign_in):
    client = sign_in(spend_world.a_viewer)
    response = client.get("/spend/lines.xlsx")
    assert response.headers["Content-Disposition"].startswith("attachment") and "spend-lines.xlsx" in response.headers["Content-Disposition"]
    assert len(xlsx_rows(response)) - 1 == len(spend_world.a_lines)
