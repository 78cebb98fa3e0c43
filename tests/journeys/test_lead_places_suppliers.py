"""Can the network lead load the registers, settle a match, set the area, correct a supplier's postcode and see the figures follow?

The lead loads a small ONS postcode directory and a small Companies House file through the
registers page (the real worker loads them, then matches and places the suppliers); reviews the
supplier the registers could not tell apart (one candidate accepted, the next "none of these");
sets the network's area by GSS code (a bad code first, shown beside its field); corrects one
supplier's postcode by hand; and reads the dashboard's shares "of procurable spend", worked out
here from the spend lines below. Every form here is a plain HTML form: the last steps are done
again in a browser with JavaScript turned off.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.registers import samples
from tests.conftest import PASSWORD
from tests.network.conftest import import_rows

from .conftest import sign_in
from .keyboard import assert_error_summary, submit_by_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.worker]

ROTHERHAM, SHEFFIELD, LEEDS = "E08000018", "E08000019", "E08000035"
YORKSHIRE = "E12000003"
# postcode -> (district, ward, IMD rank)
DIRECTORY = {
    "S60 1AA": (ROTHERHAM, "E05001000", 3000),
    "S60 2AA": (ROTHERHAM, "E05001001", 9000),
    "S1 2AB": (SHEFFIELD, "E05010101", 15000),
    "LS1 1AA": (LEEDS, "E05011111", 30000),
}
DISTRICT_NAMES = [(ROTHERHAM, "Rotherham"), (SHEFFIELD, "Sheffield"), (LEEDS, "Leeds")]
COMPANIES = [
    {"number": "10", "name": "TWIN LIMITED", "postcode": "S60 1AA", "address": "1 Mill Lane, Rotherham"},
    {"number": "11", "name": "TWIN PLC", "postcode": "LS1 1AA", "address": "2 Park Row, Leeds",
     "status": "Active - Proposal to Strike off"},
    {"number": "31", "name": "PENNINE ROOFING AND GUTTERING SERVICES LIMITED", "postcode": "LS1 1AA",
     "address": "3 Calder Street, Leeds"},
]
# The council's lines: (date, ref, supplier, postcode in the file, amount).
LINES = [
    ("01/04/2024", "C-1", "Twin", "", "100.00"),
    ("02/05/2024", "C-2", "Twin", "", "50.00"),
    ("03/04/2024", "C-3", "Pennine Roofing and Guttering", "", "10.00"),
    ("04/06/2024", "C-4", "Rother Bakery", "S1 2AB", "40.00"),
    ("05/07/2024", "C-5", "Leeds Widgets", "LS1 1AA", "20.00"),
    ("06/08/2024", "C-6", "HM Revenue & Customs", "", "30.00"),
]


def pence(supplier: str) -> int:
    return sum(round(float(amount) * 100) for _, _, name, _, amount in LINES if name == supplier)


def pounds(p: int) -> str:
    return f"£{round(p / 100):,}"


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%"


@pytest.fixture
def lead_world(make_network, make_partner, make_user, celery_worker_process):
    network = make_network("Calder Anchors", local_area=("S60",))
    council = make_partner("Calder Council", network)
    council.shares_lines_with_lead = True
    db.session.commit()
    lead = make_user(council, "officer", email="lead@calder.org", lead_of=network, name="Lena Lead")
    import_rows(council, [[day, ref, name, postcode, amount, "Works", ""] for day, ref, name, postcode, amount in LINES])
    return network, lead


def register_files(folder):
    directory = [{"postcode": postcode, "district": district, "ward": ward, "lsoa": f"E0100{n:04d}", "region": YORKSHIRE,
                  "country": "E92000001", "imd": imd} for n, (postcode, (district, ward, imd)) in enumerate(DIRECTORY.items())]
    return {
        "postcodes": samples.write_postcodes(folder / "NSPL_NOV_2026_UK.zip", directory,
                                             area_names={"LA_UA names and codes UK as at 04_24.csv": DISTRICT_NAMES}),
        "companies": samples.write_companies(folder / "BasicCompanyDataAsOneFile-2026-11-01.zip", COMPANIES),
    }


def load_register(journey, label: str, path, entries: int) -> None:
    page = journey.page
    page.get_by_label(label).check()
    page.get_by_label("Upload the file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and load").click()
    expect(page).to_have_url(re.compile(r"/network/registers/loads/\d+$"))
    journey.check(f"register-load-{path.stem}")
    # No timed refresh on the page: the lead follows "Check the progress again" until the worker is done.
    for _ in range(60):
        if page.get_by_text("Register loaded").count() or page.get_by_text("The load failed").count():
            break
        page.wait_for_timeout(500)
        with page.expect_navigation():
            page.get_by_test_id("check-progress").click()
    expect(page.get_by_role("main")).to_contain_text(f"Register loaded {entries} entries now in use")
    journey.check(f"register-loaded-{path.stem}")
    page.get_by_role("link", name="Back to the official registers").click()


def reload_until(page, ready, tries: int = 60) -> None:
    """Reload until ``ready()`` (the worker works after the page answered)."""
    for _ in range(tries):
        if ready():
            return
        page.wait_for_timeout(500)
        page.reload()
    assert ready(), f"{page.url} never showed what the worker should have done"


def test_the_lead_loads_registers_settles_matches_sets_the_area_and_the_figures_follow(journey, lead_world, tmp_path,
                                                                                       browser, live_server):
    network, lead = lead_world
    page = journey.page
    files = register_files(tmp_path)
    sign_in(journey, lead.email)

    # The registers: none loaded; an upload with no file is refused beside the field; then both load.
    page.goto("/network/registers")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Official registers")
    expect(page.get_by_test_id("registers")).to_contain_text("None loaded yet")
    journey.check("registers")
    page.watch.allow(r"status of 400")
    page.get_by_label("ONS postcode directory").check()
    submit_by_keyboard(page, page.get_by_role("button", name="Upload and load"))
    assert_error_summary(page, ["register_file"])
    journey.check("registers-error")
    load_register(journey, "ONS postcode directory", files["postcodes"], len(DIRECTORY))
    load_register(journey, "Companies House Free Company Data Product", files["companies"], len(COMPANIES))
    registers = page.get_by_test_id("registers")
    expect(registers.locator('[data-register="postcodes"]')).to_contain_text("NSPL_NOV_2026_UK.zip")
    expect(registers.locator('[data-register="companies"]')).to_contain_text("1 November 2026")
    journey.check("registers-loaded")

    # The review: Twin (the most spend) first, two Companies House entries; the lead picks TWIN LIMITED.
    review = f"/network/{network.id}/suppliers/register-matches"
    page.goto(review)
    reload_until(page, lambda: page.get_by_test_id("supplier-name").count() > 0)
    expect(page.get_by_test_id("remaining")).to_have_text("2 suppliers to review.")
    expect(page.get_by_test_id("supplier-name")).to_have_text("Twin")
    expect(page.get_by_test_id("candidates")).to_contain_text("TWIN PLC")
    journey.check("register-matches")
    submit_by_keyboard(page, page.get_by_role("button", name="Save and see the next"))
    assert_error_summary(page, ["choice"])
    journey.check("register-matches-error")
    page.get_by_label("TWIN LIMITED, Companies House 00000010").check()
    page.get_by_role("button", name="Save and see the next").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Twin is TWIN LIMITED")
    expect(page.get_by_test_id("supplier-name")).to_have_text("Pennine Roofing and Guttering")
    journey.check("register-matches-next")
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Save and see the next").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "None of the register entries is Pennine Roofing and Guttering")
    expect(page.get_by_test_id("nothing-to-review")).to_be_visible()
    journey.check("register-matches-done")

    # The area: a bad code is shown beside its field; then Rotherham, with Sheffield as the wider tier.
    page.goto(f"/network/{network.id}/area")
    expect(page.get_by_role("heading", level=1)).to_contain_text("The network's area")
    journey.check("area")
    area = page.get_by_label("Local authority districts in the local area")
    area.fill("E0800001X")
    page.get_by_role("button", name="Save the area").click()
    assert_error_summary(page, ["area_codes"])
    expect(page.locator("#area_codes-error")).to_contain_text("E0800001X is not a local authority district code")
    journey.check("area-error")
    area.fill(ROTHERHAM)
    page.get_by_label("Name of the wider area (optional)").fill("South Yorkshire")
    page.get_by_label("Local authority districts in the wider area (optional)").fill(SHEFFIELD)
    expect(page.get_by_label("Tax (HMRC)")).to_be_checked()
    page.get_by_role("button", name="Save the area").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The area is saved")
    expect(page.get_by_test_id("area-now")).to_contain_text(f"Rotherham ({ROTHERHAM})")
    expect(page.get_by_test_id("area-now")).to_contain_text(f"Sheffield ({SHEFFIELD})")
    journey.check("area-saved")

    # The dashboard: procurable is everything but HMRC's; local is Twin's (now in Rotherham) alone.
    total = sum(round(float(amount) * 100) for *_, amount in LINES)
    procurable = total - pence("HM Revenue & Customs")
    local = pence("Twin")
    page.goto("/spend")
    expected = {"procurable-pence": pounds(procurable), "procurable-share": f"{share(procurable, total)} of total spend",
                "local-pence": pounds(local), "local-share": f"{share(local, procurable)} of procurable spend"}
    reload_until(page, lambda: _figures_are(page, expected))
    page.get_by_text("How we count this").first.click()
    rule = page.get_by_test_id("counting-rule")
    expect(rule).to_contain_text(f"Rotherham ({ROTHERHAM})")
    expect(rule).to_contain_text("Companies House company data: file of 1 November 2026")
    expect(rule).to_contain_text("ONS postcode directory: file of 1 November 2026")
    journey.check("dashboard-before")

    # The lead corrects Rother Bakery's postcode (its file said Sheffield): set by hand, now local.
    page.goto(f"/network/{network.id}/suppliers")
    page.get_by_role("link", name="Rother Bakery").first.click()
    placement = page.get_by_test_id("placement")
    expect(placement).to_contain_text("From a partner's spend file")
    expect(placement).to_contain_text(f"Sheffield ({SHEFFIELD})")
    journey.check("supplier")
    page.get_by_label("Postcode of its registered office or address").fill("S60 2AA")
    page.get_by_role("button", name="Save where it is").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Where Rother Bakery is has been saved")
    expect(placement).to_contain_text("Set by hand by Lena Lead")
    expect(placement).to_contain_text(f"Rotherham ({ROTHERHAM})")
    expect(placement).to_contain_text("Based in the local area")
    journey.check("supplier-placed")

    local = pence("Twin") + pence("Rother Bakery")
    expected.update({"local-pence": pounds(local), "local-share": f"{share(local, procurable)} of procurable spend"})
    page.goto("/spend")
    reload_until(page, lambda: _figures_are(page, expected))
    journey.check("dashboard-after")
    journey.screenshot("lead-places-suppliers")

    # Without JavaScript the same forms still work: a bad region code is refused beside its field,
    # and a supplier's postcode set by hand is saved and shown as the lead's.
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    try:
        plain = context.new_page()
        plain.goto("/sign-in")
        plain.get_by_label("Email address").fill(lead.email)
        plain.get_by_label("Password", exact=True).fill(PASSWORD)
        plain.get_by_role("button", name="Sign in").click()
        expect(plain.get_by_test_id("signed-in-as")).to_be_visible()
        plain.goto(f"/network/{network.id}/area")
        plain.get_by_label("Region (optional)").fill("Yorkshire")
        plain.get_by_role("button", name="Save the area").click()
        expect(plain).to_have_title(re.compile(r"^Error: "))
        expect(plain.locator("#region_code-error")).to_contain_text("Yorkshire is not a region code")
        expect(plain.get_by_label("Local authority districts in the local area")).to_have_value(ROTHERHAM)
        plain.goto(f"/network/{network.id}/suppliers")
        plain.get_by_role("link", name="Leeds Widgets").first.click()
        plain.get_by_label("Postcode of its registered office or address").fill("S60 1AA")
        plain.get_by_role("button", name="Save where it is").click()
        expect(plain.get_by_test_id("placement")).to_contain_text("Set by hand by Lena Lead")
        expect(plain.get_by_test_id("placement")).to_contain_text("Based in the local area")
    finally:
        context.close()


def _figures_are(page, expected: dict[str, str]) -> bool:
    """The dashboard's headline figures are these (none yet before the worker's first totals)."""
    found = {}
    for key in expected:
        figure = page.get_by_test_id(f"headline-{key}")
        text = figure.inner_text().strip() if figure.count() else None
        # A headline in pounds shows its exact figure last, under the abbreviation.
        found[key] = text.split()[-1] if text and key.endswith("-pence") else text
    return found == expected
