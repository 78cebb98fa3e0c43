"""Where a page's time goes: sign in as a demo user, ask for each page N times, profile.

Runs in one process against the database in DATABASE_URL (build it as bench/load_test.py
does: prepare-postgres, db upgrade, demo). Prints each page's mean and p95 over N requests,
and with --profile the functions that take the time across all of them (cProfile).

    .venv/bin/python bench/profile_pages.py --requests 30 --profile
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app  # noqa: E402
from portal.demo import DEMO_PASSWORD  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

PAGES = {
    "officer@council.demo": ["/spend", "/spend/lines?page=3", "/social-value/contracts", "/social-value/report",
                             "/partner/opportunities", "/spend/imports"],
    "lead@council.demo": ["/network/{network_id}", "/network/{network_id}/suppliers",
                          "/network/{network_id}/social-value-report", "/network/{network_id}/local-market-gaps"],
    "owner@sme.demo": ["/matches", "/profile", "/opportunities"],
    None: ["/networks/{network_slug}", "/opportunities", "/sign-in"],
}


def sign_in(client, email):
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post("/sign-in", data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"sign-in refused for {email}"


def _package_of(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if "/work/" in filename or filename.startswith(str(Path(__file__).resolve().parents[1])):
        parts = Path(filename).resolve().relative_to(Path(__file__).resolve().parents[1]).parts
        return "/".join(parts[:2]) if parts[0] == "portal" and len(parts) > 2 else parts[0]
    if filename.startswith("<") or filename == "~":
        return "builtins and C code"
    return "standard library"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only", help="profile only URLs containing this")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()

    app = create_app()
    with app.app_context():
        from sqlalchemy import select

        from portal.extensions import db
        from tenants.models import Network

        network = db.session.scalars(select(Network).order_by(Network.id)).first()
        names = {"network_id": network.id, "network_slug": network.slug}
    profiler = cProfile.Profile()
    for email, pages in PAGES.items():
        client = app.test_client()
        if email:
            sign_in(client, email)
        for page in pages:
            url = page.format(**names)
            client.get(url)  # warm: first-use imports and caches are not the steady state
            times, cpu = [], []
            profiling = args.profile and (not args.only or args.only in url)
            for _ in range(args.requests):
                started, cpu_started = time.perf_counter(), time.process_time()
                if profiling:
                    profiler.enable()
                response = client.get(url)
                if profiling:
                    profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"{(email or 'public'):24} {url:55} mean {statistics.mean(times):7.1f} ms  p95 {p95:7.1f} ms"
                  f"  Python CPU {statistics.mean(cpu):6.1f} ms")
    if args.profile:
        by_package: dict[str, float] = {}
        for (filename, _, _), (_, _, tottime, _, _) in pstats.Stats(profiler).stats.items():
            package = _package_of(filename)
            by_package[package] = by_package.get(package, 0.0) + tottime
        total = sum(by_package.values())
        print("own time by package:")
        for package, seconds in sorted(by_package.items(), key=lambda item: -item[1])[:15]:
            print(f"  {package:40} {seconds:6.2f} s  {100 * seconds / total:4.1f}%")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
