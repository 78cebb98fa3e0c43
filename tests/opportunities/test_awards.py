"""Does an award make exactly one contract, carry the asks over as proposals that count nowhere, and record who bid?"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.opportunities import awards, services
from portal.opportunities.awards import Bidder
from portal.opportunities.models import Opportunity, OpportunityAward, OpportunityBid
from portal.opportunities.services import AskDetails, OpportunityProblem
from portal.social_value import awards as sv_awards
from portal.social_value import measures, totals
from portal.social_value.models import Commitment, Contract, ProposedCommitment
from portal.suppliers.models import Supplier
from tenants import tenant_context

from .conftest import details


@pytest.fixture
def tender(council):
    """A published opportunity out to tender with two asks (one closed), in the council's scope."""
    with tenant_context(council.id):
        opportunity = services.create_opportunity(db.session, details(title="Grounds maintenance for Maltby parks"))
        opportunity.tender_on = date(2026, 5, 1)  # out to tender since the spring: awards below are dated after
        services.publish_opportunity(db.session, opportunity)
        for kind, title in (("volunteering", "Clear a canal towpath"), ("work_placements", "College placements")):
            services.create_ask(db.session, AskDetails(kind=kind, title=title, beneficiary="Maltby", opportunity_id=opportunity.id))
        closed = services.create_ask(db.session, AskDetails(kind="mentoring", title="Old ask", opportunity_id=opportunity.id))
        services.set_ask_status(db.session, closed, "closed")
        db.session.commit()
        return opportunity.id


@pytest.fixture
def supplier(network):
    found = Supplier(network_id=network.id, name="Maltby Grounds Ltd", normalised_name="maltby grounds", is_sme=True,
                     is_local=True, kind="private")
    db.session.add(found)
    db.session.commit()
    return found


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_an_award_makes_one_contract_with_the_open_asks_proposed(council, tender, make_business, network):
    winner, loser = make_business("Maltby Mowers", network=network), make_business("Wath Gardens", network=network)
    with tenant_context(council.id):
        opportunity = db.session.get(Opportunity, tender)
        awards.record_bid(db.session, opportunity, Bidder(business_id=loser.id))
        award = awards.record_award(db.session, opportunity, Bidder(business_id=winner.id), 48_500_00, date(2026, 11, 2))
        db.session.commit()
        assert _count(Contract) == 1 and _count(OpportunityAward) == 1
        contract = db.session.get(Contract, award.contract_id)
        assert (contract.title, contract.value_pence, contract.start_date) == (
            "Grounds maintenance for Maltby parks", 48_500_00, date(2026, 11, 2))
        assert contract.supplier_name_as_given == "Maltby Mowers" and contract.reference == f"OPP-{tender}"
        assert sorted((p.kind, p.title, p.status) for p in sv_awards.contract_proposals(db.session, contract)) == [
            ("volunteering", "Clear a canal towpath", "proposed"), ("work_placements", "College placements", "proposed")]
        assert _count(Commitment) == 0
        bids = awards.bids(db.session, opportunity)
        assert [(b.name, b.won) for b in bids] == [("Maltby Mowers", True), ("Wath Gardens", False)]
        assert (opportunity.stage, opportunity.status, opportunity.awarded_on) == ("awarded", "closed", date(2026, 11, 2))


def test_awarding_twice_makes_no_second_contract(council, tender, supplier):
    with tenant_context(council.id):
        opportunity = db.session.get(Opportunity, tender)
        awards.record_award(db.session, opportunity, Bidder(supplier_id=supplier.id), 1000_00)
        db.session.commit()
        with pytest.raises(OpportunityProblem, match="already awarded"):
            awards.record_award(db.session, opportunity, Bidder(supplier_id=supplier.id), 2000_00)
        db.session.rollback()
        assert _count(Contract) == 1 and _count(OpportunityAward) == 1 and _count(ProposedCommitment) == 2


