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
import resource
import signal
import subprocess
import sys
import tempfile
import threading
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


class MemorySampler(threading.Thread):
    """Resident memory of every process every few seconds of the full load: flat, or still growing at the end?"""

    def __init__(self, processes, every: float):
        super().__init__(daemon=True)
        self.processes, self.every = processes, every
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stopped = threading.Event()
        self._began = time.perf_counter()

    def run(self):
        while not self._stopped.wait(self.every):
            self.samples.append((time.perf_counter() - self._began, memory(self.processes)))

    def stop(self):
        self._stopped.set()
        self.join()


def cpu_seconds(processes: dict[str, subprocess.Popen]) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each part of the stack, to say where the cores went."""
    ours = {}
    for name, popen in processes.items():
        try:
            parent = psutil.Process(popen.pid)
            for process in [parent, *parent.children(recursive=True)]:
                ours[process.pid] = name.split(" ")[0]  # "worker 1" and "worker 2" add up as "worker"
        except psutil.NoSuchProcess:
            continue
    totals: dict[str, float] = {}
    for process in psutil.process_iter(["name"]):
        try:
            group = ours.get(process.pid)
            if group is None:
                name = process.info["name"] or ""
                group = ("postgres" if name.startswith("postgres") else "redis" if name.startswith("redis")
                         else None)
            if group:
                times = process.cpu_times()
                totals[group] = totals.get(group, 0.0) + times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return totals


def locust(args, env, users: int, duration: int, prefix: Path) -> dict:
    cmd = [
        str(VENV / "locust"), "-f", "bench/load/locustfile.py", "--headless", "--only-summary",
        "-u", str(users), "-r", str(min(users, args.spawn_rate)), "-t", f"{duration}s",
        "--host", args.host, "--csv", str(prefix), "--stop-timeout", "10",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, cwd=ROOT, check=False, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    with open(f"{prefix}_stats.csv") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    failures = []
    failures_file = Path(f"{prefix}_failures.csv")
    if failures_file.exists():
        with failures_file.open() as handle:
            failures = list(csv.DictReader(handle))
    return {"rows": rows, "failures": failures, "cpu": locust_cpu}


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
    parser.add_argument("--spawn-rate", type=float, default=4,
                        help="sessions starting (signing in) per second; 4 brings 200 people in over 50 s")
    parser.add_argument("--baseline-duration", type=int, default=30)
    parser.add_argument("--database", default="portal_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-dbs", default="3,4", help="broker and result database numbers")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--gunicorn-threads", type=int, default=8)
    parser.add_argument("--check", action="store_true", help="exit 1 if any request failed")
    parser.add_argument("--think", default="5,15",
                        help="seconds each session pauses between pages, as MIN,MAX (default 5,15: a person reading the page)")
    parser.add_argument("--record", nargs="?", const="docs/load-test.md", metavar="PATH",
                        help="write the result to PATH (default docs/load-test.md)")
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
        LOAD_ACCOUNTS=str(work / "accounts.json"), LOAD_THINK=args.think,
    )
    subprocess.run(["redis-cli", "-n", broker_db, "flushdb"], capture_output=True)
    subprocess.run(["redis-cli", "-n", result_db, "flushdb"], capture_output=True)
    prepare(args, env)
    write_accounts(env, work / "accounts.json", max(10, args.users // 2))

    processes = {
        # gunicorn.conf.py (production's settings) applies; only the address and sizes are ours.
        "gunicorn": start([str(VENV / "gunicorn"), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{args.port}",
                           "--workers", str(args.gunicorn_workers), "--threads", str(args.gunicorn_threads), "wsgi:app"],
                          env, work / "gunicorn.log"),
        "worker 1": start([str(VENV / "celery"), "-A", "workers.worker", "worker", "--concurrency=1", "-n", "load1@%h",
                           "--loglevel=warning"], env, work / "worker1.log"),
        "worker 2": start([str(VENV / "celery"), "-A", "workers.worker", "worker", "--concurrency=1", "-n", "load2@%h",
                           "--loglevel=warning"], env, work / "worker2.log"),
    }
    try:
        wait_until_up(f"{args.host}/sign-in")
        # One session without pauses to speak of: its pages' times, not its pace, are the baseline.
        baseline = summary(locust(args, {**env, "LOAD_THINK": "0.5,1"}, 1, args.baseline_duration, work / "baseline"))
        memory_start = memory(processes)
        cpu_start, wall_start = cpu_seconds(processes), time.perf_counter()
        sampler = MemorySampler(processes, every=max(5, args.duration // 10))
        sampler.start()
        loaded_result = locust(args, env, args.users, args.duration, work / "load")
        cpu_end, wall = cpu_seconds(processes), time.perf_counter() - wall_start
        sampler.stop()
        loaded = summary(loaded_result)
        memory_end = memory(processes)
        cpu = {group: (cpu_end.get(group, 0.0) - cpu_start.get(group, 0.0)) / wall for group in cpu_end}
        cpu["locust (the load itself)"] = loaded_result["cpu"] / wall
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

    report = render(args, baseline, loaded, loaded_result, memory_start, memory_end, cpu, sampler.samples)
    print(report)
    if args.record:
        target = ROOT / args.record
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(report)
    print(f"logs and locust CSVs in {work}")
    if args.check and loaded["failures"]:
        return 1
    return 0


def render(args, baseline, loaded, result, memory_start, memory_end, cpu, samples) -> str:
    lines = [
        "# Load test: last result",
        "",
        f"Command: `.venv/bin/python bench/load_test.py --users {args.users} --duration {args.duration}"
        f" --think {args.think} --spawn-rate {args.spawn_rate:g}{' --record ' + args.record if args.record else ''}` on {time.strftime('%Y-%m-%d')}, this 2-core machine, loopback;"
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
    lines += ["", "How the mix and its pace were chosen, and what these numbers say: the load test section of bench/README.md."]
    lines += ["", "## Where the two cores went during the full load (cores busy, averaged)", "",
              "| part | cores |", "|---|---:|"]
    for group, cores in sorted(cpu.items(), key=lambda item: -item[1]):
        lines.append(f"| {group} | {cores:.2f} |")
    lines += ["", "## Memory (MB resident) through the full load", "",
              "Sampled every few seconds. Warming up (each thread's first pages, caches filling) shows early;",
              "a leak shows as growth in the second half, which the last column gives.", ""]
    shown = samples[:: max(1, len(samples) // 5)]
    lines.append("| process | start | " + " | ".join(f"{at:.0f} s" for at, _ in shown) + " | end | second half |")
    lines.append("|---|---:|" + "---:|" * len(shown) + "---:|---:|")
    halfway = samples[len(samples) // 2][1] if samples else memory_start
    for name in sorted(set(memory_start) | set(memory_end)):
        cells = [memory_start.get(name)] + [sample.get(name) for _, sample in shown] + [memory_end.get(name)]
        middle, end = halfway.get(name), memory_end.get(name)
        growth = f"{100 * (end - middle) / middle:+.0f}%" if middle and end else "-"
        lines.append(f"| {name} | " + " | ".join(f"{c:.0f}" if c else "-" for c in cells) + f" | {growth} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
