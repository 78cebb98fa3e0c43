"""Issue 17's pipeline, awards, forward plan and funnel, and issue 19's operations routes: partner A never
reaches partner B's opportunity stages, plans, bids, award or proposed commitments (404, nothing changed);
public pages show published purchases only; the network's funnel is its lead's."""
from __future__ import annotations

from datetime import date, timedelta

from portal.extensions import db
from portal.opportunities import awards, services
from portal.opportunities.awards import Bidder
from portal.social_value.awards import contract_proposals
from portal.social_value.models import Contract
from portal.suppliers.models import Supplier
from tenants import tenant_context

from .opportunities import _both, _other_network_lists, _partner_probe, _public_probe, b_objects
from .world import World


def _b_proposal(w: World) -> int:
    """B awards its published opportunity (with an ask on it) to a register supplier: one proposed commitment."""
    supplier = Supplier(network_id=w.network.id, name="B's Mowing Ltd", normalised_name="bs mowing")
    db.session.add(supplier)
    db.session.commit()
    with tenant_context(w.b_partner.id):
        opportunity = services.create_opportunity(db.session, services.OpportunityDetails(
            title="B's grounds work", description="Grounds", cpv_codes=["77314000"], value_band="10k_to_50k",
            estimated_value_pence=None, delivery_location="Town", delivery_districts=[], suitable_for_sme=True,
            suitable_for_vcse=False, closing_date=date.today() + timedelta(days=30), contact_name="B buyer", contact_email="buyer@b.example"))
        services.create_ask(db.session, services.AskDetails(kind="volunteering", title="B's towpath ask",
                                                            opportunity_id=opportunity.id))
        award = awards.record_award(db.session, opportunity, Bidder(supplier_id=supplier.id), 100_00)
        proposal = contract_proposals(db.session, db.session.get(Contract, award.contract_id))[0]
        db.session.commit()
        return proposal.id


def _proposal_probe(w: World):
    proposal_id = _b_proposal(w)
    url = f"/social-value/proposed-commitments/{proposal_id}"
    for client in (w.sign_in(w.a_officer), w.sign_in(w.a_admin), w.sign_in(w.lead)):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"action": "drop"}).status_code == 404
    assert w.sign_in(w.b_admin).get(url).status_code == 200


def _partner_funnel(w: World):
    """A's funnel names A and the network, never B."""
    b_objects(w)
    page = w.sign_in(w.a_officer).get("/partner/funnel")
    assert page.status_code == 200 and b"Partner B" not in page.data


def _network_funnel(w: World):
    """Only the network's lead reads its funnel; a partner's officer and another network's lead get 404."""
    url = f"/network/{w.network.id}/funnel"
    assert w.sign_in(w.lead).get(url).status_code == 200
    for client in (w.sign_in(w.a_officer), w.sign_in(w.b_admin), w.sign_in(w.other_lead)):
        assert client.get(url).status_code == 404


PROBES = {
    "opportunities.stage": _partner_probe(lambda b: [
        ("get", f"/partner/opportunities/{b['draft']}/stage", None),
        ("post", f"/partner/opportunities/{b['draft']}/stage", {"stage": "cancelled"}),
    ]),
    "opportunities.plan": _partner_probe(lambda b: [
        ("get", f"/partner/opportunities/{b['draft']}/plan", None),
        ("post", f"/partner/opportunities/{b['draft']}/plan", {"fts_notice": "000123-2025"}),
    ]),
    "opportunities.bids": _partner_probe(lambda b: [("post", f"/partner/opportunities/{b['published']}/bids", {})]),
    "opportunities.award": _partner_probe(lambda b: [("post", f"/partner/opportunities/{b['published']}/award", {})]),
    "opportunities.forward_plan_all": _public_probe(lambda slug, b: "/forward-plan", other_network_404=False),
    "opportunities.network_forward_plan": _both(
        _public_probe(lambda slug, b: f"/networks/{slug}/forward-plan", other_network_404=False),
        _other_network_lists(lambda slug: f"/networks/{slug}/forward-plan"),
    ),
    "social_value.confirm_proposal": _proposal_probe,
    "funnel.partner_funnel": _partner_funnel,
    "funnel.network_funnel": _network_funnel,
}
NO_TENANT_DATA = {
    "operations.healthz": "says the process is alive; reads no table",
    "operations.readyz": "names which readiness checks failed; no tenant rows",
    "operations.metrics": "counters by route and task name, to allowed networks or a token; no tenant rows",
}
