"""On PostgreSQL, does row-level security hold even for raw SQL that skips the ORM filter?"""
import pytest
from sqlalchemy import create_engine, text

from portal.extensions import db
from tenants import TenantScope, rls, tenant_context
from tenants.scoping import is_scoped
from tenants.models import Invitation

from . import settings

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _on_postgres_only():
    # Not a missing service: the SQLite pass has no RLS to test. bin/test runs the
    # PostgreSQL pass too, and fails when PostgreSQL is required and unreachable.
    if not settings.ON_POSTGRES:
        pytest.skip("row-level security exists only on PostgreSQL (the PostgreSQL pass of bin/test runs these)")


def tenant_tables():
    return sorted(
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if is_scoped(mapper.class_)
    )


@pytest.fixture
def partners_with_rows(make_partner, make_network):
    network = make_network()
    a, b = make_partner("A", network), make_partner("B", network)
    for partner, count in ((a, 2), (b, 3)):
        with tenant_context(partner.id):
            for n in range(count):
                db.session.add(Invitation(email=f"{n}@{partner.id}.org", name="x", role="viewer"))
            db.session.commit()
    return a, b


@pytest.fixture
def raw_engine(app):
    """A plain engine on the app's role: no ORM, no listeners."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    yield engine
    engine.dispose()


def test_every_tenant_table_is_behind_forced_row_level_security(app, app_ctx):
    tables = tenant_tables()
    assert {"invitations", "audit_events", "sme_profiles", "opportunity_matches"} <= set(tables)
    rows = db.session.execute(
        text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "(SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
            "FROM pg_class c WHERE c.relname = ANY(:names)"
        ),
        {"names": tables},
    ).all()
    assert sorted(r[0] for r in rows) == tables
    for name, enabled, forced, policies in rows:
        assert enabled and forced and policies >= 1, name


def test_the_app_connects_as_a_role_that_owns_nothing_and_cannot_bypass(app, app_ctx):
    role = db.session.execute(
        text("SELECT rolsuper, rolbypassrls, current_user FROM pg_roles WHERE rolname = current_user")
    ).one()
    assert role.rolsuper is False and role.rolbypassrls is False
    owned = db.session.scalar(
        text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
    )
    assert owned == 0


def _sign(conn, app, organisation_id):
    """The app's own scope code, on a raw connection: partner ``organisation_id``, signed for this transaction."""
    rls.sign_transaction(conn, TenantScope((organisation_id,), organisation_id, "test"), key=app.config["RLS_SCOPE_KEY"])


def test_raw_sql_sees_only_the_tenant_its_signed_scope_names(app, partners_with_rows, raw_engine):
    a, b = partners_with_rows
    with raw_engine.begin() as conn:
        _sign(conn, app, a.id)
        assert conn.scalar(text("SELECT count(*) FROM invitations")) == 2
        assert conn.scalar(text("SELECT count(*) FROM invitations WHERE organisation_id = :b"), {"b": b.id}) == 0


def test_raw_sql_that_sets_the_ids_itself_sees_nothing(partners_with_rows, raw_engine):
    """Issue 14 (a): the app role setting app.tenant_ids by hand used to read every partner's rows."""
    a, b = partners_with_rows
    with raw_engine.begin() as conn:
        conn.execute(text("SELECT set_config('app.tenant_ids', :ids, true)"), {"ids": f"{a.id},{b.id}"})
        assert conn.scalar(text("SELECT count(*) FROM invitations")) == 0


def test_raw_sql_with_no_tenant_sees_nothing(partners_with_rows, raw_engine):
    with raw_engine.begin() as conn:
        assert conn.scalar(text("SELECT count(*) FROM invitations")) == 0


def test_raw_sql_cannot_write_into_another_tenant(app, partners_with_rows, raw_engine):
    a, b = partners_with_rows
    with pytest.raises(Exception, match="row-level security"):
        with raw_engine.begin() as conn:
            _sign(conn, app, a.id)
            conn.execute(
                text("INSERT INTO invitations (organisation_id, email, name, role, created_at) "
                     "VALUES (:b, 'x@y.org', 'x', 'viewer', now())"),
                {"b": b.id},
            )


def test_raw_sql_cannot_update_or_delete_another_tenants_rows(app, partners_with_rows, raw_engine):
    a, b = partners_with_rows
    with raw_engine.begin() as conn:
        _sign(conn, app, a.id)
        assert conn.execute(text("UPDATE invitations SET name = 'hacked' WHERE organisation_id = :b"), {"b": b.id}).rowcount == 0
        assert conn.execute(text("DELETE FROM invitations WHERE organisation_id = :b"), {"b": b.id}).rowcount == 0


def test_the_session_sets_the_tenant_for_raw_sql_and_follows_a_switch(partners_with_rows, app_ctx):
    a, b = partners_with_rows
    with tenant_context(a.id):
        assert db.session.scalar(text("SELECT count(*) FROM invitations")) == 2
        with tenant_context(b.id):
            # Same transaction, new scope: the setting follows.
            assert db.session.scalar(text("SELECT count(*) FROM invitations")) == 3
        assert db.session.scalar(text("SELECT count(*) FROM invitations")) == 2
    db.session.commit()


def test_a_pooled_connection_does_not_carry_the_tenant_into_the_next_transaction(partners_with_rows, app_ctx):
    a, _ = partners_with_rows
    with tenant_context(a.id):
        assert db.session.scalar(text("SELECT count(*) FROM invitations")) == 2
        db.session.commit()
    assert db.session.scalar(text("SELECT coalesce(current_setting('app.tenant_ids', true), '')")) == ""
    assert db.session.scalar(text("SELECT count(*) FROM invitations")) == 0
    db.session.commit()


def test_every_tenant_table_has_the_policy_of_its_kind(app, app_ctx):
    """Each table's USING and WITH CHECK are exactly those of its kind (partner, business or shared)."""
    from tenants.scoping import BusinessScoped, SharedScoped

    kinds = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if is_scoped(cls):
            kinds[mapper.local_table.name] = (
                "shared" if issubclass(cls, SharedScoped) else "business" if issubclass(cls, BusinessScoped) else "partner"
            )
    policies = {
        row.tablename: (row.qual, row.with_check)
        for row in db.session.execute(
            text("SELECT tablename, qual, with_check FROM pg_policies WHERE policyname = 'tenant_isolation'")
        )
    }
    expected = {}
    for kind in ("partner", "business", "shared"):
        # Let PostgreSQL print each kind's expressions the way it prints the tables' own.
        sample = next(table for table, k in kinds.items() if k == kind)
        expected[kind] = policies[sample]
        for expression in expected[kind]:
            has = {f for f in ("app_visible_organisations", "app_visible_businesses", "app_business_networks") if f in expression}
            assert has == {
                "partner": {"app_visible_organisations"},
                "business": {"app_visible_businesses", "app_business_networks"},
                "shared": {"app_visible_organisations", "app_visible_businesses", "app_business_networks"},
            }[kind], (kind, expression)
    wrong = {table: policies.get(table) for table, kind in kinds.items() if policies.get(table) != expected[kind]}
    assert not wrong, f"tables whose policy is not their kind's: {wrong}"
    print(f"\nrow-level security: {len(kinds)} tenant tables, each with its kind's policy")
