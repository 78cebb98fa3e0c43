"""Does the ORM keep each partner to its own rows, without any view having to ask?"""
import pytest
from sqlalchemy import select

from portal.extensions import db
from tenants import NoTenantContext, network_wide, tenant_context
from tenants.models import AuditEvent, Invitation


@pytest.fixture
def two_partners(make_partner, make_network):
    network = make_network()
    a = make_partner("Council A", network)
    b = make_partner("Police B", network, kind="police")
    for partner, emails in ((a, ["a1@x.org", "a2@x.org"]), (b, ["b1@x.org"])):
        with tenant_context(partner.id):
            for email in emails:
                db.session.add(Invitation(email=email, name=email, role="viewer"))
            db.session.commit()
    return a, b


def test_a_partner_sees_only_its_own_rows(two_partners):
    a, b = two_partners
    with tenant_context(a.id):
        assert sorted(i.email for i in db.session.scalars(select(Invitation))) == ["a1@x.org", "a2@x.org"]
    with tenant_context(b.id):
        assert [i.email for i in db.session.scalars(select(Invitation))] == ["b1@x.org"]


def test_get_by_primary_key_of_another_partners_row_finds_nothing(two_partners):
    a, b = two_partners
    with tenant_context(b.id):
        b_id = db.session.scalar(select(Invitation.id))
    with tenant_context(a.id):
        assert db.session.get(Invitation, b_id) is None
        assert db.session.scalar(select(Invitation).where(Invitation.id == b_id)) is None


def test_counts_and_aggregates_are_scoped_too(two_partners):
    a, _ = two_partners
    with tenant_context(a.id):
        assert db.session.scalar(select(db.func.count(Invitation.id))) == 2


def test_a_query_with_no_tenant_raises_rather_than_returning_everything(two_partners):
    with pytest.raises(NoTenantContext):
        db.session.scalars(select(Invitation)).all()


def test_new_rows_belong_to_the_current_partner(two_partners):
    a, _ = two_partners
    with tenant_context(a.id):
        row = AuditEvent(action="test.stamp", detail={})
        db.session.add(row)
        db.session.commit()
        assert row.organisation_id == a.id


def test_writing_a_row_for_another_partner_is_refused(two_partners):
    a, b = two_partners
    with tenant_context(a.id):
        db.session.add(AuditEvent(action="test.cross", detail={}, organisation_id=b.id))
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()


def test_bulk_update_cannot_reach_another_partner(two_partners):
    a, b = two_partners
    with tenant_context(a.id):
        db.session.execute(db.update(Invitation).values(name="changed"))
        db.session.commit()
    with tenant_context(b.id):
        assert db.session.scalar(select(Invitation.name)) == "b1@x.org"


def test_network_wide_reads_across_named_partners_only(two_partners, make_partner):
    a, b = two_partners
    outsider = make_partner("Elsewhere")
    with tenant_context(outsider.id):
        db.session.add(Invitation(email="o@x.org", name="o", role="viewer"))
        db.session.commit()
    with network_wide([a.id, b.id], reason="test"):
        emails = sorted(db.session.scalars(select(Invitation.email)))
    assert emails == ["a1@x.org", "a2@x.org", "b1@x.org"]


def test_network_wide_cannot_create_rows_without_naming_the_partner(two_partners):
    a, b = two_partners
    with network_wide([a.id, b.id], reason="test"):
        db.session.add(AuditEvent(action="x", detail={}))
        with pytest.raises(NoTenantContext):
            db.session.flush()
        db.session.rollback()


def test_the_scope_is_restored_after_the_block(two_partners):
    a, b = two_partners
    with tenant_context(a.id):
        with tenant_context(b.id):
            assert db.session.scalar(select(db.func.count(Invitation.id))) == 1
        assert db.session.scalar(select(db.func.count(Invitation.id))) == 2


def test_a_row_loaded_for_one_partner_is_not_handed_back_to_another(two_partners):
    a, b = two_partners
    with tenant_context(b.id):
        b_row = db.session.scalar(select(Invitation))
        b_id = b_row.id
    with tenant_context(a.id):
        # The identity map would answer get() without SQL; the scope change cleared it.
        assert db.session.get(Invitation, b_id) is None
