"""Can an officer find lines among many: by supplier, months, amounts and expense type, page after page?"""
from __future__ import annotations

import random
from datetime import date, timedelta

import lxml.html
import pytest
from sqlalchemy import event, insert

from portal.extensions import db
from portal.spend.models import SpendLine
from tenants import tenant_context

SUPPLIERS = ("Acme Building Services Ltd", "Rotherham Community Care", "Northern IT Solutions Ltd", "Valley Food Co-op")
EXPENSES = ("Repairs", "Care packages", "Software", "Catering")


@pytest.fixture
def many_lines(make_partner, make_user):
    """1,234 lines over 2024, several on the same day (the keyset must break ties by id)."""
    partner = make_partner()
    user = make_user(partner, role="viewer")
    other = make_partner(network=partner.network)
    chooser = random.Random(18)
    rows = []
    for n in range(1234):
        day = date(2024, 1, 1) + timedelta(days=chooser.randrange(366))
        rows.append({
            "organisation_id": partner.id, "transaction_ref": f"T-{n}", "payment_date": day, "month": day.replace(day=1),
            "amount_pence": chooser.randrange(-50_000, 2_000_000), "supplier_name": SUPPLIERS[n % 4],
            "expense_type": EXPENSES[n % 4] if n % 7 else None, "content_key": f"k{n}", "occurrence": 1,
        })
    with tenant_context(partner.id):
        db.session.execute(insert(SpendLine), rows)
        db.session.commit()
    with tenant_context(other.id):  # another partner's lines never show
        db.session.execute(insert(SpendLine), [{**rows[0], "organisation_id": other.id, "transaction_ref": "OTHER-1"}])
        db.session.commit()
    return user, rows


def _refs_on(html: str) -> list[str]:
    page = lxml.html.fromstring(html)
    return [row.xpath("./td")[2].text_content().strip() for row in page.xpath("//table[@data-testid='lines']/tbody/tr")]


def _walk(client, url: str) -> tuple[list[str], int]:
    """Every line's reference, following "Older lines" to the end; and how many pages."""
    refs, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        refs += _refs_on(html)
        pages += 1
        older = lxml.html.fromstring(html).xpath("//div[contains(@class, 'govuk-pagination__next')]//a/@href")
        url = older[0] if older else None
    return refs, pages


def _expected(rows, keep) -> list[str]:
    chosen = [r for r in rows if keep(r)]
    chosen.sort(key=lambda r: (r["payment_date"], int(r["transaction_ref"][2:])), reverse=True)
    return [r["transaction_ref"] for r in chosen]


def test_every_line_is_on_exactly_one_page_newest_first(many_lines, client, sign_in):
    user, rows = many_lines
    sign_in(user, client)
    refs, pages = _walk(client, "/spend/lines")
    # Inserted in reference order, so ids follow the references: ties on a day go highest id first.
    assert refs == _expected(rows, lambda r: True) and pages == 25  # 1,234 lines, 50 a page
    assert "1,234 lines" in client.get("/spend/lines").get_data(as_text=True)


def test_newer_lines_goes_back_to_the_page_before(many_lines, client, sign_in):
    user, _ = many_lines
    sign_in(user, client)
    first = client.get("/spend/lines").get_data(as_text=True)
    older = lxml.html.fromstring(first).xpath("//div[contains(@class, 'govuk-pagination__next')]//a/@href")[0]
    second = client.get(older).get_data(as_text=True)
    newer = lxml.html.fromstring(second).xpath("//div[contains(@class, 'govuk-pagination__prev')]//a/@href")[0]
    back = client.get(newer).get_data(as_text=True)
    assert _refs_on(back) == _refs_on(first)
    assert not lxml.html.fromstring(back).xpath("//div[contains(@class, 'govuk-pagination__prev')]")


def test_search_by_supplier_months_amounts_and_expense_type(many_lines, client, sign_in):
    user, rows = many_lines
    sign_in(user, client)
    url = "/spend/lines?supplier=acme&start=2024-03-01&end=2024-06-01&min_amount=100&max_amount=£10,000.50&expense_type=Repairs"
    refs, _ = _walk(client, url)
    assert refs == _expected(rows, lambda r: "acme" in r["supplier_name"].lower()
                             and date(2024, 3, 1) <= r["month"] <= date(2024, 6, 1)
                             and 10_000 <= r["amount_pence"] <= 1_000_050 and r["expense_type"] == "Repairs")
    assert refs  # the search found some, and kept its terms from page to page
    page = lxml.html.fromstring(client.get(url).get_data(as_text=True))
    assert page.xpath("//input[@name='supplier']/@value") == ["acme"]
    assert page.xpath("//select[@name='expense_type']/option[@selected]/@value") == ["Repairs"]


def test_a_search_for_a_percent_sign_is_taken_literally(many_lines, client, sign_in):
    user, _ = many_lines
    sign_in(user, client)
    assert "0 lines" in client.get("/spend/lines?supplier=%25").get_data(as_text=True)


def test_a_bad_amount_is_named_and_searches_nothing(many_lines, client, sign_in):
    user, _ = many_lines
    sign_in(user, client)
    response = client.get("/spend/lines?min_amount=lots&max_amount=5")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the smallest amount in pounds, like 500" in html and "govuk-error-summary" in html
    assert "1,234 lines" in html  # nothing filtered by a half-understood search
    reversed_range = client.get("/spend/lines?min_amount=500&max_amount=5")
    assert reversed_range.status_code == 400
    assert "The largest amount must be the same as or more than the smallest" in reversed_range.get_data(as_text=True)