def test_the_database_holds_one_award_even_if_the_check_is_missed(council, tender, supplier):
    """Two requests at once both pass the check; does the unique key refuse the second award and its contract?"""
    from sqlalchemy.exc import IntegrityError

    with tenant_context(council.id):
        opportunity = db.session.get(Opportunity, tender)
        first = awards.record_award(db.session, opportunity, Bidder(supplier_id=supplier.id), 1000_00)
        db.session.commit()
        contract = sv_awards.contract_from_award(
            db.session, reference="OPP-again", title="again", description="", supplier_id=None, supplier_name="X",
            value_pence=1, start_date=date.today(), category=None)
        db.session.add(OpportunityAward(opportunity_id=tender, bid_id=first.bid_id, contract_id=contract.id,
                                        value_pence=1, awarded_on=date.today()))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        assert _count(Contract) == 1


@pytest.mark.parametrize("stage", ["planned", "market_engagement"])
def test_only_an_opportunity_out_to_tender_can_be_awarded(council, supplier, stage):
    with tenant_context(council.id):
        opportunity = services.create_opportunity(db.session, details(), stage=stage)
        with pytest.raises(OpportunityProblem, match="not to awarded"):
            awards.record_award(db.session, opportunity, Bidder(supplier_id=supplier.id), 100)
        with pytest.raises(OpportunityProblem, match="out to tender"):
            awards.record_bid(db.session, opportunity, Bidder(supplier_id=supplier.id))
        assert _count(Contract) == 0


def test_a_bidder_from_another_network_or_none_is_refused(council, tender, make_business, make_network):
    elsewhere = make_business("Far Away Ltd", network=make_network())
    with tenant_context(council.id):
        opportunity = db.session.get(Opportunity, tender)
        with pytest.raises(OpportunityProblem, match="not registered with your network"):
            awards.record_award(db.session, opportunity, Bidder(business_id=elsewhere.id), 100)
        with pytest.raises(OpportunityProblem, match="Choose the bidder"):
            awards.record_bid(db.session, opportunity, Bidder())
        with pytest.raises(OpportunityProblem, match="value"):
            awards.record_award(db.session, opportunity, Bidder(business_id=elsewhere.id), -5)
        db.session.rollback()
        assert _count(Contract) == 0 and _count(OpportunityBid) == 0


def test_a_bidder_recorded_twice_is_one_bid(council, tender, supplier):
    with tenant_context(council.id):
        opportunity = db.session.get(Opportunity, tender)
        first = awards.record_bid(db.session, opportunity, Bidder(supplier_id=supplier.id))
        assert awards.record_bid(db.session, opportunity, Bidder(supplier_id=supplier.id)).id == first.id


def test_proposals_count_in_no_total_until_confirmed(council, tender, supplier, network):
    """Is the committed total unchanged by the award, and moved only by confirming a proposal?"""
    measures.load_demo_measures(db.session, network)
    db.session.commit()
    measure = measures.measure_by_code(db.session, network, "DEMO-01")
    with tenant_context(council.id):
        opportunity = db.session.get(Opportunity, tender)
        award = awards.record_award(db.session, opportunity, Bidder(supplier_id=supplier.id), 5000_00, date(2026, 6, 1))
        db.session.commit()

        def committed_pence():
            return sum(t.value_pence for t in totals.committed(db.session, network, [council.id]))

        assert committed_pence() == 0
        volunteering, placements = sv_awards.contract_proposals(db.session, db.session.get(Contract, award.contract_id))
        commitment = sv_awards.confirm_proposal(db.session, volunteering, measure, quantity=3, committed_on=date(2026, 6, 1))
        sv_awards.drop_proposal(db.session, placements)
        db.session.commit()
        assert committed_pence() == commitment.committed_value_pence > 0
        assert (volunteering.status, volunteering.commitment_id, placements.status) == ("confirmed", commitment.id, "dropped")
        with pytest.raises(Exception, match="already confirmed"):
            sv_awards.confirm_proposal(db.session, volunteering, measure, quantity=1, committed_on=date(2026, 6, 1))
