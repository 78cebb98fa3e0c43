"""Cross-tenant probes for the social value pages: contracts, commitments, delivery reports, evidence, links, flags,
targets, and the lead's catalogue. Partner A's people asking for B's rows get 404 and change nothing; a lead of
another network gets 404 on this network's pages."""
from __future__ import annotations

import io
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from portal.extensions import db
from portal.social_value import (
    commitments,
    contracts,
    delivery,
    evidence,
    measures,
    partner_measures,
    supplier_link,
    targets,
)
from portal.social_value.models import (
    Commitment,
    Contract,
    DeliveryReport,
    EvidenceFile,
    Measure,
    NetworkTarget,
    PartnerMeasure,
    PartnerTarget,
    ProxyValue,
)
from tenants import tenant_context
from tenants.models import Network

from .world import World

PDF = b"%PDF-1.4\n%%EOF\n"
B_REF, B_TITLE, B_NOTE = "B-SECRET-1", "Secret works of B", "B's private target"


def _b_rows(w: World) -> dict:
    """The shared network's demo catalogue; partner B's contract, commitment, report, evidence and target."""
    measures.load_demo_measures(db.session, w.network)
    db.session.commit()
    demo_02 = measures.measure_by_code(db.session, w.network, "DEMO-02")
    with tenant_context(w.b_partner.id):
        contract = contracts.create_contract(db.session, reference=B_REF, title=B_TITLE, start_date=date(2024, 4, 1),
                                             end_date=date(2027, 3, 31), rlw_in_scope=True)
        commitment = commitments.record_commitment(db.session, contract, demo_02, committed_on=date(2024, 5, 1), quantity=52)
        report = delivery.record_delivery(db.session, commitment, period_start=date(2024, 4, 1),
                                          period_end=date(2024, 6, 30), quantity=10)
        kept = evidence.store_evidence(db.session, report, "b-timesheets.pdf", io.BytesIO(PDF))
        targets.set_partner_target(db.session, subject="total_value", period_start=date(2024, 4, 1),
                                   period_end=date(2025, 3, 31), target_value_pence=100, note=B_NOTE)
        db.session.commit()
        return {"contract": contract.id, "commitment": commitment.id, "report": report.id, "evidence": kept.id,
                "measure": demo_02.id, "token": supplier_link.make_supplier_link_token(contract)}


def _b_state(w: World):
    """Everything a probe could change in B's rows and the shared catalogue."""
    db.session.expire_all()
    with tenant_context(w.b_partner.id):
        rows = (
            db.session.execute(select(Contract.id, Contract.title, Contract.value_pence, Contract.supplier_link_version)).all(),
            db.session.execute(select(Commitment.id, Commitment.quantity, Commitment.rebased_edition)).all(),
            db.session.execute(select(DeliveryReport.id, DeliveryReport.status, DeliveryReport.quantity)).all(),
            db.session.execute(select(EvidenceFile.id)).all(),
            db.session.execute(select(PartnerTarget.id)).all(),
            db.session.execute(select(PartnerMeasure.measure_id)).all(),
        )
    catalogue = (
        db.session.execute(select(Measure.code, Measure.in_use).order_by(Measure.code)).all(),
        db.session.scalar(select(func.count(ProxyValue.id))),
        db.session.scalar(select(func.count(NetworkTarget.id))),
    )
    return rows, catalogue


