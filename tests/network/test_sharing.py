"""Does a partner's admin, and only its admin, decide whether the lead can open its spend lines?"""
from __future__ import annotations

import lxml.html
from sqlalchemy import select

from portal.extensions import db
from tenants import tenant_context
from tenants.models import AuditEvent, Organisation

from .conftest import IT, _rows, import_rows


def _shares(partner) -> bool:
    db.session.expire_all()
    return db.session.get(Organisation, partner.id).shares_lines_with_lead


def _lines_url(anchors, partner):
    return f"/network/{anchors.network.id}/partners/{partner.id}/lines"


def test_sharing_is_off_by_default_and_the_lead_is_told_totals_only(anchors, sign_in):
    lead = sign_in(anchors.lead)
    response = lead.get(_lines_url(anchors, anchors.police))
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "South Yorkshire Police shares its totals only" in page and "P-0" not in page
    network_page = lead.get(f"/network/{anchors.network.id}").get_data(as_text=True)
    assert 'data-testid="totals-only-message"' in network_page and "South Yorkshire Police" in network_page
    assert _lines_url(anchors, anchors.police) not in network_page


def test_turning_sharing_on_lets_the_lead_open_that_partners_lines_only(anchors, sign_in):
    admin = sign_in(anchors.police_admin)
    assert "Our totals only" in admin.get("/partner/sharing").get_data(as_text=True)
    assert admin.post("/partner/sharing", data={"sharing": "lines"}).status_code == 302
    assert _shares(anchors.police)

    lead = sign_in(anchors.lead)
    response = lead.get(_lines_url(anchors, anchors.police))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert all(f">P-{n}<" in page for n in range(4))
    # The police's lines only: not the council's (the lead's own) nor the hospital's.
    assert ">C-0<" not in page and ">H-0<" not in page
    assert _lines_url(anchors, anchors.police) in lead.get(f"/network/{anchors.network.id}").get_data(as_text=True)
    # Still closed for the hospital, which has not opened its lines.
    assert lead.get(_lines_url(anchors, anchors.hospital)).status_code == 404


def test_the_lead_can_filter_a_shared_partners_lines(anchors, sign_in):
    sign_in(anchors.police_admin).post("/partner/sharing", data={"sharing": "lines"})
    page = sign_in(anchors.lead).get(_lines_url(anchors, anchors.police) + "?category=IT").get_data(as_text=True)
    assert ">P-0<" in page and ">P-1<" not in page and "category IT" in page


def test_turning_sharing_off_again_closes_the_lines(anchors, sign_in):
    admin = sign_in(anchors.police_admin)
    admin.post("/partner/sharing", data={"sharing": "lines"})
    admin.post("/partner/sharing", data={"sharing": "totals"})
    assert not _shares(anchors.police)
    assert sign_in(anchors.lead).get(_lines_url(anchors, anchors.police)).status_code == 404


def test_each_change_is_in_the_partners_audit_log_with_who_before_and_after(anchors, sign_in):
    admin = sign_in(anchors.police_admin)
    admin.post("/partner/sharing", data={"sharing": "lines"})
    admin.post("/partner/sharing", data={"sharing": "lines"})  # no change: nothing to record
    admin.post("/partner/sharing", data={"sharing": "totals"})
    with tenant_context(anchors.police.id):
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sharing.changed").order_by(AuditEvent.id)
        ).all()
        assert [(e.user_id, e.detail["before"], e.detail["after"]) for e in events] == [
            (anchors.police_admin.id, "totals", "lines"), (anchors.police_admin.id, "lines", "totals"),
        ]
        assert all(e.at is not None and e.organisation_id == anchors.police.id for e in events)
    page = admin.get("/partner/sharing").get_data(as_text=True)
    assert 'data-testid="sharing-history"' in page and "Pat Police-Admin" in page


def test_officers_and_viewers_cannot_change_sharing(anchors, sign_in):
    for user in (anchors.police_officer, anchors.police_viewer):
        client = sign_in(user)
        assert client.get("/partner/sharing").status_code == 403
        assert client.post("/partner/sharing", data={"sharing": "lines"}).status_code == 403
    assert not _shares(anchors.police)


def test_the_lead_cannot_open_a_partners_lines_by_changing_its_setting(anchors, sign_in):
    # The lead is an officer of the council, not an admin of the police: the page acts on
    # the partner they work as, and they may not even change their own council's.
    lead = sign_in(anchors.lead)
    assert lead.post("/partner/sharing", data={"sharing": "lines"}).status_code == 403
    assert not _shares(anchors.police) and not _shares(anchors.council)


def test_an_admin_of_one_partner_changes_only_their_own(anchors, sign_in):
    sign_in(anchors.council_admin).post("/partner/sharing", data={"sharing": "lines"})
    assert _shares(anchors.council) and not _shares(anchors.police) and not _shares(anchors.hospital)
    with tenant_context(anchors.police.id):
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sharing.changed")).all() == []


def test_a_partner_outside_the_network_is_not_found(anchors, make_partner, make_network, sign_in):
    stranger = make_partner("Elsewhere Council", make_network("Elsewhere"))
    response = sign_in(anchors.lead).get(_lines_url(anchors, stranger))
    assert response.status_code == 404 and "Elsewhere Council" not in response.get_data(as_text=True)


def test_the_lead_sees_where_a_page_of_a_partners_lines_sits_and_numbered_pages(anchors, sign_in):
    sign_in(anchors.police_admin).post("/partner/sharing", data={"sharing": "lines"})
    more = [(f"{1 + n % 28:02d}/{1 + n % 12:02d}/2022", IT, f"{100 + n}.00", "IT") for n in range(116)]
    import_rows(anchors.police, _rows("Q", more))  # 4 + 116 = 120 lines: three pages of 50 (2022: no month held)
    lead = sign_in(anchors.lead)
    first = lxml.html.fromstring(lead.get(_lines_url(anchors, anchors.police)).get_data(as_text=True))
    assert " ".join(first.xpath("//p[@data-testid='showing']")[0].text_content().split()) == "Showing 1–50 of 120 lines"
    items = first.xpath("//li[contains(@class, 'govuk-pagination__item')]")
    assert [i.text_content().strip() for i in items] == ["1", "2", "3"]
    assert "govuk-pagination__item--current" in items[0].get("class")
    last = lxml.html.fromstring(lead.get(items[2].xpath("./a/@href")[0]).get_data(as_text=True))
    assert " ".join(last.xpath("//p[@data-testid='showing']")[0].text_content().split()) == "Showing 101–120 of 120 lines"
    assert len(last.xpath("//table[@data-testid='lines']/tbody/tr")) == 20
