"""Are dates written as GOV.UK writes them, the same way on every page?"""
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from portal.formatting import govuk_date, govuk_date_time


def test_a_date_has_no_leading_zero_and_the_month_in_full():
    assert govuk_date(date(2026, 12, 2)) == "2 December 2026"
    assert govuk_date(None) == ""


@pytest.mark.parametrize(("at", "shown"), [
    (datetime(2026, 12, 2, 15, 4, tzinfo=UTC), "2 December 2026 at 3:04pm"),
    (datetime(2026, 12, 2, 9, 30, tzinfo=UTC), "2 December 2026 at 9:30am"),
    (datetime(2026, 12, 2, 12, 0, tzinfo=UTC), "2 December 2026 at midday"),
    (datetime(2026, 12, 2, 0, 0, tzinfo=UTC), "2 December 2026 at midnight"),
    # Kept in UTC, read in UK time: British Summer Time is an hour ahead, and can change the day.
    (datetime(2026, 7, 1, 23, 30, tzinfo=UTC), "2 July 2026 at 12:30am"),
])
def test_a_date_time_is_in_uk_time_with_a_12_hour_clock(at, shown):
    assert govuk_date_time(at) == shown


def test_no_template_formats_a_date_by_hand():
    """One filter writes dates; a strftime in a template is a fifth format waiting to happen."""
    templates = Path(__file__).parents[1] / "portal" / "templates"
    offenders = [
        f"{path.relative_to(templates)}: {line.strip()}"
        for path in templates.rglob("*.html")
        for line in path.read_text().splitlines()
        if re.search(r"strftime\(\"%-?d", line)
    ]
    assert offenders == []