def _all_404(client, *requests):
    for method, url, data in requests:
        response = getattr(client, method)(url, data=data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
        assert B_TITLE.encode() not in response.data and B_REF.encode() not in response.data


def _as_a(w: World):
    return [w.sign_in(w.a_officer), w.sign_in(w.a_admin), w.sign_in(w.lead)]


def _partner_probe(requests_for):
    """A probe: A's officer, admin and the network's lead (an officer of A) all get 404; B's rows are unchanged."""

    def probe(w: World):
        b = _b_rows(w)
        before = _b_state(w)
        for client in _as_a(w):
            _all_404(client, *requests_for(b))
        assert _b_state(w) == before
        owner = w.sign_in(w.b_admin)  # the control: the same addresses work for B itself
        for method, url, _ in requests_for(b):
            if method == "get":
                assert owner.get(url).status_code == 200, url

    return probe


def _lead_probe(requests_for):
    """A lead of another network, and A's admin (no lead), get 404 on the shared network's lead pages; nothing changes."""

    def probe(w: World):
        b = _b_rows(w)
        before = _b_state(w)
        for client in (w.sign_in(w.other_lead), w.sign_in(w.a_admin)):
            _all_404(client, *requests_for(w, b))
        assert _b_state(w) == before

    return probe


def probe_contract_list(w: World):
    _b_rows(w)
    client = w.sign_in(w.a_officer)
    for url in ("/social-value/contracts", "/social-value/contracts?rlw=yes"):
        response = client.get(url)
        assert response.status_code == 200 and B_REF.encode() not in response.data and B_TITLE.encode() not in response.data
    searched = client.get(f"/social-value/contracts?q={B_REF}")
    assert b"0 contracts matching" in searched.data and B_TITLE.encode() not in searched.data


def probe_new_contract(w: World):
    _b_rows(w)
    before = _b_state(w)
    client = w.sign_in(w.a_officer)
    response = client.post("/social-value/contracts/new", data={
        "reference": B_REF, "title": "A's own", "supplier_name_as_given": "X", "value": "1", "start_date": ["1", "4", "2024"],
        "route": "procurement", "supplier_pays_rlw": "unknown"})
    assert response.status_code == 302  # the reference is A's own: B's is neither seen nor touched
    assert _b_state(w) == before
    with tenant_context(w.a_partner.id):
        assert db.session.scalars(select(Contract.title)).all() == ["A's own"]


def probe_flags(w: World):
    _b_rows(w)
    for client in _as_a(w):
        response = client.get("/social-value/flags")
        assert response.status_code == 200 and B_REF.encode() not in response.data


def probe_targets(w: World):
    _b_rows(w)
    before = _b_state(w)
    client = w.sign_in(w.a_admin)
    assert B_NOTE.encode() not in client.get("/social-value/targets").data
    response = client.post("/social-value/targets", data={
        "subject": "total_value", "basis": "delivered", "period_start": ["1", "4", "2024"], "period_end": ["31", "3", "2025"],
        "target_value": "10", "note": "A's target"})
    assert response.status_code == 302
    assert _b_state(w) == before
    with tenant_context(w.a_partner.id):
        assert db.session.scalars(select(PartnerTarget.note)).all() == ["A's target"]


def probe_partner_measures(w: World):
    """B's choice of measures is B's: A neither sees it nor changes it, and A's choice leaves B's form alone."""
    _b_rows(w)
    with tenant_context(w.b_partner.id):
        partner_measures.choose_measures(db.session, w.network, w.b_partner, ["DEMO-07"])
        db.session.commit()
    before = _b_state(w)
    client = w.sign_in(w.a_admin)
    page = client.get("/social-value/measures")
    assert page.status_code == 200 and b'value="DEMO-07" checked' not in page.data
    assert client.post("/social-value/measures", data={"measures": ["DEMO-01"]}).status_code == 302
    assert _b_state(w) == before
    with tenant_context(w.a_partner.id):
        assert [m.code for m in partner_measures.offered_measures(db.session, w.network)] == ["DEMO-01"]
    with tenant_context(w.b_partner.id):
        assert [m.code for m in partner_measures.offered_measures(db.session, w.network)] == ["DEMO-07"]
    # A partner of another network cannot choose this network's measures.
    outsider = w.sign_in(w.other_lead).post("/social-value/measures", data={"measures": ["DEMO-01"]})
    assert outsider.status_code == 400 and _b_state(w) == before


def probe_drop_beneficiary_group(w: World):
    """Another network's lead cannot drop this network's group, nor this lead another network's (404, still there)."""
    from portal.social_value import beneficiaries
    from portal.social_value.models import AdoptedBeneficiaryGroup

    here = beneficiaries.adopt_group(db.session, w.network, "Care leavers")
    there = beneficiaries.adopt_group(db.session, w.other_network, "Young carers")
    db.session.commit()
    outsider = w.sign_in(w.other_lead)
    assert outsider.post(f"/network/{w.network.id}/beneficiary-groups/{here.id}/remove", data={}).status_code == 404
    assert outsider.post(f"/network/{w.other_network.id}/beneficiary-groups/{here.id}/remove", data={}).status_code == 404
    lead = w.sign_in(w.lead)
    assert lead.post(f"/network/{w.network.id}/beneficiary-groups/{there.id}/remove", data={}).status_code == 404
    for client in (w.sign_in(w.a_admin), w.sign_in(w.b_admin)):
        assert client.post(f"/network/{w.network.id}/beneficiary-groups/{here.id}/remove", data={}).status_code == 404
    db.session.expire_all()
    assert sorted(db.session.scalars(select(AdoptedBeneficiaryGroup.name))) == ["Care leavers", "Young carers"]
    # The control: the network's own lead can.
    assert lead.post(f"/network/{w.network.id}/beneficiary-groups/{here.id}/remove", data={}).status_code == 302


def probe_evidence_file(w: World):
    b = _b_rows(w)
    for client in _as_a(w):
        for evidence_id in (b["evidence"], b["evidence"] + 1, 0):
            response = client.get(f"/social-value/evidence/{evidence_id}")
            assert response.status_code == 404 and PDF not in response.data
        # Nor by guessing a path of the instance folder.
        assert client.get(f"/social-value/evidence/{b['evidence']}/../../evidence/{w.b_partner.id}").status_code == 404
    owner = w.sign_in(w.b_admin).get(f"/social-value/evidence/{b['evidence']}")
    assert owner.status_code == 200 and owner.data == PDF  # the control: B itself can


def probe_supplier_report(w: World):
    """A's link cannot reach B's commitment; a link re-signed with A's partner and B's contract is refused."""
    b = _b_rows(w)
    with tenant_context(w.a_partner.id):
        contract = contracts.create_contract(db.session, reference="A-1", title="A's", start_date=date(2024, 4, 1))
        db.session.commit()
        a_token = supplier_link.make_supplier_link_token(contract)
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="anchor-portal:supplier-delivery").dumps(
        {"o": w.a_partner.id, "c": b["contract"], "v": 1})
    before = _b_state(w)
    client = current_app.test_client()
    data = {"commitment_id": str(b["commitment"]), "period_start": ["1", "7", "2024"], "period_end": ["30", "9", "2024"], "quantity": "5"}
    page = client.get(f"/supplier-report/{a_token}")
    assert page.status_code == 200 and B_REF.encode() not in page.data
    assert client.post(f"/supplier-report/{a_token}", data=data).status_code == 400
    for token in (forged, "x" + b["token"]):
        response = client.get(f"/supplier-report/{token}")
        assert response.status_code == 400 and B_TITLE.encode() not in response.data
        assert client.post(f"/supplier-report/{token}", data=data).status_code == 400
    assert _b_state(w) == before


