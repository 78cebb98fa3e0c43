"""Are the matches shown right, on a sample a person labelled (30 businesses, 20 opportunities)?"""
from pathlib import Path

from portal.matching.quality import measure

SAMPLE = Path(__file__).with_name("labelled_sample.json")


def test_are_nine_in_ten_matches_shown_relevant_without_missing_most():
    quality = measure(SAMPLE)
    # Measured 0.94 and 0.82 when the sample was written; the floors leave room for tuning, not for a regression.
    assert quality.precision_at_10 >= 0.85, quality
    assert quality.recall >= 0.7, quality
