"""Fixtures shared by the whole suite: an app on a migrated database, factories, sign-in."""
from __future__ import annotations

import os
import time

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.extensions import db, limiter
from portal.passwords import hash_password
from tenants.models import Membership, Network, NetworkLead, Organisation, User

from . import settings

pytest_plugins = ["tests.browser"]
pytest_plugins = [*globals().get("pytest_plugins", []), "tests.worker_process"]

# Property tests judge correctness, not speed: on a loaded 2-core CI machine a
# per-example deadline only produces flaky failures.
hypothesis_settings.register_profile("portal", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("portal")

PASSWORD = "a perfectly long test passphrase"
_PASSWORD_HASH = None


def _require_or_skip(reason: str):
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_SERVICES=1: not skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def app_settings(instance_dir):
    """Settings every app and worker process of this run shares."""
    values = {
        "INSTANCE_DIR": str(instance_dir),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "RLS_SCOPE_KEY": settings.RLS_SCOPE_KEY,
        "SQLALCHEMY_DATABASE_URI": settings.DATABASE_URL or f"sqlite:///{instance_dir / 'portal.db'}",
        "MIGRATION_DATABASE_URL": settings.MIGRATION_DATABASE_URL or f"sqlite:///{instance_dir / 'portal.db'}",
        "CELERY": {
            "broker_url": settings.BROKER_URL or f"sqla+sqlite:///{instance_dir / 'broker.db'}",
            "result_backend": settings.RESULT_BACKEND
            if settings.RESULT_BACKEND
            else f"db+sqlite:///{instance_dir / 'results.db'}",
        },
        "MAIL_OUTBOX": str(instance_dir / "outbox"),
        "PUBLIC_URL": "http://localhost",
    }
    return values


class OwnContextClient(FlaskClient):
    """A client whose every request runs in its own app context, as in production.

    Tests keep an app context pushed (``app_ctx``) and a request would reuse it:
    flask.g (where Flask-Login keeps the signed-in user) and the database session
    would then carry over from one request to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(app_settings):
    application = create_app(app_settings)
    application.test_client_class = OwnContextClient
    with application.app_context():
        _check_database(application)
        upgrade(directory=application.extensions["migrate"].directory)
    yield application


def _check_database(application):
    try:
        engine = _cleaning_engine(application.config["MIGRATION_DATABASE_URL"])
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # pragma: no cover - depends on the machine
        _require_or_skip(f"database unreachable: {error}")


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Every test starts with empty tables (committed work, so workers can see it too)."""
    yield
    if "app" not in request.fixturenames:
        return
    empty_tables(request.getfixturevalue("app"))


def empty_tables(application) -> None:
    """Empty every table (and the limiter and the queue), as after each test; a module that keeps rows between its tests calls it at its end."""
    limiter.reset()
    # Tasks this test queued with no worker to run them name rows about to go;
    # left on the broker, a later worker test's worker would run them on the
    # next test's rows (tests/worker_process.py, imported here so pytest rewrites its asserts).
    from .worker_process import purge_ordinary_queue

    purge_ordinary_queue(application.extensions["celery"])
    with application.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        if settings.ADMIN_DATABASE_URL and _emptied_by_delete(tables):
            return
        engine = _cleaning_engine(application.config["MIGRATION_DATABASE_URL"])
        # The session's real worker may still be running a task a test queued (a
        # totals refresh, say); PostgreSQL can then pick this TRUNCATE as a deadlock
        # victim. It is safe to try again: the task's own retry copes with empty tables.
        for attempt in range(5):
            try:
                with engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
                    else:
                        for table in tables:
                            conn.execute(text(f"DELETE FROM {table}"))
                break
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.5 * (attempt + 1))


_cleaning_engines: dict = {}


def _cleaning_engine(url: str):
    """One engine a database for the whole run: a new one each test cost a connection each test."""
    if url not in _cleaning_engines:
        _cleaning_engines[url] = create_engine(url)
    return _cleaning_engines[url]


_admin_engine = None
# A test that leaves more rows than this in a table (a real council file, a
# register) is cleaned by TRUNCATE, which does not pay per row.
_DELETE_AT_MOST = 5000


def _emptied_by_delete(tables) -> bool:
    """Empty every table with DELETE, as the superuser (row-level security binds the owner).

    TRUNCATE makes new files for every table and index it names: about a second
    a test for sixty tables on a loaded 2-core machine, most of the PostgreSQL
    run's time, for tables that hold a handful of rows. Sequences restart as
    TRUNCATE ... RESTART IDENTITY would. Returns False (TRUNCATE, then) when a
    table holds many rows or a worker's lock makes this the deadlock victim.
    """
    global _admin_engine
    if _admin_engine is None:
        _admin_engine = create_engine(settings.ADMIN_DATABASE_URL, pool_size=1)
    big = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t} OFFSET {_DELETE_AT_MOST})" for t in tables)
    try:
        with _admin_engine.begin() as conn:
            if conn.execute(text(big)).first() is not None:
                return False
            conn.execute(text("; ".join(f"DELETE FROM {t}" for t in tables)))
            conn.execute(
                text(
                    "SELECT setval(format('%I.%I', sequence_schema, sequence_name), 1, false) "
                    "FROM information_schema.sequences WHERE sequence_schema = 'public'"
                )
            )
    except OperationalError:
        return False
    return True


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_network(app_ctx):
    counter = iter(range(1, 10_000))

    def make(name=None, local_area=("S60", "S61", "S62")):
        n = next(counter)
        network = Network(name=name or f"Network {n}", slug=f"network-{n}", local_area=list(local_area))
        db.session.add(network)
        db.session.commit()
        return network

    return make


