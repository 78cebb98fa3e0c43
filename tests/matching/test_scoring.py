"""Scores and reasons on hand-made cases: no database, the scorer alone."""
from __future__ import annotations

import pytest

from portal.matching.scoring import THRESHOLD, BusinessFacts, OpportunityFacts, Scorer


def business(business_id=1, codes=("45261000",), district="S60", is_local=True, size="small", text="", **flags):
    return BusinessFacts(business_id, tuple(codes), district, is_local, size, text, **flags)


def opportunity(opportunity_id=1, codes=("45261000",), districts=("S60",), band="10k_to_50k", text="", **flags):
    return OpportunityFacts(opportunity_id, 7, tuple(codes), tuple(districts), band, text, **flags)


def parts(b, o, others=()):
    """Every part of the score of business b against opportunity o (others fill the text model)."""
    scorer = Scorer([b, *others], [o])
    block = scorer.block(0, 1)
    return {name: float(values[0, 0]) for name, values in block.items()}


def only_match(b, o, others=()):
    found = list(Scorer([b, *others], [o]).matches(threshold=0.0))
    return next(m for m in found if m.business_id == b.business_id)


@pytest.mark.parametrize(
    "business_code, levels",
    [("45261000", 4), ("45261200", 4), ("45262000", 3), ("45300000", 1), ("45210000", 2), ("79000000", 0)],
)
def test_does_the_category_part_grow_with_the_depth_the_codes_share(business_code, levels):
    # 45261000 is a category; 45262000 shares its class 4526; 45210000 its group 452.
    result = parts(business(codes=(business_code,), text="roofs"), opportunity(codes=("45261000",)))
    assert result["levels"] == levels
    assert result["same_code"] == (business_code == "45261000")
    depths = [parts(business(codes=(c,), text="x"), opportunity())["category"]
              for c in ("45261000", "45261200", "45262000", "45210000", "45300000", "79000000")]
    assert depths == sorted(depths, reverse=True) and depths[0] == 1.0 and depths[-1] == 0.0


def test_is_a_business_in_a_delivery_district_more_local_than_one_elsewhere_in_the_area():
    o = opportunity(districts=("S60",))
    here = parts(business(district="S60"), o)["locality"]
    area = parts(business(district="S61", is_local=True), o)["locality"]
    away = parts(business(district="LS1", is_local=False), o)["locality"]
    assert here > area > away == 0.0


@pytest.mark.parametrize(
    "size, band, fits",
    [("micro", "under_10k", True), ("micro", "10k_to_50k", True), ("micro", "214k_to_1m", False),
     ("medium", "214k_to_1m", True), ("medium", "over_1m", False), ("small", "over_1m", False)],
)
def test_does_the_size_band_fit_the_value_band(size, band, fits):
    assert (parts(business(size=size), opportunity(band=band))["size"] == 1.0) is fits


def test_does_an_opportunity_not_for_smes_suit_a_micro_firm_less():
    for_smes = parts(business(size="micro"), opportunity(band="under_10k"))["size"]
    not_for_smes = parts(business(size="micro"), opportunity(band="under_10k", suitable_for_sme=False))["size"]
    assert not_for_smes < for_smes


def test_are_words_in_common_scored_and_named():
    others = [business(2, text="catering and school meals"), business(3, text="office cleaning contracts")]
    roofer = business(codes=("79000000",), text="slate roofing, guttering and chimney repairs")
    o = opportunity(codes=("45261000",), text="Roof repairs: replace slate roofing and guttering on the depot")
    assert parts(roofer, o, others)["text"] > 0.5
    assert parts(business(2, text="catering and school meals"), o, [roofer])["text"] == 0.0
    reasons = only_match(roofer, o, others).reasons
    assert any(r.startswith("what you do mentions") and "roofing" in r and "guttering" in r for r in reasons)


def test_do_accreditations_and_ownership_add_to_the_score():
    o = opportunity(suitable_for_vcse=True)
    plain = parts(business(), o)
    accredited = parts(business(living_wage=True, vcse=True, employee_owned=True), o)
    assert accredited["accreditations"] == 1.0 and plain["accreditations"] == 0.0
    assert accredited["score"] > plain["score"]
    reasons = only_match(business(living_wage=True, vcse=True, employee_owned=True), o).reasons
    assert {"Real Living Wage employer", "suits a VCSE", "employee-owned"} <= set(reasons)


def test_is_a_local_well_sized_firm_of_another_trade_no_match():
    result = parts(business(codes=("79000000",), text="legal advice"), opportunity(text="roof repairs"))
    assert result["score"] == 0.0


def test_do_the_reasons_say_local_the_category_and_the_band():
    m = only_match(business(district="S61", codes=("45000000",)), opportunity(codes=("45261000",)))
    assert m.reasons[:3] == ["local", "CPV 45 construction work (same division)", "value within your band"]
    exact = only_match(business(district="S60"), opportunity())
    assert exact.reasons[0] == "delivered in S60, where you are"
    assert exact.reasons[1].startswith("CPV 45261") and "(same" not in exact.reasons[1]
    assert exact.score >= THRESHOLD
    assert set(exact.components) == {"category", "text", "locality", "size", "accreditations"}


def test_are_pairs_below_the_threshold_left_out():
    weak = business(district="LS1", is_local=False, codes=("45000000",), size="micro")
    assert list(Scorer([weak], [opportunity(band="over_1m")]).matches()) == []
