"""Load test on loopback: gunicorn + PostgreSQL + Redis + two Celery workers, the demo network, locust.

    .venv/bin/python bench/load_test.py                      # the full run: 200 sessions for 5 minutes
    .venv/bin/python bench/load_test.py --users 20 --duration 20 --check   # the short run CI makes

It builds the demo network in its own PostgreSQL database, starts the portal as
production would (gunicorn, two workers), measures the same mix of pages with one
user first (the baseline of this run), then with the full crowd, and prints
requests/s, p50/p95/p99, errors, and each process's memory at the start and end.
``--record`` writes the result to docs/load-test.md. ``--check`` exits non-zero if
any request failed (never on timings: those are for people to read).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"


def run(cmd, env, **kw):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, capture_output=True, **kw)


def prepare(args, env) -> None:
    urls = run([str(VENV / "flask"), "--app", "wsgi", "prepare-postgres", "--database", args.database, "--fresh"], env).stdout
    for line in urls.splitlines():
        key, _, value = line.partition("=")
        if key in ("DATABASE_URL", "MIGRATION_DATABASE_URL"):
            env[key] = value
    run([str(VENV / "flask"), "--app", "wsgi", "db", "upgrade"], env)
    started = time.perf_counter()
    run([str(VENV / "flask"), "--app", "wsgi", "demo"], env)
    print(f"demo network built in {time.perf_counter() - started:.0f} s")


def write_accounts(env, path: Path, per_kind: int) -> None:
    code = (
        "import sys; sys.path.insert(0, 'bench/load'); from wsgi import app\n"
        "from accounts import write_accounts\n"
        f"with app.app_context(): write_accounts({str(path)!r}, {per_kind})\n"
    )
    run([str(VENV / "python"), "-c", code], env)


def start(cmd, env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the portal did not answer at {url}")


def memory(processes: dict[str, subprocess.Popen]) -> dict[str, float]:
    """Resident memory in MB of each process and each of its children (gunicorn workers, worker pool)."""
    out = {}
    for name, popen in processes.items():
        try:
            parent = psutil.Process(popen.pid)
        except psutil.NoSuchProcess:
            continue
        out[name] = parent.memory_info().rss / 2**20
        for n, child in enumerate(parent.children(recursive=True)):
            try:
                out[f"{name} child {n + 1}"] = child.memory_info().rss / 2**20
            except psutil.NoSuchProcess:
                pass
    return out


def locust(args, env, users: int, duration: int, prefix: Path) -> dict:
    cmd = [
        str(VENV / "locust"), "-f", "bench/load/locustfile.py", "--headless", "--only-summary",
        "-u", str(users), "-r", str(max(1, min(users, args.spawn_rate))), "-t", f"{duration}s",
        "--host", args.host, "--csv", str(prefix), "--stop-timeout", "10",
    ]
    subprocess.run(cmd, env=env, cwd=ROOT, check=False, capture_output=True, text=True)
    with open(f"{prefix}_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    failures = []
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        with failures_file.open() as handle:
            failures = list(csv.DictReader(handle))
    return {"rows": rows, "failures": failures}


def summary(result: dict) -> dict:
    total = result["rows"]["Aggregated"]
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": float(total["50%"]),
        "p95": float(total["95%"]),
        "p99": float(total["99%"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=300, help="seconds of full load")
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--baseline-duration", type=int, default=30)
    parser.add_argument("--database", default="portal_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-dbs", default="3,4", help="broker and result database numbers")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--gunicorn-threads", type=int, default=8)
    parser.add_argument("--check", action="store_true", help="exit 1 if any request failed")
    parser.add_argument("--record", action="store_true", help="write the result to docs/load-test.md")
    args = parser.parse_args()
    args.host = f"http://127.0.0.1:{args.port}"

    work = Path(tempfile.mkdtemp(prefix="portal-load-"))
    broker_db, result_db = args.redis_dbs.split(",")
    env = dict(os.environ)
    env.update(
        SECRET_KEY="load-test-secret-not-for-production", PORTAL_INSTANCE=str(work / "instance"),
        CELERY_BROKER_URL=f"{args.redis}/{broker_db}", CELERY_RESULT_BACKEND=f"{args.redis}/{result_db}",
        PUBLIC_URL=args.host, MAIL_OUTBOX=str(work / "outbox"),
        # Two hundred people behind one loopback address: the per-address sign-in limit stands for many addresses.
        LOGIN_LIMIT_PER_ADDRESS="100000 per minute", LOGIN_LIMIT_PER_ACCOUNT="100000 per minute",
        LOAD_ACCOUNTS=str(work / "accounts.json"),
    )
    subprocess.run(["redis-cli", "-n", broker_db, "flushdb"], capture_output=True)
    subprocess.run(["redis-cli", "-n", result_db, "flushdb"], capture_output=True)
    prepare(args, env)
    write_accounts(env, work / "accounts.json", max(10, args.users // 2))

    processes = {
        "gunicorn": start([str(VENV / "gunicorn"), "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.gunicorn_workers),
                           "--threads", str(args.gunicorn_threads), "--worker-class", "gthread",
                           # Longer than a session's pause between pages, so an idle kept-alive
                           # connection is not closed just as the client reuses it (a reset).
                           "--keep-alive", "10", "wsgi:app"], env, work / "gunicorn.log"),
        "worker 1": start([str(VENV / "celery"), "-A", "workers.worker", "worker", "--concurrency=1", "-n", "load1@%h",
                           "--loglevel=warning"], env, work / "worker1.log"),
        "worker 2": start([str(VENV / "celery"), "-A", "workers.worker", "worker", "--concurrency=1", "-n", "load2@%h",
                           "--loglevel=warning"], env, work / "worker2.log"),
    }
    try:
        wait_until_up(f"{args.host}/sign-in")
        baseline = summary(locust(args, env, 1, args.baseline_duration, work / "baseline"))
        memory_start = memory(processes)
        loaded_result = locust(args, env, args.users, args.duration, work / "load")
        loaded = summary(loaded_result)
        memory_end = memory(processes)
    finally:
        for popen in processes.values():
            try:
                os.killpg(popen.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for popen in processes.values():
            try:
                popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(popen.pid, signal.SIGKILL)

    report = render(args, baseline, loaded, loaded_result, memory_start, memory_end)
    print(report)
    if args.record:
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "load-test.md").write_text(report)
    print(f"logs and locust CSVs in {work}")
    if args.check and loaded["failures"]:
        return 1
    return 0


def render(args, baseline, loaded, result, memory_start, memory_end) -> str:
    lines = [
        "# Load test: last result",
        "",
        f"Command: `.venv/bin/python bench/load_test.py --users {args.users} --duration {args.duration}"
        f"{' --record' if args.record else ''}` on {time.strftime('%Y-%m-%d')}, this 2-core machine, loopback;"
        f" gunicorn ({args.gunicorn_workers} workers x {args.gunicorn_threads} threads) + PostgreSQL + Redis + two Celery workers;"
        " the demo network (four partners, 148,000 spend lines).",
        "",
        "| | sessions | requests | failures | requests/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| baseline (one session, same mix) | 1 | {baseline['requests']} | {baseline['failures']} | {baseline['rps']:.1f} |"
        f" {baseline['p50']:.0f} | {baseline['p95']:.0f} | {baseline['p99']:.0f} |",
        f"| full load | {args.users} | {loaded['requests']} | {loaded['failures']} | {loaded['rps']:.1f} |"
        f" {loaded['p50']:.0f} | {loaded['p95']:.0f} | {loaded['p99']:.0f} |",
        "",
        f"p95 under load is {loaded['p95'] / max(baseline['p95'], 1):.1f}x the one-session p95 (goal: p95 under 300 ms, no errors).",
        "",
        "## Slowest pages under load (p95)",
        "",
        "| page | requests | failures | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    rows = [r for name, r in result["rows"].items() if name != "Aggregated"]
    for row in sorted(rows, key=lambda r: -float(r["95%"]))[:12]:
        lines.append(f"| {row['Type']} {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {float(row['50%']):.0f} |"
                     f" {float(row['95%']):.0f} | {float(row['99%']):.0f} |")
    if result["failures"]:
        lines += ["", "## Failures", ""]
        for failure in result["failures"][:20]:
            lines.append(f"- {failure['Method']} {failure['Name']}: {failure['Error']} ({failure['Occurrences']}x)")
    lines += ["", "## Memory (MB resident) at the start and end of the full load", "", "| process | start | end |", "|---|---:|---:|"]
    for name in sorted(set(memory_start) | set(memory_end)):
        start = memory_start.get(name)
        end = memory_end.get(name)
        lines.append(f"| {name} | {start:.0f} | {end:.0f} |" if start and end else f"| {name} | {start or '-'} | {end or '-'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