def test_a_forged_cursor_is_the_first_page(many_lines, client, sign_in):
    user, _ = many_lines
    sign_in(user, client)
    assert _refs_on(client.get("/spend/lines?after=nonsense").get_data(as_text=True)) == \
        _refs_on(client.get("/spend/lines").get_data(as_text=True))


def _showing(html: str) -> str:
    return " ".join(lxml.html.fromstring(html).xpath("//p[@data-testid='showing']")[0].text_content().split())


def _numbers(html: str) -> list[str]:
    """The pagination's numbered items as read: a number, "…" for a gap, "[n]" for this page."""
    shown = []
    for item in lxml.html.fromstring(html).xpath("//li[contains(@class, 'govuk-pagination__item')]"):
        text = item.text_content().strip()
        shown.append(f"[{text}]" if "govuk-pagination__item--current" in item.get("class") else text)
    return shown


def _link(html: str, text: str) -> str:
    page = lxml.html.fromstring(html)
    return page.xpath(f"//li[contains(@class, 'govuk-pagination__item')]/a[normalize-space()='{text}']/@href")[0]


def test_each_page_says_where_it_sits_and_links_the_pages_a_keyset_reaches(many_lines, client, sign_in):
    user, rows = many_lines
    sign_in(user, client)
    expected = _expected(rows, lambda r: True)
    first = client.get("/spend/lines").get_data(as_text=True)
    assert _showing(first) == "Showing 1–50 of 1,234 lines"
    assert _numbers(first) == ["[1]", "2", "⋯", "25"]

    second = client.get(_link(first, "2")).get_data(as_text=True)
    assert _showing(second) == "Showing 51–100 of 1,234 lines" and _refs_on(second) == expected[50:100]
    assert _numbers(second) == ["1", "[2]", "3", "⋯", "25"]

    third = client.get(_link(second, "3")).get_data(as_text=True)
    assert _showing(third) == "Showing 101–150 of 1,234 lines" and _refs_on(third) == expected[100:150]

    last = client.get(_link(first, "25")).get_data(as_text=True)
    assert _showing(last) == "Showing 1,201–1,234 of 1,234 lines" and _refs_on(last) == expected[1200:]
    assert not lxml.html.fromstring(last).xpath("//div[contains(@class, 'govuk-pagination__next')]")

    before_last = client.get(_link(last, "24")).get_data(as_text=True)
    assert _showing(before_last) == "Showing 1,151–1,200 of 1,234 lines" and _refs_on(before_last) == expected[1150:1200]
    assert _numbers(before_last) == ["1", "⋯", "23", "[24]", "25"]

    back_to_first = client.get(_link(second, "1")).get_data(as_text=True)
    assert _refs_on(back_to_first) == expected[:50]


def test_the_numbers_count_a_search_and_keep_it_page_to_page(many_lines, client, sign_in):
    user, rows = many_lines
    sign_in(user, client)
    expected = _expected(rows, lambda r: r["supplier_name"].startswith("Acme"))  # 309 of the 1,234
    first = client.get("/spend/lines?supplier=acme").get_data(as_text=True)
    assert _showing(first) == f"Showing 1–50 of {len(expected)} lines"
    last = client.get(_link(first, "7")).get_data(as_text=True)
    assert _showing(last) == f"Showing 301–{len(expected)} of {len(expected)} lines" and _refs_on(last) == expected[300:]


def test_a_deep_page_is_read_by_keyset_not_offset(many_lines, client, sign_in):
    user, _ = many_lines
    sign_in(user, client)
    html = client.get("/spend/lines").get_data(as_text=True)
    for _ in range(3):
        html = client.get(lxml.html.fromstring(html).xpath("//div[contains(@class, 'govuk-pagination__next')]//a/@href")[0]).get_data(as_text=True)
    statements = []

    def seen(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        older = lxml.html.fromstring(html).xpath("//div[contains(@class, 'govuk-pagination__next')]//a/@href")[0]
        page = client.get(older).get_data(as_text=True)
        client.get(_link(page, "25"))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert _showing(page) == "Showing 201–250 of 1,234 lines"
    pages_read = [(s, p) for s, p in statements if "ORDER BY spend_lines.payment_date" in s]
    assert len(pages_read) == 2  # the page after a line, and the last page
    for statement, parameters in pages_read:  # SQLite writes "OFFSET ?" after every LIMIT: it must skip nothing
        assert "OFFSET" not in statement or list(parameters)[-1] == 0
    # One count a page (the total and the page's place in one pass), as before the pages had numbers.
    assert sum("count(" in s.lower() and "spend_lines" in s for s, _ in statements) == 2


def test_a_page_shifted_by_a_new_line_says_so_and_still_pages_by_newer_and_older(many_lines, client, sign_in):
    user, rows = many_lines
    sign_in(user, client)
    first = client.get("/spend/lines").get_data(as_text=True)
    older = lxml.html.fromstring(first).xpath("//div[contains(@class, 'govuk-pagination__next')]//a/@href")[0]
    with tenant_context(rows[0]["organisation_id"]):  # a line newer than all, arriving between two clicks
        db.session.execute(insert(SpendLine), [{**rows[0], "transaction_ref": "NEW-1", "payment_date": date(2025, 1, 1),
                                                "month": date(2025, 1, 1), "content_key": "new-1"}])
        db.session.commit()
    shifted = client.get(older).get_data(as_text=True)
    assert _showing(shifted) == "Showing 52–101 of 1,235 lines"
    assert _numbers(shifted) == []  # between numbered pages: no numbers to offer
    assert "Newer lines" in shifted and "Older lines" in shifted