@pytest.fixture
def make_partner(app_ctx, make_network):
    counter = iter(range(1, 10_000))

    def make(name=None, network=None, kind="council"):
        n = next(counter)
        network = network or make_network()
        organisation = Organisation(network_id=network.id, name=name or f"Partner {n}", slug=f"partner-{n}-{network.id}", kind=kind)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return make


@pytest.fixture
def make_user(app_ctx):
    counter = iter(range(1, 10_000))

    def make(partner=None, role="officer", email=None, lead_of=None, name=None):
        global _PASSWORD_HASH
        _PASSWORD_HASH = _PASSWORD_HASH or hash_password(PASSWORD)
        n = next(counter)
        user = User(email=email or f"user{n}@example.org", name=name or f"User {n}", password_hash=_PASSWORD_HASH)
        db.session.add(user)
        db.session.flush()
        if partner is not None:
            db.session.add(Membership(user_id=user.id, organisation_id=partner.id, role=role))
        if lead_of is not None:
            db.session.add(NetworkLead(user_id=user.id, network_id=lead_of.id))
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_business(app_ctx, make_network):
    """A self-registered SME or VCSE with its account (verified) and, unless told not to, a profile."""
    counter = iter(range(1, 10_000))

    def make(name=None, network=None, verified=True, postcode="S60 1AA", profile=True, cpv_codes=(), **fields):
        from datetime import datetime, timezone

        from portal.smes.models import SmeCategory, SmeProfile
        from tenants import business_context
        from tenants.businesses import Business

        global _PASSWORD_HASH
        _PASSWORD_HASH = _PASSWORD_HASH or hash_password(PASSWORD)
        n = next(counter)
        network = network or make_network()
        business = Business(network_id=network.id, name=name or f"Local Firm {n}")
        db.session.add(business)
        db.session.flush()
        user = User(
            email=f"owner{n}@business{business.id}.example", name=f"Owner {n}", password_hash=_PASSWORD_HASH,
            business_id=business.id, email_verified_at=datetime.now(timezone.utc) if verified else None,
        )
        db.session.add(user)
        db.session.commit()
        if profile:
            district = postcode.split()[0].upper()
            with business_context(business.id):
                values = dict(
                    postcode=postcode, postcode_district=district, is_local=district in (network.local_area or []),
                    size_band="small", what_we_do="", contact_email=user.email,
                )
                values.update(fields)
                db.session.add(SmeProfile(**values))
                for code in cpv_codes:
                    db.session.add(SmeCategory(cpv_code=code))
                db.session.commit()
        business.owner = user
        return business

    return make


class SignIn:
    """Sign a test client in (CSRF is off in the test app).

    With the fixtures' password the session is started as the sign-in page starts it
    (``start_session``), without checking the password: an argon2id check costs about
    0.1 s, and the isolation matrix alone signs in some 1,400 times a run. Any other
    password, or ``through_form=True``, goes through the real form; the sign-in tests
    in tests/test_accounts*.py post the form themselves.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, user, client=None, password=PASSWORD, through_form=False):
        client = client or self.app.test_client()
        if through_form or password != PASSWORD:
            response = client.post("/sign-in", data={"email": user.email, "password": password})
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            return client
        from flask import session

        from portal.accounts.views import start_session

        # Its own app context, so its own database session: the test's objects stay as they are.
        with self.app.app_context(), self.app.test_request_context():
            fresh = db.session.get(User, user.id)
            assert fresh is not None and fresh.active, f"{user.email} cannot sign in"
            start_session(fresh)
            started = dict(session)
            db.session.remove()
        with client.session_transaction() as cookie:
            cookie.clear()
            cookie.update(started)
        return client


@pytest.fixture
def sign_in(app):
    app.config["WTF_CSRF_ENABLED"] = False
    yield SignIn(app)
    app.config["WTF_CSRF_ENABLED"] = True


def pytest_terminal_summary(terminalreporter):
    """Say how many isolation probes ran (the matrix counts them as it goes)."""
    import sys

    matrix = sys.modules.get("tests.test_isolation_matrix")
    if matrix is not None and matrix.PROBES_RUN:
        from tests.isolation.expectations import EXPECTATIONS
        from tests.isolation.world import ROLES

        terminalreporter.write_line(
            f"isolation matrix: {len(matrix.PROBES_RUN)} requests over {len(EXPECTATIONS)} routes x {len(ROLES)} roles"
        )


def pytest_collection_modifyitems(config, items):
    """With both passes running side by side (bin/test sets PORTAL_SPLIT_PASSES=1), each once-only test runs in one.

    Browser journeys test pages, not the database under them, and the whole-app sweeps marked ``once``
    gain nothing from a second database: run twice they cost a third of the time budget. A journey that
    needs the real worker and the sweeps (NUL and 64-bit overflows break on PostgreSQL) go to the
    PostgreSQL pass, the other journeys to the SQLite pass, so the two passes end together. Deselected,
    not skipped: each runs, once. A pass run alone runs everything.
    """
    if os.environ.get("PORTAL_SPLIT_PASSES") != "1":
        return

    def on_postgres(item) -> bool:
        return bool(item.get_closest_marker("once")
                    or (item.get_closest_marker("browser") and item.get_closest_marker("worker")))

    def elsewhere(item) -> bool:
        if not (item.get_closest_marker("browser") or item.get_closest_marker("once")):
            return False
        return on_postgres(item) != settings.ON_POSTGRES

    dropped = [item for item in items if elsewhere(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        kept = set(items) - set(dropped)
        items[:] = [item for item in items if item in kept]
