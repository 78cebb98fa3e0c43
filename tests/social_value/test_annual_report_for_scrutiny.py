"""Does the annual report for scrutiny carry the social value report's figures, and warn whenever a value is illustrative?

The figures are checked against the rows added up in Python (``check_report``, the
social value report's own oracle); the warning in every format the report comes in.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.reports import annual
from portal.social_value.models import Commitment, ProxyValue
from tenants import network_wide
from tests.cross_tenant.annual_report import text_of

from . import test_report
from .test_report import YEAR, check_report

world = test_report.world  # the social value report's world (a fixture), reused

FORMATS = ("", ".pdf", ".csv", ".docx", ".xlsx")


def test_the_partners_report_carries_its_social_value_figures(world, app_ctx):
    council = world.partners[0]
    r = annual.partner_report(db.session, council, str(YEAR))
    assert r.social_value.year_start.year == YEAR
    check_report(world, r.social_value, [council.id])
    assert r.social_value.headline("committed").pence > 0


def test_the_networks_report_carries_every_partners_social_value(world, app_ctx):
    ids = [p.id for p in world.partners]
    r = annual.network_report(db.session, world.network, str(YEAR))
    check_report(world, r.social_value, ids)
    assert {row.key for row in r.social_value.by_partner} == set(ids)


def test_a_partner_reading_the_network_report_sees_the_networks_totals_and_only_its_own_contracts(world, app_ctx):
    council, *others = world.partners
    r = annual.network_report(db.session, world.network, str(YEAR), reader_id=council.id)
    lead = annual.network_report(db.session, world.network, str(YEAR))
    # The network's figures are whole: the same as the lead's.
    assert r.social_value.headlines == lead.social_value.headlines
    assert r.social_value.by_theme == lead.social_value.by_theme
    # Partner by partner and contract by contract: its own alone, though every partner shares with the lead.
    assert [row.key for row in r.social_value.by_partner] == [council.id]
    listed = r.social_value.top_committed + r.social_value.top_delivered + r.social_value.living_wage
    assert listed and {c.organisation_id for c in listed} == {council.id}
    assert {c.organisation_id for c in lead.social_value.top_committed + lead.social_value.living_wage} - {council.id}
    assert r.social_value.beneficiaries_by_ward == [] and r.social_value.unlisted_partners == [f"{len(others)} other partners"]


def _texts(client, base: str) -> dict[str, str]:
    out = {}
    for suffix in FORMATS:
        response = client.get(f"{base}{suffix}?year={YEAR}")
        assert response.status_code == 200, suffix
        out[suffix] = text_of(suffix, response.data)
    return out


def _set_illustrative(network, flag: bool, measure_ids=None) -> None:
    query = update(ProxyValue).where(ProxyValue.network_id == network.id)
    if measure_ids is not None:
        query = query.where(ProxyValue.measure_id.in_(measure_ids))
    db.session.execute(query.values(illustrative=flag))
    db.session.commit()


@pytest.mark.parametrize("who", ["partner", "network"])
def test_the_illustrative_warning_is_in_every_format_whenever_an_illustrative_value_counts(world, who, sign_in, app_ctx):
    council = world.partners[0]
    client = sign_in(world.officers[council.id])
    base = "/report" if who == "partner" else f"/network/{world.network.id}/report"
    # The demo table's values are all illustrative.
    assert db.session.scalar(select(ProxyValue.id).where(ProxyValue.illustrative.is_(True))) is not None
    for suffix, text in _texts(client, base).items():
        assert annual.ILLUSTRATIVE_WARNING in text, suffix
    # Real values only: no warning anywhere.
    _set_illustrative(world.network, False)
    for suffix, text in _texts(client, base).items():
        assert annual.ILLUSTRATIVE_WARNING not in text, suffix
        assert text  # the report itself is there
    # One measure the partners committed to is illustrative again: the warning is back in every format.
    with network_wide([p.id for p in world.partners], "test: a measure in use"):
        measure_id = db.session.scalar(select(Commitment.measure_id).limit(1))
    _set_illustrative(world.network, True, [measure_id])
    for suffix, text in _texts(client, base).items():
        assert annual.ILLUSTRATIVE_WARNING in text, suffix


def test_no_argument_or_setting_turns_the_warning_off(world, sign_in, app_ctx):
    client = sign_in(world.officers[world.partners[0].id])
    for query in ("&illustrative=0", "&banner=off", "&warning=no", "&demo=0"):
        response = client.get(f"/report.docx?year={YEAR}{query}")
        assert annual.ILLUSTRATIVE_WARNING in text_of(".docx", response.data), query


def test_the_pdf_shortens_a_long_living_wage_list_and_says_so_while_the_other_formats_keep_every_contract(
        world, sign_in, app_ctx, monkeypatch):
    """Issue 16: the PDF prints the first contracts of the list (200; one here) and says how many and where the rest are."""
    from portal.reports import files

    client = sign_in(world.officers[world.partners[0].id])
    r = annual.partner_report(db.session, world.partners[0], str(YEAR))
    listed = [c.reference for c in r.social_value.living_wage]
    assert len(listed) >= 2
    monkeypatch.setattr(files, "LIVING_WAGE_SHOWN", 1)
    texts = _texts(client, "/report")
    assert f"The first 1 of {len(listed)} contracts are shown here" in texts[".pdf"]
    assert "CSV and Excel downloads and its Word document list every one" in texts[".pdf"]
    pdf = texts[".pdf"]
    start = pdf.index("The first 1 of")
    printed = pdf[start:pdf.index("Targets", start)]  # the list's table, up to the next section
    assert listed[0] in printed and not any(reference in printed for reference in listed[1:])
    for suffix in ("", ".csv", ".docx", ".xlsx"):
        assert all(reference in texts[suffix] for reference in listed), suffix
        assert "The first 1 of" not in texts[suffix], suffix