DATE_FORM = {"period_start": ["1", "7", "2024"], "period_end": ["30", "9", "2024"], "quantity": "5"}

PROBES = {
    "social_value.contract_list": probe_contract_list,
    "social_value.new_contract": lambda w: (probe_new_contract(w), probe_contract_supplier_search(w)),
    "social_value.contract": _partner_probe(lambda b: [("get", f"/social-value/contracts/{b['contract']}", None)]),
    "social_value.edit_contract": _partner_probe(lambda b: [
        ("get", f"/social-value/contracts/{b['contract']}/edit", None),
        ("post", f"/social-value/contracts/{b['contract']}/edit", {"title": "Taken", "value": "1", "supplier_name_as_given": "X",
                                                                   "start_date": ["1", "4", "2024"], "route": "grants",
                                                                   "supplier_pays_rlw": "yes"})]),
    "social_value.new_commitment": _partner_probe(lambda b: [
        ("get", f"/social-value/contracts/{b['contract']}/commitments/new", None),
        ("post", f"/social-value/contracts/{b['contract']}/commitments/new",
         {"measure_id": str(b["measure"]), "quantity": "1", "committed_on": ["1", "5", "2024"]})]),
    "social_value.new_report": _partner_probe(lambda b: [
        ("get", f"/social-value/commitments/{b['commitment']}/delivery-reports/new", None),
        ("post", f"/social-value/commitments/{b['commitment']}/delivery-reports/new", DATE_FORM)]),
    "social_value.edit_commitment": _partner_probe(lambda b: [
        ("get", f"/social-value/commitments/{b['commitment']}/edit", None),
        ("post", f"/social-value/commitments/{b['commitment']}/edit", {"quantity": "1"})]),
    "social_value.edit_report": _partner_probe(lambda b: [
        ("get", f"/social-value/delivery-reports/{b['report']}/edit", None),
        ("post", f"/social-value/delivery-reports/{b['report']}/edit", {**DATE_FORM, "period_start": ["1", "4", "2024"]})]),
    "social_value.add_evidence": _partner_probe(lambda b: [
        ("post", f"/social-value/delivery-reports/{b['report']}/evidence", {"evidence": [(io.BytesIO(PDF), "a.pdf")]})]),
    "social_value.delivery_report": _partner_probe(lambda b: [("get", f"/social-value/delivery-reports/{b['report']}", None)]),
    "social_value.verify_report": _partner_probe(lambda b: [("post", f"/social-value/delivery-reports/{b['report']}/verify", {})]),
    "social_value.reject_report": _partner_probe(lambda b: [
        ("post", f"/social-value/delivery-reports/{b['report']}/reject", {"reason": "sabotage"})]),
    "social_value.create_supplier_link": _partner_probe(lambda b: [("post", f"/social-value/contracts/{b['contract']}/supplier-link", {})]),
    "social_value.revoke_supplier_links": _partner_probe(lambda b: [
        ("post", f"/social-value/contracts/{b['contract']}/supplier-link/revoke", {})]),
    "social_value.evidence_file": probe_evidence_file,
    "social_value.supplier_report": probe_supplier_report,
    "social_value.flags": probe_flags,
    "social_value.targets": probe_targets,
    "social_value.partner_measures_choice": probe_partner_measures,
    "social_value.network_flags": _lead_probe(lambda w, b: [("get", f"/network/{w.network.id}/social-value/flags", None)]),
    "social_value.network_targets": _lead_probe(lambda w, b: [
        ("get", f"/network/{w.network.id}/targets", None),
        ("post", f"/network/{w.network.id}/targets", {"subject": "total_value", "basis": "delivered", "target_value": "1",
                                                      "period_start": ["1", "4", "2024"], "period_end": ["31", "3", "2025"]})]),
    "social_value.measures_catalogue": _lead_probe(lambda w, b: [("get", f"/network/{w.network.id}/measures", None)]),
    "social_value.load_social_value_model": _lead_probe(lambda w, b: [("post", f"/network/{w.network.id}/measures/social-value-model", {})]),
    "social_value.load_demo_measures": _lead_probe(lambda w, b: [("post", f"/network/{w.network.id}/measures/demo", {})]),
    "social_value.import_measures": _lead_probe(lambda w, b: [("post", f"/network/{w.network.id}/measures/import", {})]),
    "social_value.set_measures_in_use": _lead_probe(lambda w, b: [("post", f"/network/{w.network.id}/measures/in-use", {"in_use": []})]),
    "social_value.beneficiary_groups": _lead_probe(lambda w, b: [
        ("get", f"/network/{w.network.id}/beneficiary-groups", None),
        ("post", f"/network/{w.network.id}/beneficiary-groups", {"name": "Care leavers"})]),
    "social_value.drop_beneficiary_group": probe_drop_beneficiary_group,
    "social_value.rebase": _lead_probe(lambda w, b: [("post", f"/network/{w.network.id}/measures/rebase", {"edition": "demo-2023"})]),
    "social_value.policy_start": lambda w: probe_policy_start(w),  # defined below
}


