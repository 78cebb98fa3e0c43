"""On PostgreSQL, can SQL run as the app role, but not through the app's scope code, see or write any row?

Issue 14, items 1 and 2: the second wall must hold on its own. The probe runs raw SQL
as the app role with forged, stale, mis-signed and missing scopes against every table
that has a policy (found in the catalogue, not listed here), after the demo has filled them.
"""
import secrets

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from portal.dbsetup import tables_without_policy
from portal.extensions import db
from tenants import TenantScope, rls
from tenants.businesses import Business
from tenants.models import Network, Organisation

from . import settings

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _on_postgres_only():
    if not settings.ON_POSTGRES:
        pytest.skip("row-level security exists only on PostgreSQL (the PostgreSQL pass of bin/test runs these)")


@pytest.fixture
def raw_engine(app):
    """A plain engine on the app's role: no ORM, no listeners."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    yield engine
    engine.dispose()


def _tables(conn):
    """Every table of the public schema: {name: (row security on, forced, policies)}."""
    return {
        name: (enabled, forced, policies)
        for name, enabled, forced, policies in conn.execute(text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "(SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
        ))
    }


def test_every_table_has_a_forced_policy_or_a_documented_reason(app, app_ctx):
    tables = _tables(db.session.connection())
    reasons = tables_without_policy()
    unprotected = {name for name, (enabled, forced, policies) in tables.items() if not (enabled and forced and policies)}
    assert unprotected - set(reasons) == set(), "tables with neither a forced policy nor a reason in dbsetup.tables_without_policy()"
    assert set(reasons) - unprotected == set(), "a table with a reason to have no policy has one now: drop its reason"
    assert all(reason.strip() for reason in reasons.values())


def test_tables_without_a_policy_are_read_only_or_out_of_the_app_roles_reach(app, app_ctx):
    """Reference registers are public data the app role only reads; alembic_version it cannot touch at all."""
    privileges = {
        (row.table_name, row.privilege_type)
        for row in db.session.execute(text(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = current_user AND table_schema = 'public'"
        ))
    }
    for table in tables_without_policy():
        held = {p for t, p in privileges if t == table}
        if table == "alembic_version":
            assert held == set(), table
        elif table != "register_loads":
            assert held <= {"SELECT"}, (table, held)


def test_the_app_role_cannot_read_the_scope_key(app, raw_engine):
    with raw_engine.connect() as conn, pytest.raises(Exception, match="permission denied"):
        conn.execute(text(f"SELECT key FROM {rls.KEY_TABLE}"))


def test_password_hashes_and_memberships_need_a_signed_scope(app, make_user, make_partner, raw_engine):
    """Issue 14 (c): every password hash was readable, and the app role could give itself an admin membership."""
    partner = make_partner()
    user = make_user(partner, role="viewer")
    with raw_engine.begin() as conn:
        assert conn.scalar(text("SELECT count(*) FROM users WHERE password_hash IS NOT NULL")) == 0
        assert conn.execute(text("UPDATE memberships SET role = 'admin'")).rowcount == 0
    with pytest.raises(Exception, match="row-level security"), raw_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO memberships (user_id, organisation_id, role, created_at) VALUES (:u, :o, 'admin', now())"),
            {"u": user.id, "o": partner.id},
        )


def test_the_signature_is_checked_once_per_statement_not_per_row(app, raw_engine):
    """The policies' functions run as InitPlans: PostgreSQL evaluates them once, before the scan."""
    with raw_engine.begin() as conn:
        plan = "\n".join(conn.execute(text("EXPLAIN SELECT * FROM spend_lines")).scalars())
        shared = "\n".join(conn.execute(text("EXPLAIN SELECT * FROM opportunity_matches")).scalars())
        users = "\n".join(conn.execute(text("EXPLAIN SELECT * FROM users")).scalars())
    for text_ in (plan, shared, users):
        assert "InitPlan" in text_, text_
        assert "app_visible" not in text_.split("InitPlan")[0], text_  # not in the scan's per-row filter


def _all_ids(app):
    with app.app_context():
        networks = db.session.scalars(select(Network.id)).all()
        organisations = db.session.scalars(select(Organisation.id)).all()
        businesses = db.session.scalars(select(Business.id)).all()
        db.session.remove()
    return tuple(sorted(organisations)), tuple(sorted(businesses)), tuple(sorted(networks))


def _set(conn, values):
    names = (rls.SETTING, rls.BUSINESS_SETTING, rls.BUSINESS_NETWORK_SETTING, rls.SIGNATURE_SETTING)
    for name, value in zip(names, values):
        conn.execute(text("SELECT set_config(:n, :v, true)"), {"n": name, "v": value})


def _settings(conn):
    names = (rls.SETTING, rls.BUSINESS_SETTING, rls.BUSINESS_NETWORK_SETTING, rls.SIGNATURE_SETTING)
    return tuple(conn.scalar(text("SELECT current_setting(:n, true)"), {"n": n}) for n in names)


