"""Does each spend category get a sensible CPV code, and does the lead's choice stick?"""
import pytest
from sqlalchemy import select

from portal.cpv import InvalidCpvCode, division
from portal.extensions import db
from portal.gaps import services, suggest
from portal.matching.models import CategoryCpv


@pytest.mark.parametrize("category, expected", [
    ("Construction", "45000000"),
    ("Building repairs and maintenance", "50000000"),
    ("Transport", "60000000"),
    ("Education", "80000000"),
    ("Utilities", "65000000"),
    ("Healthcare", "85000000"),
    ("Environmental Services", "90000000"),
])
def test_a_category_is_suggested_the_cpv_division_its_words_match(category, expected):
    best = suggest.suggest(category)
    assert best is not None and division(best.cpv_code) == expected, best


@pytest.mark.parametrize("category", ["Xyzzy", "Sundries", "Vehicle Management", "Facilities & Management Services", "", "   "])
def test_no_code_is_suggested_when_no_label_is_close(category):
    # "Vehicle Management" shares only "management" with any label: one word of two is not enough.
    assert suggest.suggest(category) is None


def test_a_broader_code_nearly_as_close_is_suggested_over_a_branch_of_it():
    # "Air transport services" scores a little higher than "Transport services" on the n-grams.
    assert suggest.suggest("Transport").cpv_code == "60000000"


def test_candidates_are_closest_first():
    found = suggest.candidates("Construction", limit=3)
    assert [c.similarity for c in found] == sorted((c.similarity for c in found), reverse=True)
    assert division(found[0].cpv_code) == "45000000"


def _codes(network):
    db.session.expire_all()
    return {m.category: (m.cpv_code, m.source) for m in db.session.scalars(
        select(CategoryCpv).where(CategoryCpv.network_id == network.id))}


def test_suggestions_cover_the_networks_categories_and_leave_others_alone(make_network, category_totals):
    network, other = make_network(), make_network()
    category_totals(network, {"Construction": (100, 0, 0), "Xyzzy": (50, 0, 0), "": (10, 0, 0)})
    category_totals(other, {"Transport": (100, 0, 0)})
    assert services.suggest_codes(db.session, network) == 1
    db.session.commit()
    # Only this network's categories; none for the blank category or one with no close label.
    assert _codes(network) == {"Construction": ("45000000", "suggested")}
    assert _codes(other) == {}
    # Again: nothing new to suggest.
    assert services.suggest_codes(db.session, network) == 0


def test_the_leads_choice_is_never_overwritten_by_a_suggestion(make_network, category_totals):
    network = make_network()
    category_totals(network, {"Construction": (100, 0, 0), "Legal fees": (50, 0, 0)})
    services.suggest_codes(db.session, network)
    services.choose_code(db.session, network, "Construction", "45210000-2", note="Mostly new buildings")
    services.choose_code(db.session, network, "Legal fees", "79100000")
    db.session.commit()
    assert services.suggest_codes(db.session, network) == 0
    db.session.commit()
    assert _codes(network) == {"Construction": ("45210000", "lead"), "Legal fees": ("79100000", "lead")}
    row = services.category_code(db.session, network, "Construction")
    assert row.chosen_by_lead and row.note == "Mostly new buildings" and row.cpv_label.startswith("4521 ")


def test_bad_codes_and_unknown_categories_are_refused_with_a_reason(make_network, category_totals):
    network = make_network()
    category_totals(network, {"Construction": (100, 0, 0)})
    with pytest.raises(InvalidCpvCode, match="8 digits"):
        services.choose_code(db.session, network, "Construction", "4521")
    with pytest.raises(InvalidCpvCode, match="catalogue"):
        services.choose_code(db.session, network, "Construction", "99000000")
    with pytest.raises(services.NotACategory):
        services.choose_code(db.session, network, "Not one of ours", "45000000")
    assert _codes(network) == {}


def test_the_nightly_job_suggests_codes_in_every_network(make_network, category_totals):
    from portal.gaps.tasks import suggest_category_codes

    first, second = make_network(), make_network()
    category_totals(first, {"Construction": (100, 0, 0)})
    category_totals(second, {"Catering": (100, 0, 0), "Xyzzy": (5, 0, 0)})
    assert suggest_category_codes.run() == 2
    assert _codes(first) == {"Construction": ("45000000", "suggested")}
    assert _codes(second) == {"Catering": ("55520000", "suggested")}
