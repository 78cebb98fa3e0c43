"""Is a commitment valued at the edition in force when it was made, and does a re-base keep both figures?"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.social_value import commitments, contracts, delivery
from portal.social_value.problems import SocialValueProblem
from tenants import tenant_context


def test_a_commitment_is_valued_at_the_proxy_in_force_on_the_day_it_was_made(partners, make_contract, measure, app_ctx):
    council, _ = partners
    contract_id = make_contract(council)
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        # DEMO-01 (FTE): £24,000 from 1/4/2023 (demo-2023), £25,000 from 1/4/2024 (demo-2024).
        early = commitments.record_commitment(db.session, contract, measure("DEMO-01"), committed_on=date(2024, 3, 31), quantity="2.5")
        late = commitments.record_commitment(db.session, contract, measure("DEMO-02"), committed_on=date(2024, 4, 1), quantity=52)
        db.session.commit()
        assert (early.proxy_edition, early.committed_value_pence) == ("demo-2023", 2_400_000 * 25 // 10)
        assert (late.proxy_edition, late.committed_value_pence) == ("demo-2024", 21_000 * 52)


def test_a_sub_penny_proxy_is_rounded_once_to_whole_pence(partners, make_contract, measure, app_ctx):
    council, _ = partners
    contract_id = make_contract(council)
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        # DEMO-04: £0.3525 per £ spent with local VCSEs; £20,001 spent is 705,035.25p: 705,035p.
        c = commitments.record_commitment(db.session, contract, measure("DEMO-04"), committed_on=date(2024, 5, 1), quantity=20001)
        assert c.proxy_value_pence == Decimal("35.25") and c.committed_value_pence == 705_035


def test_the_total_of_a_profiled_commitment_is_the_sum_of_its_years(partners, make_contract, measure, app_ctx):
    council, _ = partners
    contract_id = make_contract(council)
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        c = commitments.record_commitment(
            db.session, contract, measure("DEMO-01"), committed_on=date(2024, 4, 1),
            profile=[(date(2024, 4, 1), "1.5"), (date(2025, 4, 1), 2), (date(2026, 4, 1), "2.5")],
        )
        assert c.quantity == Decimal(6) and c.committed_value_pence == 6 * 2_500_000
        with pytest.raises(SocialValueProblem, match="not the sum"):
            commitments.update_commitment(db.session, c, quantity=7, profile=[(date(2024, 4, 1), 1)])
        with pytest.raises(SocialValueProblem, match="outside the contract"):
            commitments.update_commitment(db.session, c, profile=[(date(2030, 4, 1), 1)])


def test_only_measures_in_use_with_a_proxy_in_force_can_be_committed(partners, sv_network, make_contract, measure, app_ctx):
    from portal.social_value import measures

    council, _ = partners
    contract_id = make_contract(council)
    measures.set_measures_in_use(db.session, sv_network, ["DEMO-01"])
    with tenant_context(council.id):
        contract = contracts.get_contract(db.session, contract_id)
        with pytest.raises(SocialValueProblem, match="not one the network uses"):
            commitments.record_commitment(db.session, contract, measure("DEMO-02"), committed_on=date(2024, 4, 1), quantity=1)
        with pytest.raises(SocialValueProblem, match="no proxy value in force"):
            commitments.record_commitment(db.session, contract, measure("DEMO-01"), committed_on=date(2020, 1, 1), quantity=1)


def test_a_rebase_values_every_commitment_and_report_again_and_keeps_the_original(partners, sv_network, make_contract, measure, make_user, app_ctx):
    council, _police = partners
    officer = make_user(council)
    ids = {}
    for partner in partners:
        contract_id = make_contract(partner)
        with tenant_context(partner.id):
            contract = contracts.get_contract(db.session, contract_id)
            c = commitments.record_commitment(db.session, contract, measure("DEMO-01"), committed_on=date(2023, 6, 1), quantity=2)
            r = delivery.record_delivery(db.session, c, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31), quantity=1)
            delivery.verify_delivery(db.session, r, officer)
            db.session.commit()
            ids[partner.id] = (c.id, r.id)
    result = commitments.rebase(db.session, sv_network, "demo-2024")
    db.session.commit()
    assert (result.commitments_rebased, result.reports_revalued) == (2, 2)
    # DEMO-04 etc. have no commitments; every committed measure has a demo-2024 value.
    assert result.measures_without_edition == []
    for partner in partners:
        with tenant_context(partner.id):
            c = commitments.get_commitment(db.session, ids[partner.id][0])
            r = delivery.get_report(db.session, ids[partner.id][1])
            assert (c.proxy_edition, c.committed_value_pence) == ("demo-2023", 4_800_000)
            assert (c.rebased_edition, c.rebased_value_pence, c.current_value_pence) == ("demo-2024", 5_000_000, 5_000_000)
            assert (r.value_pence, r.rebased_value_pence) == (2_400_000, 2_500_000)
            # Delivery reported after the re-base is valued both ways too.
            r2 = delivery.record_delivery(db.session, c, period_start=date(2025, 4, 1), period_end=date(2026, 3, 31), quantity="0.5")
            assert (r2.value_pence, r2.rebased_value_pence) == (1_200_000, 1_250_000)
            db.session.rollback()


def test_a_rebase_to_an_edition_the_network_does_not_have_is_refused(sv_network, app_ctx):
    with pytest.raises(SocialValueProblem, match="no proxy values in edition"):
        commitments.rebase(db.session, sv_network, "2031")
