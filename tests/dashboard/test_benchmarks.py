"""Can the lead record other places' published figures, and does the network's report set each beside the network's
own figure computed the same way, for the same year, in every format?

The network's figures are checked against the lines added up in Python (``world.procurable_by``,
the dashboard's oracle), not against the stored totals the report reads.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.benchmarks import comparison, records
from portal.benchmarks.models import Benchmark
from portal.dashboard.tables import pounds_number
from portal.extensions import db
from portal.reports import annual
from portal.reports.files import cell_text
from portal.spend.queries import over_the_network, share
from tenants import tenant_context
from tenants.models import AuditEvent
from tests.cross_tenant.annual_report import text_of

from .world import YEAR, in_year, procurable_by

FORM = {"place": "Preston", "publisher": "CLES", "title": "Preston spend analysis", "url": "https://cles.org.uk/preston",
        "year": "2024", "definition": "cles_based", "unit": "percent", "figure": "18.2"}
IN_REGION = ("based", "branched", "wider", "region")


def _record(network, **changes) -> int:
    """The new benchmark's id (read in the scope: outside it, row-level security hides the row on PostgreSQL)."""
    with over_the_network(db.session, network.id, "test: a benchmark"):
        benchmark = records.add(db.session, network, records.BenchmarkInput(**{**FORM, **changes}))
        db.session.commit()
        return benchmark.id


def _oracle(lines) -> dict[str, tuple[int, Decimal]]:
    """Each definition's numerator (pence) and share, added up line by line from the suppliers' flags."""
    def total(lines_of):
        return sum(line.pence for line in lines_of)

    procurable = sum(procurable_by(lines, lambda s: True).values())
    every = total(lines)

    def spent(test):
        return procurable_by(lines, test).get(True, 0)

    based = spent(lambda s: s.get("locality") == "based")
    local = spent(lambda s: s.get("locality") in ("based", "branched"))
    region = spent(lambda s: s.get("locality") in IN_REGION)
    sme = spent(lambda s: s.get("is_sme") is True)
    return {"cles_based": (based, share(based, procurable)), "cles_based_or_branched": (local, share(local, procurable)),
            "region": (region, share(region, every)), "sme": (sme, share(sme, every))}


def test_each_benchmark_stands_beside_the_networks_own_figure_computed_the_same_way(spend_world, app_ctx):
    network = spend_world.network
    for definition in ("cles_based", "cles_based_or_branched", "region", "sme"):
        _record(network, definition=definition, place=f"Place {definition}")
    _record(network, definition="other", place="Kirklees", figure="30")
    _record(network, definition="sme", place="Pounds place", unit="pounds", figure="1,250,000.50", year="2023")
    r = annual.network_report(db.session, network, "2024")
    lines = spend_world.a_lines + spend_world.b_lines
    want = _oracle(in_year(lines, YEAR))
    want_2023 = _oracle(in_year(lines, date(2023, 4, 1)))
    got = {c.benchmark.place: c for c in r.benchmarks}
    for definition in ("cles_based", "cles_based_or_branched", "region", "sme"):
        c = got[f"Place {definition}"]
        assert (c.same_year.pence, c.same_year.share) == want[definition], definition
        assert c.report_period == c.same_year  # the benchmark's year is the report's
        assert c.same_year.share is not None and c.same_year.share > 0, definition
    assert got["Kirklees"].same_year.missing == comparison.NOT_COMPUTABLE
    pounds = got["Pounds place"]
    assert pounds.benchmark.pence == 125_000_050
    assert pounds.same_year.pence == want_2023["sme"][0] and pounds.report_period.pence == want["sme"][0]
    # The spend section's table, as every format has it.
    [(_, _, rows)] = [s for s in r_tables(r) if s[0].startswith("Benchmarks")]
    row = next(row for row in rows if row[0] == "Place region")
    assert row[4] == Decimal("18.2") and row[6] == want["region"][1]
    pounds_row = next(row for row in rows if row[0] == "Pounds place")
    assert pounds_row[4] == Decimal("1250000.50") and pounds_row[6] == pounds_number(want_2023["sme"][0])
    assert next(row for row in rows if row[0] == "Kirklees")[6] == comparison.NOT_COMPUTABLE
    assert any(topic == "Benchmarks" for topic, _ in r.notes)


def r_tables(r):
    from portal.reports.tables import report_tables

    return report_tables(r)


def test_a_year_without_spend_says_so_and_a_half_year_report_compares_the_half(spend_world, app_ctx):
    network = spend_world.network
    _record(network, year="2019", definition="cles_based_or_branched")
    r = annual.network_report(db.session, network, "2024", half=1)
    [c] = r.benchmarks
    assert c.same_year.missing == comparison.NO_SPEND
    half = [line for line in spend_world.a_lines + spend_world.b_lines if date(2024, 4, 1) <= line.day < date(2024, 10, 1)]
    assert (c.report_period.pence, c.report_period.share) == _oracle(half)["cles_based_or_branched"]


