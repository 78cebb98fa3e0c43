"""Cross-tenant probes for the annual social value report: the partner's and the network's, page, PDF and downloads."""
import io
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery, measures
from portal.social_value.models import Measure
from tenants import tenant_context

from .world import World

B_SECRETS = ("B-SECRET", "Secret contract of B", "Secret Supplier of B", "Partner B", "777,777", "777777")
FORGED = "organisation_id={b}&organisation={b}&partner={b}&org={b}&tenant={b}&network_id={n}"


def _contract(partner, user, reference, title, supplier, weeks):
    """One contract committing apprenticeship weeks (DEMO-02, £210 a week), half delivered and verified."""
    with tenant_context(partner.id):
        contract = contracts.create_contract(
            db.session, reference=reference, title=title, start_date=date(2024, 4, 1), end_date=date(2026, 3, 31),
            supplier_name_as_given=supplier, rlw_in_scope=True, supplier_pays_rlw="no",
        )
        measure = db.session.scalar(select(Measure).where(Measure.network_id == partner.network_id, Measure.code == "DEMO-02"))
        commitment = commitments.record_commitment(db.session, contract, measure, committed_on=date(2024, 5, 1), quantity=weeks)
        report = delivery.record_delivery(db.session, commitment, period_start=date(2024, 5, 1), period_end=date(2024, 9, 30),
                                          quantity=weeks // 2, beneficiaries=[("Ward of B" if "B" in reference else "Keppel", "", 3)])
        delivery.verify_delivery(db.session, report, user)
        db.session.commit()


def _social_value(w: World) -> None:
    measures.load_demo_measures(db.session, w.network)
    measures.load_demo_measures(db.session, w.other_network)
    db.session.commit()
    _contract(w.a_partner, w.a_admin, "A-1", "Highways of A", "Acme Ltd", 100)  # £21,000 committed, £10,500 delivered
    _contract(w.b_partner, w.b_admin, "B-SECRET-1", "Secret contract of B", "Secret Supplier of B", 37037)  # £7,777,770
    # Both share their lines with the lead, so the lead's report lists their contracts (a partner
    # sharing totals only is counted but not listed: tests/social_value/test_report.py).
    for partner in (w.a_partner, w.b_partner):
        db.session.get(type(partner), partner.id).shares_lines_with_lead = True
    db.session.commit()


def _clean(text: str) -> None:
    for secret in B_SECRETS + ("Ward of B",):
        assert secret not in text, secret


def _forged(w: World) -> str:
    return FORGED.format(b=w.b_partner.id, n=w.network.id)


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    try:
        import pypdf
    except ImportError:  # the PDF's text cannot be read here; its HTML is the page's, probed above
        return ""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def probe_partner_report(w: World):
    _social_value(w)
    client = w.sign_in(w.a_officer)
    for query in ("", "?year=2024", f"?year=2024&{_forged(w)}", "?year=2023"):
        response = client.get("/social-value/report" + query)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        _clean(page)
        if "2024" in query or not query:
            assert "£21,000" in page and "A-1" in page


def probe_partner_report_pdf(w: World):
    _social_value(w)
    client = w.sign_in(w.a_officer)
    for query in ("?year=2024", f"?year=2024&{_forged(w)}"):
        response = client.get("/social-value/report.pdf" + query)
        assert response.status_code == 200
        text = _pdf_text(response.data)
        _clean(text)
        assert not text or "£21,000" in text


def probe_partner_report_download(w: World):
    _social_value(w)
    client = w.sign_in(w.a_officer)
    for fmt in ("csv", "xlsx"):
        for query in ("?year=2024", f"?year=2024&{_forged(w)}"):
            response = client.get(f"/social-value/report.{fmt}" + query)
            assert response.status_code == 200
            _clean(response.data.decode("latin-1"))
            if fmt == "csv":
                assert "A-1" in response.get_data(as_text=True)


def _lead_probe(w: World, *suffixes: str):
    _social_value(w)
    for suffix in suffixes:
        # The other network's lead, and partner admins who lead nothing, get 404 for the shared network.
        for user in (w.other_lead, w.a_admin, w.b_admin):
            response = w.sign_in(user).get(f"/network/{w.network.id}/social-value-report{suffix}?year=2024")
            assert response.status_code == 404
            assert b"B-SECRET" not in response.data and b"A-1" not in response.data
        # The other lead's own network report holds nothing of this network's partners.
        own = w.sign_in(w.other_lead).get(f"/network/{w.other_network.id}/social-value-report{suffix}?year=2024&{_forged(w)}")
        assert own.status_code == 200
        text = _pdf_text(own.data) if suffix == ".pdf" else own.data.decode("latin-1")
        _clean(text)
        assert "A-1" not in text and "21,000" not in text and "21000" not in text
    # The shared network's own lead sees both partners: the figures above were withheld, not missing.
    page = w.sign_in(w.lead).get(f"/network/{w.network.id}/social-value-report?year=2024").get_data(as_text=True)
    assert "A-1" in page and "B-SECRET-1" in page


def probe_network_report(w: World):
    _lead_probe(w, "")


def probe_network_report_pdf(w: World):
    _lead_probe(w, ".pdf")


def probe_network_report_download(w: World):
    _lead_probe(w, ".csv", ".xlsx")


PROBES = {
    "sv_report.partner_report": probe_partner_report,
    "sv_report.partner_report_pdf": probe_partner_report_pdf,
    "sv_report.partner_report_download": probe_partner_report_download,
    "sv_report.network_report": probe_network_report,
    "sv_report.network_report_pdf": probe_network_report_pdf,
    "sv_report.network_report_download": probe_network_report_download,
}
