"""Can the public read a network's combined spend, and never one partner's lines or figures?"""
from __future__ import annotations

from datetime import date

from portal.formatting import percent, pounds
from portal.spend.queries import share

from .pages import Page, bars
from .world import (
    SUPPLIERS,
    YEAR,
    by,
    headline,
    import_lines,
    in_year,
    partner_b_lines,
    procurable_by,
    recompute,
)


def summary(client, world) -> Page:
    response = client.get(f"/networks/{world.network.slug}")
    assert response.status_code == 200
    return Page(response.get_data(as_text=True))


def test_anyone_can_read_the_combined_figures_without_signing_in(spend_world, client):
    page = summary(client, spend_world)
    both = in_year(spend_world.a_lines + spend_world.b_lines, YEAR)
    expected = headline(both)
    assert page.text("headline-total-pence").split()[-1] == pounds(expected["total"])
    assert page.text("headline-local-pence").split()[-1] == pounds(expected["local"])
    assert page.text("headline-procurable-pence").split()[-1] == pounds(expected["procurable"])
    assert page.text("headline-procurable-share") == f"{percent(share(expected['procurable'], expected['total']))} of combined spend"
    assert page.text("headline-local-share") == f"{percent(share(expected['local'], expected['procurable']))} of procurable spend"
    assert page.text("headline-vcse-share") == percent(share(expected["vcse"], expected["procurable"]))
    # Valley Care (branched) has both partners' spend; unplaced spend too (B's secret supplier and A's).
    for key in ("branched", "unplaced"):
        assert page.text(f"headline-{key}-share") == percent(share(expected[key], expected["procurable"])), key
    assert page.text("headline-partners") == "by 2 partners"
    assert "Sign out" not in page.html


def test_a_headline_measure_only_one_partner_had_is_not_shown(spend_world, client):
    # Both partners spent locally and with a VCSE (Valley Care), but only partner A with SMEs: the
    # network's SME spend would be A's own, and its share of the combined spend would give it away.
    page = summary(client, spend_world)
    expected = headline(in_year(spend_world.a_lines + spend_world.b_lines, YEAR))
    a_only = headline(in_year(spend_world.a_lines, YEAR))
    assert expected["sme"] == a_only["sme"] > 0
    assert page.text("headline-sme-share") == "Not shown*"
    assert "of combined spend" not in page.text("headline-sme")
    assert percent(share(expected["sme"], expected["procurable"])) not in page.html
    assert "Only one partner had spend of this kind" in page.text("measures-withheld")
    assert page.text("headline-local-share").endswith("of procurable spend")
    # Based (Rotherham Builders), wider (Sheffield Foods) and region: partner A's alone.
    for key in ("based", "wider", "region"):
        assert page.text(f"headline-{key}-share") == "Not shown*", key


def test_months_and_districts_where_only_one_partner_spent_are_not_shown(spend_world, client):
    page = summary(client, spend_world)
    both = in_year(spend_world.a_lines + spend_world.b_lines, YEAR)
    monthly = by(both, lambda line: line.month)
    rows = {r[0][0]: r[1][0] for r in page.table("table-months")}
    # Partner B spent only in May and September: those months are the only combined ones.
    assert rows["May 2024"] == pounds(monthly[date(2024, 5, 1)])
    assert rows["September 2024"] == pounds(monthly[date(2024, 9, 1)])
    assert rows["February 2025"] == "£0"
    assert rows["April 2024"].startswith("Not shown")
    assert len(bars(page.charts()[0])) == 3  # May, September and the empty February
    # Sheffield (the wider tier) has both partners' spend with Valley Care and A's with Sheffield Foods;
    # Rotherham (the area) only partner A's, with Rotherham Builders.
    sheffield = procurable_by(both, lambda s: s.get("district_code"))["E08000019"]
    assert [(r[0][0], r[1][0], r[2][0]) for r in page.table("table-districts")] == [
        ("Sheffield (E08000019)", "Sheffield City Region", pounds(sheffield))]
    assert "1 district is not shown" in page.text("districts-withheld")


def test_no_partner_line_or_partner_figure_appears(spend_world, client):
    html = summary(client, spend_world).html
    for line in spend_world.a_lines + spend_world.b_lines:
        assert line.ref not in html
    for name in [*SUPPLIERS, "Secret Supplier of B", "HYPERLINK"]:
        assert name not in html and name.replace('"', "&#34;") not in html
    for partner, lines in ((spend_world.a, spend_world.a_lines), (spend_world.b, spend_world.b_lines)):
        assert partner.name not in html
        own = in_year(lines, YEAR)
        figures = [*headline(own).values(), *by(own, lambda line: line.month).values(), *by(own, lambda line: line.category).values()]
        for pence in figures:
            if pence:
                assert pounds(pence) not in html and pounds(pence) not in html, pence


def test_a_network_with_one_partners_spend_publishes_nothing_yet(make_network, make_partner, client):
    network = make_network("Lone Network")
    partner = make_partner("Only Partner", network)
    import_lines(partner, partner_b_lines())
    recompute(network, [partner])
    page = Page(client.get(f"/networks/{network.slug}").get_data(as_text=True))
    assert "at least two of its partners" in page.text("summary-empty")
    assert "987,654" not in page.html and "Secret" not in page.html


def test_an_unknown_network_is_not_found(client):
    assert client.get("/networks/no-such-network").status_code == 404