def test_a_partner_reading_the_network_report_sees_benchmarks_but_not_one_partners_figure(spend_world, app_ctx):
    network = spend_world.network
    _record(network, definition="cles_based", place="Based place")
    _record(network, definition="cles_based_or_branched", place="Local place")
    r = annual.network_report(db.session, network, "2024", reader_id=spend_world.b.id)
    got = {c.benchmark.place: c for c in r.benchmarks}
    # Only A paid suppliers based in the area: the network's "based" figure is A's own.
    assert got["Based place"].same_year.missing == comparison.WITHHELD
    both = _oracle(in_year(spend_world.a_lines + spend_world.b_lines, YEAR))
    assert (got["Local place"].same_year.pence, got["Local place"].same_year.share) == both["cles_based_or_branched"]


@pytest.mark.parametrize("suffix", ["", ".pdf", ".docx", ".csv", ".xlsx"])
def test_the_benchmarks_are_in_every_format(spend_world, make_user, sign_in, app_ctx, suffix):
    network = spend_world.network
    _record(network, definition="cles_based_or_branched", place="Wigan", figure="21.4")
    _record(network, definition="other", place="Kirklees")
    want = _oracle(in_year(spend_world.a_lines + spend_world.b_lines, YEAR))["cles_based_or_branched"][1]
    lead = make_user(spend_world.a, "viewer", lead_of=network)
    response = sign_in(lead).get(f"/network/{network.id}/report{suffix}?year=2024")
    assert response.status_code == 200
    text = text_of(suffix, response.data)
    for words in ("Wigan", "Kirklees", "CLES, Preston spend analysis", comparison.NOT_COMPUTABLE, "21.4"):
        assert words in text, words
    assert cell_text(want) in text


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Benchmark))


def test_the_lead_adds_changes_and_deletes_a_benchmark_and_each_is_logged(spend_world, make_user, sign_in, app_ctx):
    network = spend_world.network
    lead = make_user(spend_world.a, "viewer", lead_of=network)
    client = sign_in(lead)
    base = f"/network/{network.id}/benchmarks"
    assert client.get(base).status_code == 200
    assert client.post(base, data=FORM).status_code == 302
    with over_the_network(db.session, network.id, "test"):
        [benchmark] = records.benchmarks(db.session, network)
        benchmark_id = benchmark.id
    assert (benchmark.place, benchmark.percent, benchmark.pence, benchmark.year) == ("Preston", Decimal("18.20"), None, 2024)
    page = client.get(base).get_data(as_text=True)
    assert "Preston" in page and "18.2%" in page
    edit = client.get(f"{base}/{benchmark_id}").get_data(as_text=True)
    assert 'value="Preston"' in edit
    assert client.post(f"{base}/{benchmark_id}", data={**FORM, "unit": "pounds", "figure": "£2,000"}).status_code == 302
    db.session.expire_all()
    with over_the_network(db.session, network.id, "test"):
        benchmark = records.find(db.session, network, benchmark_id)
        assert (benchmark.percent, benchmark.pence) == (None, 200_000)
    assert "Delete the benchmark for Preston?" in client.get(f"{base}/{benchmark_id}/delete").get_data(as_text=True)
    assert client.post(f"{base}/{benchmark_id}/delete").status_code == 302
    with over_the_network(db.session, network.id, "test"):
        assert _count() == 0
    with tenant_context(spend_world.a.id):
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("report.benchmark_%"))
                                     .order_by(AuditEvent.id)).all()
    assert actions == ["report.benchmark_added", "report.benchmark_changed", "report.benchmark_deleted"]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"place": " "}, "place", "Enter the place the figure is for"),
    ({"url": "javascript:alert(1)"}, "url", "Enter a web address starting https://"),
    ({"year": "23"}, "year", "as 4 digits"),
    ({"definition": "made up"}, "definition", "Choose how the figure is defined"),
    ({"unit": ""}, "unit", "Choose whether the figure is a percentage"),
    ({"figure": "12.345"}, "figure", "at most 2 decimal places"),
    ({"figure": "lots"}, "figure", "Enter the figure as a number"),
    ({"figure": "101"}, "figure", "between 0 and 100"),
    ({"figure": "-3"}, "figure", "Enter the figure as a number"),
])
def test_bad_input_is_refused_naming_the_field_and_saves_nothing(spend_world, make_user, sign_in, app_ctx,
                                                                  changes, field, message):
    network = spend_world.network
    client = sign_in(make_user(spend_world.a, "viewer", lead_of=network))
    response = client.post(f"/network/{network.id}/benchmarks", data={**FORM, **changes})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and f'href="#{field}' in page  # the error summary links to the field
    with over_the_network(db.session, network.id, "test"):
        assert _count() == 0


def test_a_partner_cannot_add_change_or_delete_benchmarks(spend_world, make_user, sign_in, app_ctx):
    network = spend_world.network
    benchmark_id = _record(network)
    admin = make_user(spend_world.a, "admin")
    client = sign_in(admin)
    base = f"/network/{network.id}/benchmarks"
    assert client.get(base).status_code == 404
    assert client.post(base, data={**FORM, "place": "Sneaky"}).status_code == 404
    assert client.post(f"{base}/{benchmark_id}", data={**FORM, "figure": "99"}).status_code == 404
    assert client.post(f"{base}/{benchmark_id}/delete").status_code == 404
    db.session.expire_all()
    with over_the_network(db.session, network.id, "test"):
        [kept] = records.benchmarks(db.session, network)
    assert (kept.place, kept.percent) == ("Preston", Decimal("18.20"))
    # ...yet reads them in the network's report.
    assert "Preston spend analysis" in client.get(f"/network/{network.id}/report?year=2024").get_data(as_text=True)
