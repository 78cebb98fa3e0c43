"""Cross-tenant probes for the annual report for scrutiny (portal/reports): the partner's and the network's, every format.

Partner A's people read the network's report too; B's contracts must never appear in
what they get, though B shares its lines with the lead (that choice is about the lead).
"""
from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from portal.reports.annual import ILLUSTRATIVE_WARNING

from .social_value_report import B_SECRETS, _clean, _forged, _social_value
from .world import World

FORMATS = ("", ".pdf", ".csv", ".docx", ".xlsx")


def text_of(suffix: str, data: bytes) -> str:
    """Everything a reader can see in the answer, whatever its format."""
    if suffix == ".docx":
        from docx import Document

        document = Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        parts += [p.text for section in document.sections for p in section.header.paragraphs]
        return "\n".join(parts)
    if suffix == ".pdf":
        from pypdf import PdfReader

        assert data.startswith(b"%PDF")
        # Lines wrap where the page ends them: one space between words, as in the other formats.
        return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    if suffix == ".xlsx":
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    if suffix == ".csv":
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return data.decode()


def _partner_probe(w: World, suffix: str):
    client = w.sign_in(w.a_officer)
    for query in ("?year=2024", f"?year=2024&{_forged(w)}"):
        response = client.get(f"/report{suffix}" + query)
        assert response.status_code == 200
        text = text_of(suffix, response.data)
        _clean(text)
        assert "A-1" in text
        assert ILLUSTRATIVE_WARNING in text  # the demo measures are illustrative


def probe_partner_report(w: World):
    _social_value(w)
    _partner_probe(w, "")


def probe_partner_report_file(w: World):
    _social_value(w)
    for suffix in FORMATS[1:]:
        _partner_probe(w, suffix)


def _network_probe(w: World, suffix: str):
    url = f"/network/{w.network.id}/report{suffix}?year=2024"
    # Someone of another network, or no partner of this one: 404, nothing of it shown.
    response = w.sign_in(w.other_lead).get(url)
    assert response.status_code == 404
    assert b"A-1" not in response.data and b"B-SECRET" not in response.data
    # A partner of the network reads it: its own contract, never B's (B shares with the lead only).
    for query in ("", f"&{_forged(w)}"):
        response = w.sign_in(w.a_admin).get(url + query)
        assert response.status_code == 200
        text = text_of(suffix, response.data)
        _clean(text)
        assert "A-1" in text and ILLUSTRATIVE_WARNING in text
    # The lead sees both partners' contracts: B's were withheld from A, not missing.
    lead = text_of(suffix, w.sign_in(w.lead).get(url).data)
    assert "A-1" in lead and "B-SECRET-1" in lead
    # The other lead's own network report holds nothing of this network.
    own = w.sign_in(w.other_lead).get(f"/network/{w.other_network.id}/report{suffix}?year=2024&{_forged(w)}")
    assert own.status_code == 200
    text = text_of(suffix, own.data)
    _clean(text)
    assert "A-1" not in text and all(secret not in text for secret in B_SECRETS)


def probe_network_report(w: World):
    _social_value(w)
    _network_probe(w, "")


def probe_network_report_file(w: World):
    _social_value(w)
    for suffix in FORMATS[1:]:
        _network_probe(w, suffix)


PROBES = {
    "reports.partner_report": probe_partner_report,
    "reports.partner_report_file": probe_partner_report_file,
    "reports.network_report": probe_network_report,
    "reports.network_report_file": probe_network_report_file,
}


A_STORY, B_STORY = "Story of A: twelve apprentices", "Secret story of B: nobody may read it"


def _stories(w: World) -> dict[int, int]:
    """A narrative on each partner's verified report; B chooses its own as a case study. The report ids by partner."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.reports import case_studies
    from portal.social_value.models import DeliveryReport
    from portal.social_value.totals import year_range
    from tenants import tenant_context

    ids = {}
    for partner, story in ((w.a_partner, A_STORY), (w.b_partner, B_STORY)):
        with tenant_context(partner.id):
            report = db.session.scalar(select(DeliveryReport))
            report.narrative = story
            ids[partner.id] = report.id
            db.session.flush()
            if partner is w.b_partner:
                start, end = year_range(w.network, 2024)
                assert case_studies.choose(db.session, partner, start, end, [report.id], None) == []
            db.session.commit()
    return ids


def probe_choose_case_studies(w: World):
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.reports.models import CaseStudy
    from tenants import network_wide

    _social_value(w)
    ids = _stories(w)
    client = w.sign_in(w.a_officer)
    page = client.get(f"/report/case-studies?year=2024&{_forged(w)}")
    assert page.status_code == 200
    assert A_STORY in page.get_data(as_text=True)
    _clean(page.get_data(as_text=True))
    assert B_STORY not in page.get_data(as_text=True)

    def chosen():
        with network_wide([w.a_partner.id, w.b_partner.id], "test: every case study"):
            return sorted(tuple(row) for row in db.session.execute(select(CaseStudy.organisation_id, CaseStudy.delivery_report_id)))

    before = chosen()
    # B's report id, alone or beside A's own: refused whole, nothing saved anywhere.
    for picked in ([ids[w.b_partner.id]], [ids[w.a_partner.id], ids[w.b_partner.id]]):
        response = client.post("/report/case-studies?year=2024", data={"reports": [str(i) for i in picked]})
        assert response.status_code == 400
        assert B_STORY not in response.get_data(as_text=True)
        assert chosen() == before
    # Its own: saved, in its report; the network report shows it to A and to the lead, and B's only to the lead.
    assert client.post("/report/case-studies?year=2024", data={"reports": [str(ids[w.a_partner.id])]}).status_code == 302
    assert (w.a_partner.id, ids[w.a_partner.id]) in chosen() and len(chosen()) == len(before) + 1
    mine = text_of(".docx", client.get("/report.docx?year=2024").data)
    assert A_STORY in mine and B_STORY not in mine
    network = text_of(".docx", w.sign_in(w.a_admin).get(f"/network/{w.network.id}/report.docx?year=2024").data)
    assert A_STORY in network and B_STORY not in network
    lead = w.sign_in(w.lead).get(f"/network/{w.network.id}/report?year=2024").get_data(as_text=True)
    assert A_STORY in lead and B_STORY in lead
    with network_wide([w.b_partner.id], "test: B's case studies untouched"):
        assert db.session.scalar(select(func.count()).select_from(CaseStudy).where(CaseStudy.organisation_id == w.b_partner.id)) == 1


def probe_publishing_threshold(w: World):
    from portal.extensions import db
    from tenants.models import Organisation

    _social_value(w)
    assert w.sign_in(w.a_officer).post("/report/publishing", data={"threshold": "2500000"}).status_code == 403
    client = w.sign_in(w.a_admin)
    page = client.get(f"/report/publishing?{_forged(w)}")
    assert page.status_code == 200
    _clean(page.get_data(as_text=True))
    response = client.post(f"/report/publishing?{_forged(w)}", data={
        "threshold": "2500000", "public_social_value": "yes", "organisation_id": w.b_partner.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, w.a_partner.id).publishes_spend_over_pence == 2_500_000
    assert db.session.get(Organisation, w.a_partner.id).shows_social_value_publicly is True
    assert db.session.get(Organisation, w.b_partner.id).publishes_spend_over_pence is None
    assert db.session.get(Organisation, w.b_partner.id).shows_social_value_publicly is False
    assert client.post("/report/publishing", data={"threshold": "1"}).status_code == 400


PROBES |= {
    "reports.choose_case_studies": probe_choose_case_studies,
    "reports.publishing_threshold": probe_publishing_threshold,
}
