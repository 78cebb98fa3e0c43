"""Does the deployment recipe run? Its processes started as deploy/systemd/ says, on 127.0.0.1, a journey
over HTTP, and one worker of each queue killed (kill -9) on the way: does the journey still finish?

PostgreSQL + Redis pass only (a skip on SQLite, a failure with PORTAL_REQUIRE_SERVICES=1 when the
services are missing). Docker has no daemon on the test machines, so the images are not built here:
compose.yaml is checked to run the very commands the systemd units run.
"""
from __future__ import annotations

import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal.config import derived_scope_key
from tests import settings
from tests.conftest import PASSWORD, _require_or_skip

from .recipe import DEPLOY, REPO_ROOT, Places, Recipe, command, read_env_file, unit_lines

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.timeout(1200)]

QUEUES = ("imports", "totals", "matching", "mail")
LINES = 20_000
OFFICER = "officer@smoke.example.org"
UPLOAD_REQUEST_ID = "smoke-columns-post-0001"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float, what: str, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)


def spend_file() -> tuple[bytes, int]:
    """A year of spend (financial year 2024 to 2025) and its total in pence, added up here, apart from the portal."""
    rng = random.Random(19)
    rows, total = ["Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount"], 0
    for n in range(LINES):
        day = date(2024, 4, 1) + timedelta(days=rng.randrange(365))
        pence = rng.randrange(100, 2_000_000)
        total += pence
        rows.append(f"{day:%d/%m/%Y},SM-{n},Supplier {rng.randrange(80)} Ltd,S60 1AE,{Decimal(pence) / 100:.2f}")
    return ("\n".join(rows) + "\n").encode(), total


class LoopbackBrowser(requests.Session):
    """Production cookies are Secure (TLS is Caddy's job, in front): here, on plain loopback, the client
    keeps sending them, as a browser does to a TLS proxy. (A cookie policy on the jar is not used when
    requests sends: it copies the cookies into a fresh jar.)"""

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


# ------------------------------------------------------------------------------ the installation


@pytest.fixture(scope="module")
def installation(tmp_path_factory, smtp_server):
    if not settings.ON_POSTGRES:
        pytest.skip("the recipe's smoke test runs in the PostgreSQL + Redis pass of bin/test")
    if not settings.ADMIN_DATABASE_URL or not shutil.which("redis-server"):
        _require_or_skip("the recipe's smoke test needs TEST_ADMIN_DATABASE_URL (a superuser) and redis-server")
    from tests.faults.harness import PrivateRedis

    root = tmp_path_factory.mktemp("recipe")
    redis = PrivateRedis(root, _free_port())
    redis.start()
    admin = make_url(settings.ADMIN_DATABASE_URL).set(database="postgres").render_as_string(hide_password=False)
    database = f"portal_smoke_{os.getpid()}"
    flask = [str(REPO_ROOT / ".venv" / "bin" / "flask") if (REPO_ROOT / ".venv/bin/flask").exists() else sys.executable + " -m flask"]
    prepared = subprocess.run([*flask, "--app", "wsgi", "prepare-postgres", "--admin-url", admin, "--database", database, "--fresh"],
                              cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=600)
    urls = dict(line.split("=", 1) for line in prepared.stdout.splitlines() if "=" in line)
    port = _free_port()
    places = Places(root)
    env = {key: places.translate(value) for key, value in read_env_file(DEPLOY / "portal.env.example").items()}
    env.update({
        "PATH": os.environ["PATH"], "HOME": str(root), "PYTHONUNBUFFERED": "1",
        "PUBLIC_URL": f"http://127.0.0.1:{port}", "PORTAL_BIND": f"127.0.0.1:{port}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": urls["DATABASE_URL"], "MIGRATION_DATABASE_URL": urls["MIGRATION_DATABASE_URL"],
        "CELERY_BROKER_URL": f"{redis.url}/0", "CELERY_RESULT_BACKEND": f"{redis.url}/1",
        "RATELIMIT_STORAGE_URI": f"{redis.url}/2",
        "WEB_WORKERS": "2", "WEB_THREADS": "4", "WORKER_CONCURRENCY": "1",
        "PROXY_FIX_HOPS": "0",  # nothing in front here
        "MAIL_SERVER": smtp_server.host, "MAIL_PORT": str(smtp_server.port), "MAIL_USE_TLS": "",
        "MAIL_USERNAME": "", "MAIL_PASSWORD": "",
        "WORKER_HEARTBEAT_EVERY": "2",
    })
    logs = root / "logs"
    logs.mkdir()
    recipe = Recipe(env, places, logs)
    try:
        recipe.run_once("anchor-portal-migrate.service")
        recipe.start("anchor-portal-web.service")
        for queue in QUEUES:
            recipe.start("anchor-portal-worker@.service", queue)
        recipe.start("anchor-portal-beat.service")
        recipe.base_url = env["PUBLIC_URL"]
        recipe.database = database
        recipe.smtp = smtp_server
        _wait_ready(recipe)
        _an_officer(env)
        yield recipe
    finally:
        recipe.stop_all()
        redis.stop()
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        engine.dispose()


