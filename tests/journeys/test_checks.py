"""Do the journey checks catch what they are for? Each is shown a page that breaks its rule."""
from __future__ import annotations

import pytest

from tests.accessibility import axe_violations

pytestmark = pytest.mark.browser


def test_axe_reports_an_image_without_a_text_alternative(journey):
    page = journey.page
    page.goto("/sign-in")
    assert axe_violations(page) == []
    page.evaluate("""() => { const img = document.createElement("img");
      img.src = "/assets/govuk/images/favicon.svg"; document.querySelector("main").append(img); }""")
    assert [v["id"] for v in axe_violations(page)] == ["image-alt"]


def test_a_page_wider_than_320px_fails_unless_the_wide_part_scrolls_in_its_own_container(journey):
    page = journey.page
    page.goto("/sign-in")
    page.evaluate("""() => { const wide = document.createElement("table");
      wide.innerHTML = "<tr><td>" + "wide ".repeat(5) + "</td><td class=x>0123456789012345678901234567890123456789</td></tr>";
      wide.id = "wide"; wide.className = "govuk-table"; document.querySelector("main").append(wide); }""")
    with pytest.raises(pytest.fail.Exception, match=r"too wide: .*table#wide"):
        journey.assert_fits_small_screen("a wide table")
    page.evaluate("""() => { const box = document.createElement("div"); box.className = "app-table-wrapper";
      const wide = document.getElementById("wide"); wide.before(box); box.append(wide); }""")
    journey.assert_fits_small_screen("the wide table in its own container")


def test_a_chart_without_its_figures_fails(journey):
    page = journey.page
    page.goto("/sign-in")
    page.evaluate("""() => document.querySelector("main").insertAdjacentHTML("beforeend",
      '<svg role="img" aria-label="Spend by month" viewBox="0 0 10 10"><rect width="5" height="5"/></svg>')""")
    with pytest.raises(AssertionError, match="Spend by month"):
        journey.assert_charts_have_figures("a bare chart")


def test_hidden_text_that_escapes_a_scroller_is_named(journey):
    """GOV.UK's visually hidden text is absolutely positioned: a scroller not positioned does not hold it in."""
    page = journey.page
    page.goto("/sign-in")
    page.set_viewport_size({"width": 320, "height": 640})
    page.evaluate("""() => { const box = document.createElement("div"); box.id = "box"; box.style.overflowX = "auto";
      box.innerHTML = '<table><tr><td>0123456789012345678901234567890123456789</td>' +
        '<td>Change<span class="govuk-visually-hidden"> the code</span></td></tr></table>';
      document.querySelector("main").append(box); box.scrollLeft = 10; }""")
    with pytest.raises(pytest.fail.Exception, match=r"too wide: .*span\.govuk-visually-hidden"):
        journey.assert_fits_small_screen("hidden text escaping its scroller")
    page.evaluate("() => { document.getElementById('box').style.position = 'relative'; }")
    journey.assert_fits_small_screen("hidden text held in by a positioned scroller")
