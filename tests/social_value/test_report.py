"""Is every figure of the annual social value report the one the rows add up to, on the page, in the PDF and the downloads?"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import pounds
from portal.social_value import report as annual
from portal.social_value import targets, totals
from portal.social_value.beneficiaries import PROTECTED_CHARACTERISTICS
from portal.social_value.models import Theme
from tenants import tenant_context

from .test_totals import build_sv_world, expected, fy, rows

YEAR = 2024


@pytest.fixture
def world(sv_network, make_partner, make_user):
    w = build_sv_world(sv_network, make_partner, make_user)
    council = w.partners[0]
    # Every partner shares its lines with the lead, so the network's report lists every contract
    # (test_a_partner_sharing_totals_only_is_counted_but_its_contracts_are_not_listed: the other choice).
    for partner in w.partners:
        partner.shares_lines_with_lead = True
    targets.set_network_target(db.session, sv_network, subject="total_value", period_start=date(2024, 4, 1),
                               period_end=date(2025, 3, 31), target_value_pence=10_000_000)
    with tenant_context(council.id):
        targets.set_partner_target(db.session, subject="total_value", basis="committed", period_start=date(2024, 4, 1),
                                   period_end=date(2025, 3, 31), target_value_pence=1)
    db.session.commit()
    # What the workers would do with the changes' queued tasks: the report then reads the snapshots.
    totals.recompute_all(db.session, sv_network)
    db.session.commit()
    return w


def spread_expected(world, ids, group):
    """{(year, key): [quantity, £ current, £ current, count]}: the commitments spread over their contract periods
    (or their profile years) by financial year, from the rows themselves."""
    from portal.social_value import spreading
    from portal.social_value.models import CommitmentProfileYear
    from tenants import network_wide

    made, _done, _ = rows(world.network, ids)
    with network_wide(ids, "test: the profile years behind the spread"):
        profiles = defaultdict(list)
        for p in db.session.scalars(select(CommitmentProfileYear)):
            profiles[p.commitment_id].append((p.year_start, Decimal(p.quantity)))
    # A partner's commitments of one measure over the same contract period are one promise, spread once
    # (the largest remainder puts the odd penny of a sum where it falls, not of each part); with a profile, each alone.
    promises = defaultdict(lambda: [Decimal(0), 0])
    for c, contract, measure in made:
        pence = c.rebased_value_pence if c.rebased_edition else c.committed_value_pence
        alone = c.id if c.id in profiles else None
        made_on = c.committed_on if contract.end_date is None or alone else None
        promise = promises[(contract.organisation_id, measure.id, measure.theme_id, contract.start_date, contract.end_date,
                            made_on, alone)]
        promise[0] += Decimal(c.quantity)
        promise[1] += pence
    sums = defaultdict(lambda: [Decimal(0), 0, 0, 0])
    for (partner_id, measure_id, theme_id, start, end, made_on, alone), (quantity, pence) in promises.items():
        key = {"theme": theme_id, "measure": measure_id, "partner": partner_id, "all": None}[group]
        spread = spreading.spread_commitment(
            world.network.financial_year_start_month, "year", quantity=quantity, value_pence=pence,
            contract_start=start, contract_end=end, committed_on=made_on or start, profile=profiles.get(alone, ()))
        for at, (part_pence, part_quantity) in spread.items():
            s = sums[(fy(at), key)]
            s[0] += part_quantity
            s[1] += part_pence
            s[2] += part_pence
            s[3] += 1
    return dict(sums)


def _figures(world, ids):
    """Committed and delivered sums by (year, group) for each grouping, from the rows added up in Python."""
    want = {}
    for group in ("all", "theme", "measure", "partner", "route", "contract"):
        made, done = expected(world.network, ids, group)
        want[group] = made, done
    return want


def _breakdown(made, done, year):
    keys = {k for (y, k) in made if y == year} | {k for (y, k) in done if y == year}
    zero = [Decimal(0), 0, 0, 0]
    return {k: (made.get((year, k), zero)[2], made.get((year, k), zero)[1], done.get((year, k), zero)[2], done.get((year, k), zero)[1])
            for k in keys}


def _report_rows(report_rows):
    return {r.key: (r.committed_pence, r.committed_original_pence, r.delivered_pence, r.delivered_original_pence)
            for r in report_rows}


def check_report(world, r, ids, year=YEAR):
    """Assert every figure of ``r`` equals the independent computation over the partners ``ids``."""
    want = _figures(world, ids)
    made, done = want["all"]
    zero = [Decimal(0), 0, 0, 0]
    committed, delivered = r.headline("committed"), r.headline("delivered")
    # Committed: each commitment's share of the year (spread over its contract period), like with like.
    spread = {group: spread_expected(world, ids, group) for group in ("all", "theme", "measure", "partner")}
    assert (committed.pence, committed.original_pence, committed.previous_pence) == (
        spread["all"].get((year, None), zero)[2], spread["all"].get((year, None), zero)[2],
        spread["all"].get((year - 1, None), zero)[2])
    assert committed.pence != made.get((year, None), zero)[2], "the world has commitments whose spread differs from the made"
    assert (delivered.pence, delivered.original_pence, delivered.previous_pence) == (
        done.get((year, None), zero)[2], done.get((year, None), zero)[1], done.get((year - 1, None), zero)[2])
    # Year on year: the change and its percentage.
    for h in (committed, delivered):
        assert h.change_pence == h.pence - h.previous_pence
        if h.previous_pence:
            assert h.change_percent == (Decimal(h.pence - h.previous_pence) * 100 / h.previous_pence).quantize(Decimal("0.1"))
    for group, got in (("theme", r.by_theme), ("measure", r.by_measure)):
        assert _report_rows(got) == _breakdown(spread[group], want[group][1], year), group
    # By route, committed counts the commitments made in the year, whole (the page says so).
    assert _report_rows(r.by_route) == _breakdown(*want["route"], year), "route"
    if r.is_network:
        assert _report_rows(r.by_partner) == _breakdown(spread["partner"], want["partner"][1], year)
    else:
        assert r.by_partner == []
    by_year = {int(row.key): (row.committed_pence, row.delivered_pence) for row in r.by_year}
    years = {y for (y, _) in spread["all"] if y <= year} | {y for (y, _) in done if y <= year}
    assert by_year == {y: (spread["all"].get((y, None), zero)[2], done.get((y, None), zero)[2]) for y in years}
    # Measures' quantities: the year's share of each commitment's quantity.
    for row in r.by_measure:
        assert (row.committed_quantity, row.delivered_quantity) == (
            spread["measure"].get((year, row.key), zero)[0], want["measure"][1].get((year, row.key), zero)[0])
    # Top contracts: by current £ committed (then delivered) in the year, largest first, ties by reference.
    contracts = _breakdown(*want["contract"], year)
    commitment_rows, report_rows_, counted = rows(world.network, ids)
    reference = {contract.id: contract.reference for _, contract, _ in commitment_rows}
    reference |= {contract.id: contract.reference for _, _, contract, _ in report_rows_}
    for order, index, got in (("committed", 0, r.top_committed), ("delivered", 2, r.top_delivered)):
        ranked = sorted((k for k, v in contracts.items() if v[index] > 0), key=lambda k: (-contracts[k][index], reference[k], k))
        assert [c.contract_id for c in got] == ranked[: annual.TOP_CONTRACTS], order
        for c in got:
            assert (c.committed_current_pence, c.delivered_current_pence) == (contracts[c.contract_id][0], contracts[c.contract_id][2])
    # The headlines the demo table tags: apprenticeship weeks (DEMO-02), local jobs (DEMO-01), local SME spend (DEMO-05).
    for quantity, code in ((r.apprenticeship_weeks, "DEMO-02"), (r.local_fte, "DEMO-01"), (r.local_sme_spend, "DEMO-05")):
        assert quantity.measures == [code]
        measure_id = next((m.id for _, _, m in commitment_rows if m.code == code), None)
        assert quantity.committed == spread["measure"].get((year, measure_id), zero)[0]
        assert quantity.delivered == sum((rep.quantity for rep, _, _, m in report_rows_
                                          if m.code == code and rep.status == "verified" and fy(rep.period_end) == year), Decimal(0))
    # Beneficiaries.
    by_ward, by_group = defaultdict(int), defaultdict(int)
    for rep, counts in counted:
        if rep.status == "verified" and fy(rep.period_end) == year:
            for ward, group, n in counts:
                by_ward[ward] += n
                by_group[group] += n
    # Counts under 5 are suppressed (None) in the report every page and export reads.
    def shown(counts):
        return {k: (n if n >= 5 else None) for k, n in counts.items()}

    assert dict(r.beneficiaries_by_ward) == shown(by_ward)
    # The Act's protected characteristics in one table, every other group apart; together, all of them.
    assert not set(dict(r.beneficiaries_by_group)) & set(dict(r.beneficiaries_by_other_group))
    assert set(dict(r.beneficiaries_by_group)) <= set(PROTECTED_CHARACTERISTICS)
    assert dict(r.beneficiaries_by_group) | dict(r.beneficiaries_by_other_group) == shown(by_group)


def test_the_partners_report_equals_its_rows_added_up(world, app_ctx):
    council = world.partners[0]
    r = annual.partner_report(db.session, council, YEAR)
    assert r.from_snapshot
    check_report(world, r, [council.id])
    assert r.headline("committed").pence > 0 and r.headline("delivered").pence > 0 and r.top_committed
    # Its own target only, counted on commitments made in the year (targets count what was made in their period).
    made, _ = expected(world.network, [council.id], "all")
    assert [(p.target.basis, p.achieved_value_pence) for p in r.targets] == [("committed", made[(YEAR, None)][2])]


def test_the_networks_report_equals_all_partners_rows_added_up(world, app_ctx):
    ids = [p.id for p in world.partners]
    r = annual.network_report(db.session, world.network, YEAR)
    assert r.from_snapshot
    check_report(world, r, ids)
    assert {row.key for row in r.by_partner} <= set(ids) and len(r.by_partner) == 3
    assert [p.achieved_value_pence for p in r.targets] == [r.headline("delivered").pence]


@pytest.mark.parametrize("who", ["partner", "network"])
def test_while_a_change_waits_for_the_worker_the_report_adds_up_on_demand_to_the_same_figures(world, who, app_ctx):
    """With a recompute still waiting, is the report added up on demand, and equal to the one read from the snapshot?"""
    from portal.social_value.models import SocialValueTotalsPending

    council = world.partners[0]
    ids = [council.id] if who == "partner" else [p.id for p in world.partners]

    def report():
        if who == "partner":
            return annual.partner_report(db.session, council, YEAR)
        return annual.network_report(db.session, world.network, YEAR)

    snapshot = report()
    with tenant_context(council.id):
        db.session.add(SocialValueTotalsPending(year=YEAR))
        db.session.commit()
    on_demand = report()
    assert snapshot.from_snapshot and not on_demand.from_snapshot
    check_report(world, on_demand, ids)
    for name in ("headlines", "by_theme", "by_measure", "by_partner", "by_route", "by_year", "years",
                 "beneficiaries_by_ward", "beneficiaries_by_group", "beneficiaries_by_other_group", "apprenticeship_weeks", "local_fte",
                 "local_sme_spend"):
        assert getattr(on_demand, name) == getattr(snapshot, name), name


def test_the_previous_year_report_and_the_change_between_years(world, app_ctx):
    council = world.partners[0]
    this, last = annual.partner_report(db.session, council, YEAR), annual.partner_report(db.session, council, YEAR - 1)
    check_report(world, last, [council.id], YEAR - 1)
    assert this.headline("delivered").previous_pence == last.headline("delivered").pence
    assert this.headline("committed").previous_pence == last.headline("committed").pence


def test_the_real_living_wage_list_is_the_in_scope_contracts_running_in_the_year(world, app_ctx):
    from portal.social_value.models import Contract
    from tenants import network_wide

    ids = [p.id for p in world.partners]
    r = annual.network_report(db.session, world.network, YEAR)
    with network_wide(ids, "test"):
        every = db.session.scalars(select(Contract)).all()
        want = sorted((c.organisation_id, c.reference, c.supplier_pays_rlw) for c in every if c.rlw_in_scope
                      and c.start_date < date(2025, 4, 1) and (c.end_date is None or c.end_date >= date(2024, 4, 1)))
    assert [(c.organisation_id, c.reference, c.supplier_pays_rlw) for c in r.living_wage] == want and want
    counts = {s: sum(1 for *_, status in want if status == s) for s in ("yes", "no", "unknown")}
    assert r.living_wage_counts == counts


def test_the_network_report_reads_the_partners_only_through_network_wide(world, app_ctx, monkeypatch, make_partner, make_network):
    outsider = make_partner("Outsider", make_network("Other network"))
    opened = []
    real = annual.network_wide

    def spy(ids, reason):
        opened.append((tuple(sorted(ids)), reason))
        return real(ids, reason)

    monkeypatch.setattr(annual, "network_wide", spy)
    r = annual.network_report(db.session, world.network, YEAR)
    assert opened == [(tuple(sorted(p.id for p in world.partners)), f"annual social value report of network {world.network.id}")]
    assert outsider.id not in r.partner_names


def test_a_partners_report_never_shows_another_partners_contracts(world, sign_in, app_ctx):
    council, police, _ = world.partners
    client = sign_in(world.officers[council.id])
    page = client.get(f"/social-value/report?year={YEAR}&organisation_id={police.id}").get_data(as_text=True)
    assert "COU-" in page and "POL-" not in page and "HOS-" not in page
    r = annual.partner_report(db.session, council, YEAR)
    assert pounds(r.headline("committed").pence) in page
    assert pounds(r.headline("delivered").pence) in page
    for response in (client.get(f"/social-value/report.csv?year={YEAR}"), client.get(f"/social-value/report.xlsx?year={YEAR}")):
        assert response.status_code == 200
        text = response.data.decode("latin-1")
        assert "POL-" not in text and "HOS-" not in text


def test_the_lead_sees_the_network_report_and_a_partner_officer_does_not(world, sign_in, make_user, app_ctx):
    council = world.partners[0]
    lead = make_user(council, lead_of=world.network)
    page = sign_in(lead).get(f"/network/{world.network.id}/social-value-report?year={YEAR}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    r = annual.network_report(db.session, world.network, YEAR)
    assert pounds(r.headline("committed").pence) in text and "Police" in text and "Hospital" in text
    officer = sign_in(world.officers[council.id])
    assert officer.get(f"/network/{world.network.id}/social-value-report").status_code == 404


def test_the_pdf_is_a_pdf_with_the_headline_figures(world, sign_in, app_ctx):
    council = world.partners[0]
    response = sign_in(world.officers[council.id]).get(f"/social-value/report.pdf?year={YEAR}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"%PDF-") and response.data.rstrip().endswith(b"%%EOF")
    pypdf = pytest.importorskip("pypdf")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    r = annual.partner_report(db.session, council, YEAR)
    for h in r.headlines:
        assert pounds(h.pence) in text
    assert "Annual social value report" in text and "Real Living Wage" in text


def test_the_downloads_hold_the_figures_and_no_formulas(world, sign_in, app_ctx):
    from openpyxl import load_workbook

    council = world.partners[0]
    client = sign_in(world.officers[council.id])
    r = annual.partner_report(db.session, council, YEAR)
    lines = list(csv.reader(io.StringIO(client.get(f"/social-value/report.csv?year={YEAR}").get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == ["Table", "Item", "Figure", "Value"]
    headline = {(row[1], row[2]): row[3] for row in lines if row[0].startswith("Headline figures")}
    assert Decimal(headline[("Social value committed", "2024 to 2025 (£)")]) == Decimal(r.headline("committed").pence) / 100
    assert Decimal(headline[("Social value delivered", "Change (£)")]) == Decimal(r.headline("delivered").change_pence) / 100
    suppliers = [row[3] for row in lines if row[2] == "Supplier"]
    assert "'=HYPERLINK(\"http://x\")" in suppliers  # a supplier named like a formula stays text
    assert not [cell for row in lines for cell in row if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _number(cell))]
    book = load_workbook(io.BytesIO(client.get(f"/social-value/report.xlsx?year={YEAR}").data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not [c for c in cells if isinstance(c, str) and c[:1] in ("=", "+", "-", "@")]
    themes = {name for name in db.session.scalars(select(Theme.name).where(Theme.network_id == world.network.id))}
    assert {row.label for row in r.by_theme} <= themes
    headlines = book.worksheets[0]
    label, amount = [c.value for c in next(headlines.iter_rows(min_row=2, max_row=2))][:2]
    assert (label, Decimal(str(amount))) == ("Social value committed", Decimal(r.headline("committed").pence) / 100)


def _number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def test_a_partner_sharing_totals_only_is_counted_but_its_contracts_are_not_listed(world, sign_in, make_user, app_ctx):
    from tenants.models import Organisation

    council, police, hospital = world.partners
    everyone_listed = annual.network_report(db.session, world.network, YEAR)
    for partner in (police, hospital):
        db.session.get(Organisation, partner.id).shares_lines_with_lead = False
    db.session.commit()
    r = annual.network_report(db.session, world.network, YEAR)
    assert [h.pence for h in r.headlines] == [h.pence for h in everyone_listed.headlines]  # every partner counted
    listed = {c.organisation_id for c in r.top_committed + r.top_delivered + r.living_wage}
    assert listed == {council.id}
    assert {row.key for row in r.by_partner} == {council.id, police.id, hospital.id}  # totals, as for spend
    assert sum(r.living_wage_counts.values()) > len(r.living_wage)  # counted, not listed
    assert r.unlisted_partners == ["Hospital", "Police"]
    lead = sign_in(make_user(council, lead_of=world.network))
    for url in (f"/network/{world.network.id}/social-value-report?year={YEAR}",
                f"/network/{world.network.id}/social-value-report.csv?year={YEAR}"):
        text = lead.get(url).get_data(as_text=True)
        assert "COU-" in text and "POL-" not in text and "HOS-" not in text, url
    assert "share their totals only" in lead.get(f"/network/{world.network.id}/social-value-report?year={YEAR}").get_data(as_text=True)
    # The same choice that opens the spend lines opens the contracts.
    db.session.get(Organisation, police.id).shares_lines_with_lead = True
    db.session.commit()
    again = annual.network_report(db.session, world.network, YEAR)
    assert police.id in {c.organisation_id for c in again.top_committed + again.top_delivered + again.living_wage}
