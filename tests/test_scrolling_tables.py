"""Every GOV.UK table scrolls in its own labelled box, once, however the template wrote it."""
from __future__ import annotations

from portal.tables import scrolling_tables

TABLE = '<table class="govuk-table" data-testid="t"><caption class="govuk-table__caption">Spend &amp; lines <span>2024</span></caption><tr><td>1</td></tr></table>'


def test_a_bare_table_is_wrapped_in_a_box_named_by_its_caption():
    html = str(scrolling_tables(f"<p>before</p>{TABLE}<p>after</p>"))
    assert html == ('<p>before</p><div class="app-table-wrapper" role="region" aria-label="Spend &amp; lines 2024" tabindex="0">'
                    f"{TABLE}</div><p>after</p>")


def test_a_table_already_in_a_box_is_left_alone_and_each_of_several_is_wrapped_once():
    boxed = f'<div class="app-table-wrapper" role="region" aria-label="Mine" tabindex="0">\n{TABLE}\n</div>'
    html = str(scrolling_tables(boxed + TABLE + '<table class="other"><tr><td>x</td></tr></table>'))
    assert html.count("app-table-wrapper") == 2 and 'aria-label="Mine"' in html
    assert html.endswith('<table class="other"><tr><td>x</td></tr></table>')  # not a GOV.UK table


def test_a_table_without_a_caption_is_still_named():
    html = str(scrolling_tables('<table class="govuk-table"><tr><td>1</td></tr></table>'))
    assert 'aria-label="Table"' in html and html.endswith("</table></div>")


def test_every_page_drawn_on_the_base_template_wraps_its_tables(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        page = render_template_string('{% extends "base.html" %}{% block page %}<h1>T</h1>' + TABLE + "{% endblock %}")
    assert 'aria-label="Spend &amp; lines 2024" tabindex="0"><table class="govuk-table"' in page