def test_raw_sql_with_a_forged_stale_or_missing_scope_sees_and_writes_nothing_in_any_table(app, app_ctx, raw_engine):
    from portal.demo import build_demo

    build_demo(db.session)
    db.session.commit()
    organisations, businesses, networks = _all_ids(app)
    key = app.config["RLS_SCOPE_KEY"]
    everything = TenantScope(organisations, None, "probe", business_ids=businesses, business_network_ids=networks)
    wide = rls.scope_settings(everything)

    with raw_engine.connect() as conn:
        tables = sorted(name for name, (enabled, forced, policies) in _tables(conn).items() if policies)
        conn.rollback()
        # What the app's own scope code sees with every id open: the rows the forged scopes are after.
        with conn.begin():
            rls.sign_transaction(conn, everything, key=key)
            present = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in tables}
            samples = {t: conn.scalar(text(f"SELECT row_to_json(x)::text FROM {t} x LIMIT 1")) for t in tables}
            captured = _settings(conn)  # replayed below, in a later transaction: stale
        with conn.begin():
            rls.sign_transaction(conn, TenantScope((organisations[0],), organisations[0], "probe"), key=key)
            one_partner_signature = _settings(conn)[3]
        pid, _ = conn.execute(text(rls.TRANSACTION_SQL)).one()
        conn.rollback()

        def forge(name):
            """Put the forged scope ``name`` on the open transaction."""
            if name == "missing":
                return
            if name == "ids set by hand, no signature":
                _set(conn, (*wide, ""))
            elif name == "ids with a made-up signature":
                _set(conn, (*wide, secrets.token_hex(32)))
            elif name == "a scope replayed from an earlier transaction":
                _set(conn, captured)
            elif name == "one partner's signature over every id":
                _set(conn, (*wide, one_partner_signature))
            elif name == "signed with another key":
                p, s = conn.execute(text(rls.TRANSACTION_SQL)).one()
                _set(conn, (*wide, rls.signature("not-the-key", wide, p, s)))
            elif name == "signed for another backend":
                _, s = conn.execute(text(rls.TRANSACTION_SQL)).one()
                _set(conn, (*wide, rls.signature(key, wide, pid + 1, s)))

        forged = ["missing", "ids set by hand, no signature", "ids with a made-up signature",
                  "a scope replayed from an earlier transaction", "one partner's signature over every id",
                  "signed with another key", "signed for another backend"]
        seen, written, attempts = {}, {}, 0
        for name in forged:
            transaction = conn.begin()
            forge(name)
            for table in tables:
                seen[(name, table)] = conn.scalar(text(f"SELECT count(*) FROM {table}"))
                for statement in (f"UPDATE {table} SET id = id" if _has_id(conn, table) else None,
                                  f"DELETE FROM {table}"):
                    if statement is None:
                        continue
                    attempts += 1
                    with conn.begin_nested() as savepoint:
                        try:
                            written[(name, table, statement.split()[0])] = conn.execute(text(statement)).rowcount
                        except DBAPIError as refused:
                            assert "permission denied" in str(refused), refused
                            written[(name, table, statement.split()[0])] = 0
                        savepoint.rollback()
                attempts += 1
                insert = (f"INSERT INTO {table} SELECT * FROM json_populate_record(NULL::{table}, CAST(:row AS json))"
                          if samples[table] else f"INSERT INTO {table} DEFAULT VALUES")
                with conn.begin_nested() as savepoint:
                    with pytest.raises(Exception, match="row-level security|permission denied"):
                        conn.execute(text(insert), {"row": samples[table]})
                    savepoint.rollback()
            transaction.rollback()

    rows_seen = sum(seen.values())
    rows_written = sum(written.values())
    filled = [t for t in tables if present[t]]
    print(f"\nraw-SQL probe as the app role: {len(tables)} tables probed ({len(filled)} holding "
          f"{sum(present.values()):,} rows the signed scope sees), {len(forged)} forged scopes tried, "
          f"{len(seen)} reads and {attempts} writes; rows seen {rows_seen}, rows written {rows_written}")
    assert rows_seen == 0, {k: v for k, v in seen.items() if v}
    assert rows_written == 0, {k: v for k, v in written.items() if v}
    # The probe means something only if the tables hold rows the forged scopes were after.
    print(f"tables the demo left empty (writes still probed): {', '.join(sorted(set(tables) - set(filled)))}")
    assert {"users", "memberships", "organisations", "networks", "spend_lines", "spend_totals", "network_spend_totals",
            "suppliers", "audit_events", "sme_profiles", "opportunities", "opportunity_matches"} <= set(filled)
    assert {"users", "memberships", "organisations", "spend_lines", "network_spend_totals", "outgoing_emails"} <= set(tables)


def _has_id(conn, table) -> bool:
    return conn.scalar(text(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = :t AND column_name = 'id'"
    ), {"t": table}) == 1
