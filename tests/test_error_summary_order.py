"""Does the error summary list its errors in the order the fields appear on the page?"""
import lxml.html
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from portal.widgets import wtforms_errors


def _summary_and_fields(html: str) -> tuple[list[str], list[str]]:
    page = lxml.html.fromstring(html)
    links = [a.get("href").removeprefix("#") for a in page.xpath("//div[contains(@class, 'govuk-error-summary')]//a")]
    ids_in_page_order = [e.get("id") for e in page.xpath("//main//*[@id]") if e.get("id") in links]
    return links, ids_in_page_order


def test_a_form_declared_in_another_order_is_summarised_in_page_order(app):
    class Backwards(FlaskForm):
        class Meta:
            csrf = False

        second = StringField("Second", validators=[DataRequired("Enter the second")])
        first = StringField("First", validators=[DataRequired("Enter the first")])

    with app.test_request_context(method="POST", data={}):
        form = Backwards()
        form.validate()
        page = '<input id="first"><input id="second">'
        assert [e["text"] for e in wtforms_errors(form)["errorList"]] == ["Enter the second", "Enter the first"]
        assert [e["text"] for e in wtforms_errors(form, page=page)["errorList"]] == ["Enter the first", "Enter the second"]


def test_the_contract_form_with_several_errors_lists_them_top_to_bottom(client, make_partner, make_user, sign_in):
    sign_in(make_user(make_partner(), role="officer"), client)
    response = client.post("/social-value/contracts/new", data={"value": "lots", "rlw_hours_on_a_day": "x"})
    assert response.status_code in (200, 400)
    links, in_page = _summary_and_fields(response.get_data(as_text=True))
    assert len(links) >= 3 and links == in_page


def test_the_lines_search_lists_its_errors_top_to_bottom(client, make_partner, make_user, sign_in):
    sign_in(make_user(make_partner(), role="viewer"), client)
    response = client.get("/spend/lines?min_amount=lots&max_amount=nothing&supplier=" + "x" * 201)
    links, in_page = _summary_and_fields(response.get_data(as_text=True))
    assert links == ["supplier", "min_amount", "max_amount"] == in_page
