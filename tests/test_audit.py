"""Is every change to a partner's rows logged (who, when, which partner, before and after), and can
a partner admin read their own log, and only theirs, while nobody can edit it?"""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from portal.social_value.models.totals import SocialValueTotal
from portal.spend.models import SpendLine, SpendTotal
from tenants import TenantScope, rls, tenant_context
from tenants.audit import HIDDEN, is_audited, json_safe, shown_value
from tenants.models import AuditEvent, Invitation

from . import settings


@pytest.fixture
def council(make_partner):
    return make_partner("Rotherham Council")


@pytest.fixture
def admin(council, make_user):
    return make_user(council, role="admin", email="ann@example.org", name="Ann Admin")


def automatic_events(partner, object_type="Invitation"):
    db.session.expire_all()
    with tenant_context(partner.id):
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == object_type).order_by(AuditEvent.id)
        ).all()


def test_creating_changing_and_deleting_a_row_each_log_the_fields_before_and_after(council):
    with tenant_context(council.id):
        invitation = Invitation(email="nina@example.org", name="Nina", role="viewer")
        db.session.add(invitation)
        db.session.commit()
        invitation.role = "officer"
        invitation.name = "Nina New"
        db.session.commit()
        db.session.delete(invitation)
        db.session.commit()
        invitation_id = invitation.id

    created, changed, deleted = automatic_events(council)
    assert [e.action for e in (created, changed, deleted)] == ["created", "changed", "deleted"]
    assert {e.object_id for e in (created, changed, deleted)} == {invitation_id}
    assert {e.organisation_id for e in (created, changed, deleted)} == {council.id}
    assert created.before is None and created.after["email"] == "nina@example.org" and created.after["role"] == "viewer"
    assert changed.before == {"name": "Nina", "role": "viewer"}
    assert changed.after == {"name": "Nina New", "role": "officer"}
    assert deleted.after is None and deleted.before["role"] == "officer"
    assert all(e.user_id is None for e in (created, changed, deleted))  # no request: a worker or a command


def test_a_change_that_rolls_back_leaves_no_event(council):
    with tenant_context(council.id):
        db.session.add(Invitation(email="gone@example.org", name="Gone", role="viewer"))
        db.session.flush()
        db.session.rollback()
    assert automatic_events(council) == []


def test_setting_a_field_to_the_value_it_had_logs_nothing(council):
    with tenant_context(council.id):
        invitation = Invitation(email="same@example.org", name="Same", role="viewer")
        db.session.add(invitation)
        db.session.commit()
        invitation.role = "viewer"
        db.session.commit()
    assert [e.action for e in automatic_events(council)] == ["created"]


def test_a_change_made_in_a_request_names_the_person_who_made_it(admin, council, sign_in):
    client = sign_in(admin)
    assert client.post("/people/invite", data={"name": "Nina", "email": "nina@example.org", "role": "viewer"}).status_code == 302
    (created,) = automatic_events(council)
    assert created.user_id == admin.id and created.action == "created"


def test_values_are_stored_as_json_can_hold_them():
    assert json_safe(Decimal("12.345")) == "12.345"
    assert json_safe(date(2026, 4, 1)) == "2026-04-01"
    assert json_safe(datetime(2026, 4, 1, 9, 30, tzinfo=timezone.utc)) == "2026-04-01T09:30:00+00:00"
    assert json_safe({"a": [Decimal("1.5"), None, b"\x00\x01"]}) == {"a": ["1.5", None, "(2 bytes)"]}


@pytest.mark.parametrize("column", ["password_hash", "supplier_link_token", "client_secret", "api_key"])
def test_secrets_are_never_written_to_the_log(column):
    assert shown_value(column, "s3cr3t-value") == HIDDEN


def test_snapshots_and_bulk_imported_lines_are_not_logged_row_by_row(council):
    assert not is_audited(SpendLine) and not is_audited(SpendTotal) and not is_audited(SocialValueTotal)
    assert not is_audited(AuditEvent)
    assert is_audited(Invitation)
    with tenant_context(council.id):
        db.session.add(SpendTotal(period_type="year", period_start=date(2026, 4, 1), breakdown="all", key=""))
        db.session.commit()
    assert automatic_events(council, "SpendTotal") == []


def test_the_orm_refuses_to_change_or_delete_a_logged_event(council):
    with tenant_context(council.id):
        event = AuditEvent(action="test.written", detail={})
        db.session.add(event)
        db.session.commit()
        event.action = "test.rewritten"
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, event.id))
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(AuditEvent, event.id).action == "test.written"


@pytest.mark.postgres
@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'rewritten'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
])
def test_on_postgresql_the_app_role_cannot_edit_the_log_even_with_raw_sql(app, council, statement):
    if not settings.ON_POSTGRES:
        pytest.skip("privileges exist only on PostgreSQL (the PostgreSQL pass of bin/test runs this)")
    with tenant_context(council.id):
        db.session.add(AuditEvent(action="test.written", detail={}))
        db.session.commit()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])  # the app's role, no ORM
    try:
        with engine.begin() as conn:
            rls.sign_transaction(conn, TenantScope((council.id,), council.id, "test"), key=settings.RLS_SCOPE_KEY)
            # It may read and add to its own partner's log...
            assert conn.scalar(text("SELECT count(*) FROM audit_events")) >= 1
            conn.execute(text(
                "INSERT INTO audit_events (organisation_id, action, detail, at) VALUES (:org, 'test.raw', '{}', now())"
            ), {"org": council.id})
        # ...but not change or remove a line of it.
        with pytest.raises(DBAPIError, match="permission denied"):
            with engine.begin() as conn:
                rls.sign_transaction(conn, TenantScope((council.id,), council.id, "test"), key=settings.RLS_SCOPE_KEY)
                conn.execute(text(statement))
    finally:
        engine.dispose()
    with tenant_context(council.id):
        assert "test.written" in db.session.scalars(select(AuditEvent.action)).all()


@pytest.mark.postgres
def test_preparing_the_database_again_does_not_give_the_app_role_its_edits_back(app):
    if not settings.ON_POSTGRES:
        pytest.skip("privileges exist only on PostgreSQL (the PostgreSQL pass of bin/test runs this)")
    from portal.dbsetup import APPEND_ONLY_TABLES, take_back_statements

    assert "audit_events" in APPEND_ONLY_TABLES
    owner = create_engine(app.config["MIGRATION_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    app_role = create_engine(app.config["SQLALCHEMY_DATABASE_URI"]).url.username
    try:
        with owner.connect() as conn:
            # What prepare-postgres does on every start: grant on every table, then take the edits back.
            conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{app_role}"'))
            for statement in take_back_statements():
                conn.execute(text(statement))
            privileges = {
                p: conn.scalar(text("SELECT has_table_privilege(:r, 'audit_events', :p)"), {"r": app_role, "p": p})
                for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
            }
    finally:
        owner.dispose()
    assert privileges == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False}