def _wait_ready(recipe: Recipe) -> None:
    def ready():
        for process in recipe.processes.values():
            assert process.popen.poll() is None, f"{process.name} exited:\n{process.log()[-4000:]}"
        try:
            return requests.get(f"{recipe.base_url}/readyz", timeout=30).status_code == 200
        except requests.RequestException:  # not listening yet, or busy starting on a loaded machine
            return False

    try:
        wait_until(ready, 300, "/readyz green", every=1)
    except AssertionError:
        body = requests.get(f"{recipe.base_url}/readyz", timeout=30).text
        raise AssertionError(f"/readyz never green: {body}") from None


def _an_officer(env: dict) -> None:
    """A network, a partner and its officer, written as the app writes them (its roles, its row-level security)."""
    from celery import current_app as current_celery

    from portal import create_app
    from portal.extensions import db
    from portal.passwords import hash_password
    from tenants.models import Membership, Network, Organisation, User

    suite_celery = current_celery._get_current_object()  # create_app makes its own Celery app the default
    application = create_app({
        "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "MIGRATION_DATABASE_URL": env["MIGRATION_DATABASE_URL"],
        "SECRET_KEY": env["SECRET_KEY"], "RLS_SCOPE_KEY": derived_scope_key(env["SECRET_KEY"]),
        "CELERY": {"broker_url": env["CELERY_BROKER_URL"], "result_backend": env["CELERY_RESULT_BACKEND"]},
    })
    try:
        with application.app_context():
            network = Network(name="Smoke Network", slug="smoke", local_area=["S60", "S61"])
            db.session.add(network)
            db.session.flush()
            partner = Organisation(network_id=network.id, name="Smoke Council", slug="smoke-council", kind="council")
            user = User(email=OFFICER, name="Smoke Officer", password_hash=hash_password(PASSWORD))
            db.session.add_all([partner, user])
            db.session.flush()
            db.session.add(Membership(user_id=user.id, organisation_id=partner.id, role="officer"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    finally:
        suite_celery.set_current()
        suite_celery.set_default()


# ----------------------------------------------------------------------------------- the journey


def signed_in(recipe: Recipe) -> requests.Session:
    browser = LoopbackBrowser()
    page = browser.get(f"{recipe.base_url}/sign-in", timeout=30).text
    answer = browser.post(f"{recipe.base_url}/sign-in", data={"csrf_token": csrf_of(page), "email": OFFICER, "password": PASSWORD},
                          timeout=30, allow_redirects=False)
    assert answer.status_code == 302, answer.text[:2000]
    return browser


def kill_pool_process(recipe: Recipe, queue: str) -> int:
    """kill -9 the process running the queue's tasks; the worker's parent gives its task back and starts another."""
    worker = recipe.processes[f"anchor-portal-worker@{queue}"]
    (child,) = wait_until(worker.children, 20, f"the {queue} worker's pool process")
    os.kill(child, signal.SIGKILL)
    return child


def test_the_recipe_runs_a_journey_to_its_end_through_a_killed_worker_on_every_queue(installation):
    recipe = installation
    content, total_pence = spend_file()
    browser = signed_in(recipe)

    page = browser.get(f"{recipe.base_url}/spend/imports", timeout=30).text
    uploaded = browser.post(f"{recipe.base_url}/spend/imports", data={"csrf_token": csrf_of(page)},
                            files={"spend_file": ("smoke.csv", content, "text/csv")}, timeout=120, allow_redirects=False)
    assert uploaded.status_code == 302, uploaded.text[:2000]
    columns_url = recipe.base_url + uploaded.headers["Location"] if uploaded.headers["Location"].startswith("/") else uploaded.headers["Location"]
    import_id = int(re.search(r"/imports/(\d+)/", columns_url).group(1))
    page = browser.get(columns_url, timeout=60).text
    chosen = browser.post(columns_url, headers={"X-Request-ID": UPLOAD_REQUEST_ID}, timeout=60, allow_redirects=False, data={
        "csrf_token": csrf_of(page), "payment_date": "Date", "amount": "Net Amount", "supplier_name": "Supplier Name",
        "transaction_ref": "Transaction Number", "supplier_postcode": "Supplier Postcode"})
    assert chosen.status_code == 302 and chosen.headers["X-Request-ID"] == UPLOAD_REQUEST_ID

    def progress():
        return browser.get(f"{recipe.base_url}/spend/imports/{import_id}/progress.json", timeout=30).json()

    # The import worker killed mid-import: its parent gives the task back, a fresh pool process runs it again.
    wait_until(lambda: progress()["status"] == "running" and progress()["rows_done"] > 0, 120, "the import running", every=0.05)
    kill_pool_process(recipe, "imports")
    imports_log = recipe.processes["anchor-portal-worker@imports"]
    wait_until(lambda: "WorkerLostError" in imports_log.log(), 30, "the imports worker noticing its pool process died")

    # Mail: a forgotten-password email queued now, its worker killed as it starts.
    page = browser.get(f"{recipe.base_url}/forgotten-password", timeout=30).text
    browser.post(f"{recipe.base_url}/forgotten-password", data={"csrf_token": csrf_of(page), "email": OFFICER}, timeout=30)
    kill_pool_process(recipe, "mail")

    done = wait_until(lambda: (p := progress())["finished"] and p, 300, "the import finished after the kill", every=0.5)
    assert done["status"] == "imported", done
    # Totals and matching: killed while the import's refresh and supplier linking are theirs to do.
    kill_pool_process(recipe, "totals")
    kill_pool_process(recipe, "matching")

    def total_spend():
        answer = browser.get(f"{recipe.base_url}/spend/download.csv", timeout=60)
        if answer.status_code != 200 or "text/csv" not in answer.headers.get("Content-Type", ""):
            return None
        for line in answer.text.lstrip("\ufeff").splitlines():
            cells = line.split(",")
            if len(cells) > 2 and cells[1] == "Total spend":
                return int(Decimal(cells[2]) * 100)
        return None

    wait_until(lambda: total_spend() == total_pence, 300, f"the dashboard's total spend equal to the file's £{total_pence / 100:,.2f}", every=1)
    assert recipe.smtp.wait_for(OFFICER, timeout=600), "the password reset email after the mail worker's kill"

    # Every queue's worker came back (its parent started a new pool process) and beats: ready again.
    for queue in QUEUES:
        worker = recipe.processes[f"anchor-portal-worker@{queue}"]
        wait_until(worker.children, 30, f"{queue} pool process back")
    assert requests.get(f"{recipe.base_url}/readyz", timeout=30).status_code == 200

    # The request id of the request that queued the import is in the import task's JSON log records.
    records = [json.loads(line) for line in imports_log.log().splitlines() if line.startswith("{")]
    started = [r for r in records if r.get("message", "").startswith("task portal.spend.tasks.import_spend_file started")]
    assert started and all(r["request_id"] == UPLOAD_REQUEST_ID for r in started), started[:3]
    assert len(started) >= 2  # the killed run and the redelivered one

    # Metrics from the web processes and the workers, added up from the shared folder.
    metrics = requests.get(f"{recipe.base_url}/metrics", timeout=30).text
    for name in ('portal_request_duration_seconds_count{method="POST",route="/spend/imports/<int:import_id>/columns"',
                 'portal_task_duration_seconds_count{state="SUCCESS",task="portal.spend.tasks.import_spend_file"}',
                 'portal_import_lines_total{kind="spend"}', 'portal_queue_length{queue="imports"}',
                 'portal_worker_heartbeat_age_seconds{worker="imports@'):
        assert name in metrics, name


def test_compose_runs_the_commands_the_systemd_units_run():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    places, env = Places(Path("/recipe-root")), {"WORKER_CONCURRENCY": "${WORKER_CONCURRENCY:-2}"}
    back = [(str(Path(sys.executable).parent), "/opt/anchor-portal/.venv/bin"), ("/recipe-root/lib", "/var/lib/anchor-portal"),
            ("/recipe-root/run", "/run/anchor-portal"), (str(REPO_ROOT), "/opt/anchor-portal")]

    def unit_command(unit: str, instance: str = "") -> list[str]:
        """The unit's command with the paths of a server, as compose writes them."""
        (line,) = unit_lines(unit, "ExecStart")
        argv = command(line, places, env, instance)
        for here, there in back:
            argv = [part.replace(here, there) for part in argv]
        return argv

    assert services["web"]["command"] == unit_command("anchor-portal-web.service")
    assert services["beat"]["command"] == unit_command("anchor-portal-beat.service")
    for queue in QUEUES:
        assert services[f"worker-{queue}"]["command"] == unit_command("anchor-portal-worker@.service", queue)
    assert "flask --app wsgi db upgrade" in " ".join(services["migrate"]["command"])
    assert {"postgres", "redis", "proxy"} <= set(services)
    assert sum(1 for name in services if "beat" in name) == 1