def probe_policy_start(w: World):
    """Another network's lead and A's admin get 404 on the policy start date page, and the date stays as it was."""
    url = f"/network/{w.network.id}/social-value-policy"
    _lead_probe(lambda w, b: [("get", url, None), ("post", url, {"policy_start_date": ["1", "4", "2019"]})])(w)
    db.session.expire_all()
    assert db.session.get(Network, w.network.id).policy_start_date is None


def probe_contract_supplier_search(w: World):
    """A partner's contract form offers the register's suppliers it pays, never those only another partner pays."""
    from .network_spend import _b_spend

    supplier, _ = _b_spend(w)
    client = w.sign_in(w.a_officer or w.a_admin)
    form = client.get("/social-value/contracts/new?supplier=secret")
    assert form.status_code == 200 and b"Secret Supplier" not in form.data
    posted = client.post("/social-value/contracts/new?supplier=secret", data={
        "reference": "A-1", "title": "Stolen supplier", "supplier_id": str(supplier.id), "supplier_name_as_given": "",
        "value": "10", "start_date": ["1", "4", "2024"], "route": "procurement", "supplier_pays_rlw": "unknown"})
    assert posted.status_code == 400 and b"Secret Supplier" not in posted.data
    with tenant_context(w.a_partner.id):
        assert db.session.scalar(select(Contract).where(Contract.reference == "A-1")) is None
