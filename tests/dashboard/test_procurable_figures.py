"""Do the dashboards count shares of procurable spend, say how, and show where the spend goes by ward and deprivation?"""
from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from portal.extensions import db
from portal.formatting import percent, pounds
from portal.spend.queries import share

from .pages import Page, bars
from .world import WARD_NAMES, YEAR, headline, in_year, procurable_by, recompute

EXCLUDED_IN_WORDS = ("public bodies (councils, NHS bodies, police, government), tax (HMRC), pension funds and "
                     "individuals and payees not named or redacted")


def partner_page(world, sign_in) -> Page:
    response = sign_in(world.a_viewer).get("/spend")
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def _decile(supplier: dict) -> str:
    return "" if supplier.get("imd_decile") is None else str(supplier["imd_decile"])


def test_how_we_count_this_states_the_rule_the_area_and_the_register_dates(spend_world, sign_in):
    rule = partner_page(spend_world, sign_in).text("counting-rule")
    assert f"total spend less payments to {EXCLUDED_IN_WORDS}" in rule
    assert "in one of the area's local authority districts: Rotherham (E08000018)" in rule
    assert "Sheffield City Region (Sheffield (E08000019), Barnsley (E08000016))" in rule
    assert "ONS postcode directory" in rule and "registered office" in rule
    # The latest file loaded of each register; a failed later load does not count; none loaded says so.
    assert "Companies House company data: file of 1 November 2026" in rule
    assert "ONS postcode directory: file of 1 August 2026" in rule
    assert "Charity Commission register: not loaded" in rule and "FCA Mutuals Public Register: not loaded" in rule
    assert "2030" not in rule and "2020" not in rule


def test_spend_by_imd_decile_is_procurable_spend_added_up_line_by_line(spend_world, sign_in):
    page = partner_page(spend_world, sign_in)
    lines = in_year(spend_world.a_lines, YEAR)
    expected = procurable_by(lines, _decile)
    procurable = headline(lines)["procurable"]
    rows = page.table("table-imd")
    assert [r[0][0] for r in rows] == ["1 (most deprived)", "2", "3", "4", "5", "6", "7", "8", "9", "10 (least deprived)",
                                       "Not known"]
    keys = [str(n) for n in range(1, 11)] + [""]
    for key, row in zip(keys, rows):
        assert row[1][0] == pounds(expected.get(key, 0)), key
        assert row[2][0] == percent(share(expected.get(key, 0), procurable)), key
    # HMRC's (tax) spend is in no decile: it is not procurable.
    assert sum(expected.values()) == procurable
    most = expected["1"] + expected["2"]
    assert most and pounds(most) in page.text("most-deprived")
    assert f"{percent(share(most, procurable))} of procurable spend" in page.text("most-deprived")
    chart = page.by_testid("chart-imd")
    assert "by IMD decile" in chart.find_all("svg")[0].attrs["aria-label"]


def test_spend_by_ward_is_named_largest_first_and_leads_to_its_lines(spend_world, sign_in):
    client = sign_in(spend_world.a_viewer)
    page = Page(client.get("/spend").get_data(as_text=True))
    lines = in_year(spend_world.a_lines, YEAR)
    expected = procurable_by(lines, lambda s: s.get("ward_code") or "")
    unknown = expected.pop("")
    order = sorted(expected, key=lambda k: (-expected[k], k))
    rows = page.table("table-wards")
    assert [(r[0][0], r[1][0]) for r in rows] == [
        *((WARD_NAMES.get(k, k), pounds(expected[k])) for k in order), ("Ward not known", pounds(unknown))]
    assert "E05011111" in [r[0][0] for r in rows]  # a ward with no name loaded shows its code
    # Each ward's link leads to procurable lines that add up to its figure.
    _label, href = rows[0][0]
    csv_text = client.get("/spend/lines.csv?" + urlsplit(href).query).get_data(as_text=True).lstrip("\ufeff")
    assert sum(Decimal(r.rsplit(",", 1)[1]) for r in csv_text.strip().splitlines()[1:]) * 100 == expected[order[0]]
    assert len(bars(page.charts()[4])) == len(rows)


