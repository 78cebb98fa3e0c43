"""Can a partner's nightly job push a real council's month with a token and read back totals equal to the file?

The truth is computed independently of the portal (tests/spend/test_real_files.py: the csv
module and Decimal over the file's own amount column); skipped when the real files are absent.
"""
from __future__ import annotations

import pytest

from tests.spend.test_real_files import REAL_SPEND_FILES, independent_truth

from .conftest import bearer, run_queued_import

PUSHED = ("calderdale-spend-2022-08.csv", "darlington-spend-2022-08.csv")


@pytest.fixture
def council(make_partner, make_network):
    return make_partner("A council", make_network("A network", local_area=("HX1", "DL1")))


def _push(client, secret, path):
    with open(path, "rb") as stream:
        response = client.post("/api/v1/spend/imports", headers=bearer(secret), data={"file": (stream, path.name)},
                               content_type="multipart/form-data")
    assert response.status_code == 202 and response.json["status"] == "queued", response.json
    return response.json["id"]


def _total_of_every_year(client, secret) -> int:
    """The total of each financial year the totals name (a month's file can hold a late line of an earlier year)."""
    latest = client.get("/api/v1/spend/totals", headers=bearer(secret)).json
    total = 0
    for year_start in latest["years"]:
        year = client.get(f"/api/v1/spend/totals?year={year_start[:4]}", headers=bearer(secret)).json
        assert year["year_start"] == year_start
        year_total = next(f for f in year["figures"] if f["key"] == "total")["pence"]
        assert sum(m["total_pence"] for m in year["months"]) == year_total
        total += year_total
    return total


@pytest.mark.parametrize("name", PUSHED)
def test_a_real_month_pushed_with_a_token_reads_back_to_the_penny(client, council, make_token, real_file, name):
    path = real_file(name)
    lines, pence = independent_truth(path, REAL_SPEND_FILES[name][2])
    secret = make_token(council)

    import_id = _push(client, secret, path)
    run_queued_import(council.id, import_id)
    shown = client.get(f"/api/v1/spend/imports/{import_id}", headers=bearer(secret)).json
    assert (shown["status"], shown["imported"], shown["rejected"]) == ("imported", lines, 0)
    assert _total_of_every_year(client, secret) == pence
    first = client.get("/api/v1/spend/lines", headers=bearer(secret)).json
    assert first["total"] == lines and len(first["lines"]) == 50

    # The nightly job runs again with the same file: nothing changes.
    again = _push(client, secret, path)
    run_queued_import(council.id, again)
    shown = client.get(f"/api/v1/spend/imports/{again}", headers=bearer(secret)).json
    assert (shown["status"], shown["imported"], shown["already_held"]) == ("imported", 0, lines)
    assert _total_of_every_year(client, secret) == pence


def test_every_line_is_reached_by_following_the_cursor(client, council, make_token, real_file):
    path = real_file("calderdale-spend-2022-08.csv")
    lines, pence = independent_truth(path, "Net Amount")
    secret = make_token(council)
    run_queued_import(council.id, _push(client, secret, path))
    seen, total, after = set(), 0, None
    while True:
        page = client.get("/api/v1/spend/lines", headers=bearer(secret), query_string={"after": after} if after else {}).json
        seen.update(line["id"] for line in page["lines"])
        total += sum(line["amount_pence"] for line in page["lines"])
        if page["next_cursor"] is None:
            break
        after = page["next_cursor"]
    assert (len(seen), total) == (lines, pence)
    bad = client.get("/api/v1/spend/lines?after=nonsense", headers=bearer(secret))
    assert bad.status_code == 400 and bad.is_json
