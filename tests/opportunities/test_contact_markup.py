"""Is an opportunity's contact shown as a name and a mail link, never as raw HTML, and its words escaped?"""
from __future__ import annotations


def _public_page(client, network, opportunity_id) -> str:
    response = client.get(f"/networks/{network.slug}/opportunities/{opportunity_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_contact_is_a_name_and_a_mailto_link_not_markup_as_text(client, network, council, make_opportunity):
    html = _public_page(client, network, make_opportunity(council))
    assert 'Pat Buyer<br><a class="govuk-link" href="mailto:pat@council.example">pat@council.example</a>' in html
    assert "&lt;br&gt;" not in html and "&lt;a class" not in html


def test_a_contact_name_with_markup_in_it_is_escaped(client, network, council, make_opportunity):
    html = _public_page(client, network, make_opportunity(council, contact_name='<b onclick="x()">Pat</b>'))
    assert '<b onclick="x()">' not in html
    assert "&lt;b onclick=" in html
