"""Can the network lead read the gap analysis, download it, and set a category's CPV code from the pages?"""
import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.matching.models import CategoryCpv

YEAR = date(2023, 4, 1)


@pytest.fixture
def led(make_network, make_partner, make_user, make_business, category_totals, sign_in):
    network = make_network("Rotherham Anchors", local_area=("S60",))
    partner = make_partner("Council", network)
    lead = make_user(partner, "officer", lead_of=network)
    category_totals(network, {"Construction": (1_000_000_00, 100_000_00, 0), "Xyzzy": (5_000_00, 0, 0)}, year_start=YEAR)
    category_totals(network, {"Construction": (10_00, 0, 0)}, year_start=date(2022, 4, 1))
    make_business(network=network, cpv_codes=("45000000",), cooperative=True)
    return network, sign_in(lead)


def test_the_lead_suggests_codes_then_reads_the_gaps(led):
    network, client = led
    page = client.get(f"/network/{network.id}/local-market-gaps").get_data(as_text=True)
    assert 'data-testid="uncoded"' in page and "£1,005,000 of spend in 2 categories" in page
    response = client.post(f"/network/{network.id}/local-market-gaps/categories/suggest")
    assert response.status_code == 302
    page = client.get(f"/network/{network.id}/local-market-gaps").get_data(as_text=True)
    assert "45 Construction work" in page and "£900,000" in page and "90.0%" in page
    assert 'data-testid="gap-chart"' in page and "<svg" in page and 'role="img"' in page
    assert "1 local business registered, of which 1 co-operative" in page
    assert "£5,000 of spend in 1 category has no CPV code" in page
    # The year picker: the earlier year.
    earlier = client.get(f"/network/{network.id}/local-market-gaps?year=2022-04-01").get_data(as_text=True)
    assert "£10" in earlier and "£900,000" not in earlier
    # Drill into the division.
    groups = client.get(f"/network/{network.id}/local-market-gaps?division=45&year=2023-04-01").get_data(as_text=True)
    assert "Construction work: no group given" in groups
    assert client.get(f"/network/{network.id}/local-market-gaps?division=ab").status_code == 404


def test_the_download_has_the_tables_figures(led):
    network, client = led
    client.post(f"/network/{network.id}/local-market-gaps/categories/suggest")
    response = client.get(f"/network/{network.id}/local-market-gaps/download.csv?year=2023-04-01")
    assert response.status_code == 200 and "local-market-gaps-2023.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Rank", "CPV code", "CPV division or group", "Spend (£)"]
    # The fixture's spend is all procurable: the share leaving is of procurable spend.
    assert rows[1][:10] == ["1", "45000000", "45 Construction work", "1000000.00", "1000000.00", "100000.00", "0.00",
                            "900000.00", "90.0", "1"]
    assert rows[2][2] == "Categories with no CPV code yet (1)" and rows[2][3] == "5000.00"
    xlsx = client.get(f"/network/{network.id}/local-market-gaps/download.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_lead_chooses_a_code_and_a_bad_one_is_explained(led):
    network, client = led
    url = f"/network/{network.id}/local-market-gaps/categories/change?category=Xyzzy"
    form = client.get(url).get_data(as_text=True)
    assert "Another CPV code" in form
    bad = client.post(url, data={"code": "another", "other_code": "4521"})
    assert bad.status_code == 200 and "should be 8 digits" in bad.get_data(as_text=True)
    empty = client.post(url, data={"code": "another", "other_code": ""})
    assert "Enter the CPV code" in empty.get_data(as_text=True)
    done = client.post(url, data={"code": "another", "other_code": "45210000", "note": "Mostly schools"})
    assert done.status_code == 302
    mapping = db.session.scalar(select(CategoryCpv).where(CategoryCpv.category == "Xyzzy"))
    assert (mapping.cpv_code, mapping.source, mapping.note) == ("45210000", "lead", "Mostly schools")
    listing = client.get(f"/network/{network.id}/local-market-gaps/categories").get_data(as_text=True)
    assert "4521 " in listing and ">You<" in listing
    assert client.get(f"/network/{network.id}/local-market-gaps/categories/change?category=Nope").status_code == 404


def test_the_network_page_links_to_the_gaps(led):
    network, client = led
    assert f"/network/{network.id}/local-market-gaps" in client.get(f"/network/{network.id}").get_data(as_text=True)


def test_a_partner_who_is_not_the_lead_gets_not_found(led, make_user, sign_in):
    network, _ = led
    partner = network.organisations[0]
    admin = sign_in(make_user(partner, "admin"))
    for url in ("", "/download.csv", "/categories", "/categories/change?category=Construction"):
        assert admin.get(f"/network/{network.id}/local-market-gaps{url}").status_code == 404
    assert admin.post(f"/network/{network.id}/local-market-gaps/categories/suggest").status_code == 404