def test_a_network_that_excludes_nothing_counts_every_payment(spend_world, sign_in):
    network = spend_world.network
    network.excluded_kinds = []
    db.session.commit()
    recompute(network, [spend_world.a, spend_world.b])
    page = partner_page(spend_world, sign_in)
    expected = headline(in_year(spend_world.a_lines, YEAR), excluded=())
    assert expected["procurable"] == expected["total"]
    assert page.text("headline-procurable-pence").split()[-1] == pounds(expected["total"])
    assert page.text("headline-procurable-share") == "100.0% of total spend"
    assert page.text("headline-local-share") == f"{percent(share(expected['local'], expected['total']))} of procurable spend"
    assert "less payments to nothing: every payment counts" in page.text("counting-rule")


def test_excluding_more_classes_changes_every_share_as_the_rule_says(spend_world, sign_in):
    network = spend_world.network
    network.excluded_kinds = ["tax", "vcse"]
    db.session.commit()
    recompute(network, [spend_world.a, spend_world.b])
    page = partner_page(spend_world, sign_in)
    expected = headline(in_year(spend_world.a_lines, YEAR), excluded=("tax", "vcse"))
    assert expected["vcse"] == 0 and expected["branched"] == 0  # Valley Care, the VCSE, is the branched supplier
    for key in ("procurable", "local", "based", "branched", "unplaced", "sme", "living_wage"):
        assert page.text(f"headline-{key}-pence").split()[-1] == pounds(expected[key]), key
    assert page.text("headline-sme-share") == f"{percent(share(expected['sme'], expected['procurable']))} of procurable spend"
    assert "less payments to voluntary, community and social enterprise organisations and tax (HMRC):" in page.text("counting-rule")


def test_the_public_summary_shows_wards_and_deciles_only_where_two_partners_spent(spend_world, client):
    page = Page(client.get(f"/networks/{spend_world.network.slug}").get_data(as_text=True))
    both = in_year(spend_world.a_lines + spend_world.b_lines, YEAR)
    procurable = headline(both)["procurable"]
    deciles = procurable_by(both, _decile)
    rows = {r[0][0]: r[1][0] for r in page.table("table-imd")}
    # Decile 2 is Valley Care's, which both partners paid; decile 1 is Rotherham Builders', partner A's alone.
    assert rows["2"] == pounds(deciles["2"])
    assert rows["1 (most deprived)"] == "Not shown*"
    assert rows["5"] == "Not shown*" and rows["4"] == "£0"
    assert pounds(deciles["1"]) not in page.html
    # The most deprived fifth would take in decile 1: withheld too.
    assert page.text("most-deprived").startswith("Not shown*")
    wards = procurable_by(both, lambda s: s.get("ward_code") or "")
    ward_rows = [(r[0][0], r[1][0], r[2][0]) for r in page.table("table-wards")]
    assert ("Manor Castle", pounds(wards["E05010101"]), percent(share(wards["E05010101"], procurable))) in ward_rows
    assert "Boston Castle" not in page.html
    assert "not shown" in page.text("places-withheld")
    assert "Companies House company data: file of 1 November 2026" in page.text("counting-rule")


def test_the_lead_sees_combined_wards_and_deciles_in_full(spend_world, make_user, sign_in):
    lead = make_user(spend_world.a, "officer", lead_of=spend_world.network)
    page = Page(sign_in(lead).get(f"/network/{spend_world.network.id}").get_data(as_text=True))
    both = in_year(spend_world.a_lines + spend_world.b_lines, YEAR)
    deciles = procurable_by(both, _decile)
    rows = {r[0][0]: r[1][0] for r in page.table("table-imd")}
    assert rows["1 (most deprived)"] == pounds(deciles["1"]) and rows["2"] == pounds(deciles["2"])
    assert pounds(deciles["1"] + deciles["2"]) in page.text("most-deprived")
    names = [r[0][0] for r in page.table("table-wards")]
    assert "Boston Castle" in names and "Manor Castle" in names
    assert "Rotherham (E08000018)" in page.text("counting-rule")
