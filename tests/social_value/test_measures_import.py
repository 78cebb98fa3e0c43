"""Can a network load the measures table it holds a licence for, safely and more than once?"""
from __future__ import annotations

import io
from decimal import Decimal

from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value import measures
from portal.social_value.measures_import import import_measures_csv
from portal.social_value.models import Measure, Outcome, ProxyValue, Theme

HEADER = ("theme_code,theme,outcome_code,outcome,measure_code,description,unit,counting_rules,"
          "edition,proxy_value_gbp,valid_from,source,licence,attribution\n")
ATTRIBUTION = "Licensed TOMs table, (c) Example Owner, used under licence 123"


def row(code="NT1", edition="2024", value="£1,234.56", valid_from="01/04/2024", theme="Jobs", licence="Licence 123"):
    return (f"J,{theme},J1,More local jobs,{code},Local people employed,FTE,Per contract year,"
            f"{edition},\"{value}\",{valid_from},Example Owner,{licence},\"{ATTRIBUTION}\"\n")


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Theme, Outcome, Measure, ProxyValue))


def test_a_good_file_loads_every_measure_and_edition_with_its_attribution(make_network, app_ctx):
    network = make_network()
    text = HEADER + row("NT1", "2023", "1,200.00", "2023-04-01") + row("NT1", "2024") + row("NT2", "2024", "0.3525")
    result = import_measures_csv(db.session, network, io.BytesIO(text.encode("utf-8-sig")))
    db.session.commit()
    assert result.ok, result.problems
    assert (result.measures_created, result.proxy_values_created) == (2, 3)
    nt1 = measures.measure_by_code(db.session, network, "NT1")
    assert nt1.attribution == ATTRIBUTION and nt1.licence == "Licence 123" and nt1.in_use is False
    assert [(p.edition, p.value_pence, p.attribution) for p in nt1.proxy_values] == [
        ("2023", Decimal("120000.00"), ATTRIBUTION), ("2024", Decimal("123456.00"), ATTRIBUTION)]
    # A sub-penny proxy (per £ spent) is kept exactly, in hundredths of a penny.
    nt2 = measures.measure_by_code(db.session, network, "NT2")
    assert nt2.proxy_values[0].value_pence == Decimal("35.25")


def test_importing_the_same_file_again_duplicates_and_changes_nothing(make_network, app_ctx):
    network = make_network()
    text = HEADER + row("NT1", "2023", "1,200.00", "2023-04-01") + row("NT1", "2024")
    assert import_measures_csv(db.session, network, text).ok
    db.session.commit()
    before = counts()
    again = import_measures_csv(db.session, network, text)
    db.session.commit()
    assert again.ok and counts() == before
    assert (again.measures_created, again.proxy_values_created, again.proxy_values_updated, again.unchanged_rows) == (0, 0, 0, 2)


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_changed(make_network, app_ctx):
    network = make_network()
    assert import_measures_csv(db.session, network, HEADER + row("OLD")).ok
    db.session.commit()
    before = counts()
    text = (HEADER
            + row("NT1")                                   # line 2: good
            + row("NT2", value="lots")                     # line 3
            + row("NT3", valid_from="31/02/2024")          # line 4
            + row("NT4", value="-5")                       # line 5
            + row("NT1")                                   # line 6: the same measure and edition again
            + row("NT5", licence="")                       # line 7
            + row("NT6", theme="Jobs and skills")          # line 8: theme J renamed within the file
            + row("NT7", value="0.123456"))                # line 9: finer than a hundredth of a penny
    result = import_measures_csv(db.session, network, text)
    db.session.commit()
    assert not result.ok
    lines = {p.line_number for p in result.problems}
    assert lines == {3, 4, 5, 6, 7, 8, 9}
    reasons = " | ".join(p.reason for p in result.problems)
    for fragment in ("not an amount", "not a date", "negative", "also on line 2", "licence is empty", "named", "4 decimal"):
        assert fragment in reasons
    assert counts() == before
    assert measures.measure_by_code(db.session, network, "NT1") is None


def test_a_file_without_the_required_columns_is_refused_as_a_whole(make_network, app_ctx):
    result = import_measures_csv(db.session, make_network(), "code,value\nA,1\n")
    assert not result.ok and "missing column(s)" in result.problems[0].reason and "attribution" in result.problems[0].reason


