"""Does the home page list the partner's work as a GOV.UK task list, with statuses from its own data?"""
from __future__ import annotations

from datetime import date

import lxml.html
from sqlalchemy import insert, select

from portal.extensions import db
from portal.social_value.models import DeliveryReport
from portal.spend.models import SpendLine
from portal.suppliers.models import Supplier, SupplierMatchCandidate
from tenants import tenant_context

from .test_pages_journey import add_commitment, add_contract, ids, report_delivery


def _tasks(client) -> dict[str, tuple[str, str]]:
    page = lxml.html.fromstring(client.get("/").get_data(as_text=True))
    return {
        item.get("data-testid"): (" ".join(item.xpath(".//*[contains(@class, 'govuk-task-list__status')]")[0].text_content().split()),
                                  item.xpath(".//a")[0].get("href"))
        for item in page.xpath("//ul[@data-testid='task-list']/li[@data-testid]")
    }


def test_a_new_partner_sees_what_to_start(partners, make_user, sign_in):
    client = sign_in(make_user(partners[0], "admin"))
    tasks = _tasks(client)
    assert tasks["task-spend"] == ("Not yet started", "/spend/imports")
    assert tasks["task-contracts"] == ("Not yet started", "/social-value/contracts")
    assert tasks["task-people"] == ("Invite colleagues", "/people")


def test_statuses_come_from_the_partners_spend_delivery_and_the_networks_duplicates(partners, make_user, sign_in, measure, sv_network):
    council, other = partners[0], partners[1]
    officer = make_user(council, "officer", lead_of=sv_network)
    client = sign_in(officer)
    for partner, month in ((council, date(2026, 3, 1)), (other, date(2026, 6, 1))):  # the other partner's later month is not ours
        with tenant_context(partner.id):
            db.session.execute(insert(SpendLine), [{"organisation_id": partner.id, "payment_date": month, "month": month,
                                                    "amount_pence": 100, "supplier_name": "A", "content_key": "k", "occurrence": 1}])
            db.session.commit()
    add_contract(client)
    contract_id, _, _ = ids(council)
    add_commitment(client, contract_id, measure("DEMO-02").id)
    _, commitment_id, _ = ids(council)
    for start, end in ((["1", "4", "2024"], ["30", "6", "2024"]), (["1", "7", "2024"], ["30", "9", "2024"])):
        assert report_delivery(client, commitment_id, period_start=start, period_end=end).status_code == 302
    with tenant_context(council.id):  # the first reported waits longest, so the task opens it
        first_report = db.session.scalars(select(DeliveryReport.id).order_by(DeliveryReport.reported_at, DeliveryReport.id)).first()
    suppliers = [Supplier(network_id=sv_network.id, name=f"Firm {n}", normalised_name=f"firm {n}") for n in range(4)]
    db.session.add_all(suppliers)
    db.session.flush()
    db.session.add_all([SupplierMatchCandidate(network_id=sv_network.id, supplier_id=suppliers[n].id,
                                               candidate_id=suppliers[n + 1].id, score=91.0) for n in (0, 2)])
    db.session.commit()

    tasks = _tasks(client)
    assert tasks["task-spend"] == ("March 2026 spend imported", "/spend/imports")
    assert tasks["task-delivery"] == ("2 delivery reports to check", f"/social-value/delivery-reports/{first_report}")
    assert tasks["task-contracts"] == ("1 contract recorded", "/social-value/contracts")
    assert tasks[f"task-duplicates-{sv_network.id}"] == ("2 possible duplicates to review", f"/network/{sv_network.id}/suppliers/review")
    assert "task-people" not in tasks  # officers do not manage people
