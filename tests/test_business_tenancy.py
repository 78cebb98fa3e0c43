"""Self-registered businesses are tenants of their own rows; shared rows are seen by both parties only."""
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text

from portal.extensions import db
from portal.matching.models import OpportunityMatch
from portal.opportunities.models import Opportunity
from portal.smes.models import SmeProfile
from tenants import (
    NoTenantContext,
    TenantScope,
    business_context,
    network_wide,
    rls,
    tenant_context,
)
from tenants.context import business_scope

from . import settings


@pytest.fixture
def world(make_network, make_partner, make_business):
    network = make_network()
    council, police = make_partner("Council", network), make_partner("Police", network)
    firm, other_firm = make_business("Firm A", network), make_business("Firm B", network)
    with tenant_context(council.id):
        opportunity = Opportunity(title="Roofing", value_band="under_10k", closing_date=date(2030, 1, 1))
        db.session.add(opportunity)
        db.session.commit()
        opportunity_id = opportunity.id
    # Matches are written by workers that opened the network's businesses.
    with network_wide([council.id], "test: write a match", business_networks=[network.id]):
        db.session.add(OpportunityMatch(opportunity_id=opportunity_id, organisation_id=council.id,
                                        business_id=firm.id, score=0.8, reasons=["local"]))
        db.session.commit()
    return network, council, police, firm, other_firm


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_business_sees_only_its_own_profile(world):
    _, _, _, firm, other_firm = world
    with business_context(firm.id):
        profiles = db.session.scalars(select(SmeProfile)).all()
        assert [p.business_id for p in profiles] == [firm.id]
        assert db.session.get(SmeProfile, _profile_id(other_firm)) is None


def _profile_id(business):
    with business_context(business.id):
        return db.session.scalar(select(SmeProfile.id))


def test_partners_never_see_profiles(world):
    _, council, _, _, _ = world
    with tenant_context(council.id):
        assert count(SmeProfile) == 0


def test_no_scope_fails_closed_for_business_rows(world):
    with pytest.raises(NoTenantContext):
        db.session.scalars(select(SmeProfile)).all()


def test_a_shared_row_is_seen_by_its_two_parties_only(world):
    _, council, police, firm, other_firm = world
    with business_context(firm.id):
        assert count(OpportunityMatch) == 1
    with tenant_context(council.id):
        assert count(OpportunityMatch) == 1
    with business_context(other_firm.id):
        assert count(OpportunityMatch) == 0
    with tenant_context(police.id):
        assert count(OpportunityMatch) == 0


def test_a_business_cannot_write_a_row_as_another(world):
    _, _, _, firm, other_firm = world
    with business_context(firm.id):
        db.session.add(SmeProfile(business_id=other_firm.id, postcode="S60 1AA", postcode_district="S60", size_band="micro"))
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()


def test_new_business_rows_are_stamped_with_the_business_and_its_network(world):
    network, _, _, firm, _ = world
    from portal.smes.models import SmeCategory

    with business_context(firm.id):
        row = SmeCategory(cpv_code="45000000")
        db.session.add(row)
        db.session.commit()
        assert (row.business_id, row.network_id) == (firm.id, network.id)


@pytest.mark.skipif(not settings.ON_POSTGRES, reason="row-level security exists only on PostgreSQL")
def test_raw_sql_on_business_and_shared_tables_obeys_the_settings(world, app):
    _, council, police, firm, other_firm = world
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.begin() as conn:
            assert conn.scalar(text("SELECT count(*) FROM sme_profiles")) == 0
            rls.sign_transaction(conn, business_scope(firm.id), key=settings.RLS_SCOPE_KEY)
            assert conn.scalar(text("SELECT count(*) FROM sme_profiles")) == 1
            assert conn.scalar(text("SELECT count(*) FROM opportunity_matches")) == 1
            assert conn.execute(text("UPDATE sme_profiles SET what_we_do = 'x' WHERE business_id = :b"),
                                {"b": other_firm.id}).rowcount == 0
        with engine.begin() as conn:
            rls.sign_transaction(conn, TenantScope((police.id,), police.id, "test"), key=settings.RLS_SCOPE_KEY)
            assert conn.scalar(text("SELECT count(*) FROM opportunity_matches")) == 0
            assert conn.scalar(text("SELECT count(*) FROM sme_profiles")) == 0
        with engine.begin() as conn:
            rls.sign_transaction(conn, TenantScope((council.id,), council.id, "test"), key=settings.RLS_SCOPE_KEY)
            assert conn.scalar(text("SELECT count(*) FROM opportunity_matches")) == 1
    finally:
        engine.dispose()
