"""Cross-tenant probes for bulk social value imports, the delivery reports' download and the lead's settings.

Partner A's people asking for B's import get 404 and see none of its lines; A's download of delivery
reports holds none of B's; a lead of another network gets 404 on this network's settings and changes nothing.
"""
from __future__ import annotations

import io

from sqlalchemy import select

from portal.extensions import db
from portal.social_value import bulk_import
from portal.social_value.models import BulkImport, DeliveryReport
from tenants import tenant_context
from tenants.models import Network

from .social_value import B_REF, _b_rows
from .world import World

B_FILE = "b-secret-delivery.csv"
B_NARRATIVE = "B's secret delivery narrative"


def b_bulk_import(b_partner) -> int:
    """Partner B imports a delivery file against its contract (B_REF, DEMO-02); returns the import's id."""
    data = ("Contract reference,Measure code,Quantity,Period start,Period end,What was delivered\n"
            f"{B_REF},DEMO-02,4,01/07/2024,30/09/2024,{B_NARRATIVE}\n"
            f"{B_REF},NO-SUCH-MEASURE,4,01/07/2024,30/09/2024,{B_NARRATIVE}\n").encode()
    with tenant_context(b_partner.id):
        bulk = bulk_import.store_upload(db.session, "delivery", None, B_FILE, io.BytesIO(data), b_partner.id)
        db.session.commit()
        bulk_import.run_bulk_import(db.session, bulk.id)  # refused: its second line names no measure
        db.session.commit()
        return bulk.id


def matrix_targets(base, other_sme) -> dict:
    return {"bulk_import_id": b_bulk_import(base.b_partner), "kind": "delivery"}


def _b_state(w: World):
    with tenant_context(w.b_partner.id):
        db.session.expire_all()
        imports = [(b.id, b.status, b.problems) for b in db.session.scalars(select(BulkImport))]
        reports = db.session.scalar(select(db.func.count()).select_from(DeliveryReport))
    return imports, reports


def _bulk_probe(paths):
    def probe(w: World):
        _b_rows(w)
        import_id = b_bulk_import(w.b_partner)
        before = _b_state(w)
        for client in (w.sign_in(w.a_officer), w.sign_in(w.a_admin), w.sign_in(w.lead)):
            for method, path in paths:
                response = getattr(client, method)(path.format(id=import_id))
                assert response.status_code == 404, (method, path, response.status_code)
                assert B_FILE.encode() not in response.data and B_NARRATIVE.encode() not in response.data
        assert _b_state(w) == before
        owner = w.sign_in(w.b_admin)  # the control: the same addresses work for B itself
        for method, path in paths:
            if method == "get":
                assert owner.get(path.format(id=import_id)).status_code == 200, path

    return probe


def probe_bulk_imports(w: World):
    """A's list of imports shows none of B's, and A's upload of B's lines finds no contract of B's."""
    _b_rows(w)
    b_bulk_import(w.b_partner)
    before = _b_state(w)
    client = w.sign_in(w.a_officer)
    listed = client.get("/social-value/bulk-imports")
    assert listed.status_code == 200 and B_FILE.encode() not in listed.data
    data = f"Contract reference,Measure code,Quantity,Committed on\n{B_REF},DEMO-02,5,01/05/2024\n".encode()
    response = client.post("/social-value/bulk-imports", data={"kind": "commitments", "bulk_file": (io.BytesIO(data), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with tenant_context(w.a_partner.id):
        mine = db.session.scalars(select(BulkImport)).one()
        bulk_import.run_bulk_import(db.session, mine.id)
        db.session.commit()
        assert mine.status == "rejected" and mine.problems == [[2, f"No contract has the reference '{B_REF}'"]]
    assert _b_state(w) == before


def probe_delivery_reports_download(w: World):
    _b_rows(w)
    response = w.sign_in(w.a_officer).get("/social-value/delivery-reports.csv")
    assert response.status_code == 200 and B_REF.encode() not in response.data
    assert B_REF.encode() in w.sign_in(w.b_admin).get("/social-value/delivery-reports.csv").data  # the control


def probe_network_settings(w: World):
    """A lead of another network, and A's admin (no lead), get 404; the setting does not move."""
    url = f"/network/{w.network.id}/social-value/settings"
    for client in (w.sign_in(w.other_lead), w.sign_in(w.a_admin)):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"four_eyes": "off"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Network, w.network.id).four_eyes_verification is True


PROBES = {
    "social_value.bulk_imports": probe_bulk_imports,
    "social_value.bulk_import_page": _bulk_probe([("get", "/social-value/bulk-imports/{id}"),
                                                  ("post", "/social-value/bulk-imports/{id}")]),
    "social_value.bulk_import_problems": _bulk_probe([("get", "/social-value/bulk-imports/{id}/problems.csv")]),
    "social_value.delivery_reports_download": probe_delivery_reports_download,
    "social_value.network_settings": probe_network_settings,
}
NO_TENANT_DATA = {
    "social_value.bulk_template": "the same template for everyone: headers and an invented example row",
}