def test_the_portal_ships_the_social_value_model_without_money_and_a_demo_marked_illustrative(make_network, app_ctx):
    network = make_network()
    measures.load_demo_measures(db.session, network)
    measures.load_demo_measures(db.session, network)  # twice: still one of each
    db.session.commit()
    names = [t.name for t in measures.themes(db.session, network)]
    assert names == ["COVID-19 recovery", "Tackling economic inequality", "Fighting climate change",
                     "Equal opportunity", "Wellbeing"]
    assert all(t.licence == measures.OGL for t in measures.themes(db.session, network))
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 8
    proxies = db.session.scalars(select(ProxyValue)).all()
    assert proxies and all(p.illustrative and p.licence == "illustrative, not for reporting" for p in proxies)


def test_the_network_narrows_the_catalogue_to_the_measures_it_uses(sv_network, app_ctx):
    kept = measures.set_measures_in_use(db.session, sv_network, ["DEMO-01", "DEMO-02"])
    assert [m.code for m in kept] == ["DEMO-01", "DEMO-02"]
    assert [m.code for m in measures.measures(db.session, sv_network, in_use_only=True)] == ["DEMO-01", "DEMO-02"]


def tagged(code, headline, edition="2024"):
    return (f"J,Jobs,J1,More local jobs,{code},Local people employed,FTE,Per contract year,{headline},"
            f"{edition},1.00,2024-04-01,Example Owner,Licence 123,\"{ATTRIBUTION}\"\n")


TAGGED_HEADER = HEADER.replace("counting_rules,", "counting_rules,headline,")


def test_the_import_sets_each_measures_headline_and_a_file_without_the_column_keeps_it(make_network, app_ctx):
    network = make_network()
    assert import_measures_csv(db.session, network, TAGGED_HEADER + tagged("NT1", "local_fte") + tagged("NT2", "")).ok
    db.session.commit()
    assert [(m.code, m.headline) for m in measures.measures(db.session, network)] == [("NT1", "local_fte"), ("NT2", None)]
    # A table without the column (e.g. last year's file) leaves the tags as they are.
    assert import_measures_csv(db.session, network, HEADER + row("NT1", "2025", valid_from="2025-04-01")).ok
    assert measures.measure_by_code(db.session, network, "NT1").headline == "local_fte"
    # With the column, an empty cell takes the tag off.
    again = import_measures_csv(db.session, network, TAGGED_HEADER + tagged("NT1", ""))
    assert again.ok and again.measures_updated == 1
    assert measures.measure_by_code(db.session, network, "NT1").headline is None


def test_an_unknown_or_contradictory_headline_is_reported_on_its_line(make_network, app_ctx):
    network = make_network()
    text = TAGGED_HEADER + tagged("NT1", "local jobs") + tagged("NT2", "local_fte", "2023") + tagged("NT2", "apprenticeship_weeks")
    result = import_measures_csv(db.session, network, text)
    assert [(p.line_number, p.reason.split(" is ")[0]) for p in result.problems] == [(2, "headline 'local jobs'"), (4, "measure NT2")]
    assert "local_fte" in result.problems[1].reason
    assert measures.measures(db.session, network) == []


def test_the_shipped_model_carries_its_edition_source_and_the_models_award_criteria_codes(make_network, app_ctx):
    network = make_network()
    measures.load_social_value_model(db.session, network)
    codes = dict(db.session.execute(select(Outcome.name, Outcome.code)).all())
    # One model award criterion per policy outcome, numbered MAC 1.1 to MAC 8.1 in the Model.
    assert codes["Increase supply chain resilience and capacity"] == "MAC 3.1"
    assert codes["Reduce the disability employment gap"] == "MAC 5.1"
    assert codes["Tackle workforce inequality"] == "MAC 6.1"
    assert codes["Improve community cohesion"] == "MAC 8.1"
    assert sorted(codes.values()) == [f"MAC {n}.1" for n in range(1, 9)]
    assert all(t.source.startswith("https://www.gov.uk/government/publications/procurement-policy-note-0620")
               for t in measures.themes(db.session, network))
