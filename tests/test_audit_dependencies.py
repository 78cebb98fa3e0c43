"""Does bin/audit-dependencies fail on a known vulnerability, and on an unreachable
vulnerability service only when services are required (CI)?"""
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bin" / "audit-dependencies"


def run(tmp_path, report: dict | None, require: bool, pages: dict | None = None):
    fake = tmp_path / "pip-audit"
    output = json.dumps(report) if report is not None else ""
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({output!r})\nsys.stderr.write('Name or service not known')\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    # PyPI's project pages, as files: a package without one is "unreachable" there too.
    site = tmp_path / "pypi"
    for name, page in (pages or {}).items():
        (site / name).mkdir(parents=True, exist_ok=True)
        (site / name / "json").write_text(json.dumps(page))
    env = dict(os.environ, PIP_AUDIT=str(fake), PORTAL_REQUIRE_AUDIT="1" if require else "0", PYPI_JSON_URL=site.as_uri())
    return subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env)


CLEAN = {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": []},
                          {"name": "anchor-portal", "skip_reason": "distribution marked as editable"}]}
VULNERABLE = {"dependencies": [{"name": "flask", "version": "0.1", "vulns": [
    {"id": "PYSEC-0000-1", "fix_versions": ["3.1.3"], "description": "x"}]}]}
NOT_FOUND = {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited"}]}


@pytest.mark.parametrize("require", [False, True])
def test_a_known_vulnerability_always_fails(tmp_path, require):
    result = run(tmp_path, VULNERABLE, require)
    assert result.returncode == 1 and "VULNERABLE flask 0.1: PYSEC-0000-1 (fixed in 3.1.3)" in result.stdout


@pytest.mark.parametrize("require", [False, True])
def test_no_known_vulnerability_passes(tmp_path, require):
    result = run(tmp_path, CLEAN, require)
    assert result.returncode == 0 and "no known vulnerabilities in 1 packages" in result.stdout


@pytest.mark.parametrize("report", [NOT_FOUND, None], ids=["packages not found", "no answer"])
def test_an_unreachable_service_warns_and_fails_when_the_audit_is_required(tmp_path, report):
    local = run(tmp_path, report, require=False)
    assert local.returncode == 0 and "NOT AUDITED" in local.stderr
    ci = run(tmp_path, report, require=True)
    assert ci.returncode == 1 and "PORTAL_REQUIRE_AUDIT=1: failing" in ci.stderr


SKIPPED = {"dependencies": [
    {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.3)"},
    {"name": "gunicorn", "skip_reason": "Dependency not found on PyPI and could not be audited: gunicorn (23.0.0)"},
]}


def test_a_package_at_its_latest_release_is_audited_from_the_project_page(tmp_path):
    pages = {"flask": {"info": {"version": "3.1.3"}, "vulnerabilities": []},
             "gunicorn": {"info": {"version": "23.0.0"}, "vulnerabilities": []}}
    result = run(tmp_path, SKIPPED, require=True, pages=pages)
    assert result.returncode == 0, result.stderr
    assert "no known vulnerabilities in 2 packages (2 of them through PyPI's project page" in result.stdout


def test_a_vulnerability_on_the_project_page_fails(tmp_path):
    pages = {"flask": {"info": {"version": "3.1.3"}, "vulnerabilities": [{"id": "GHSA-xxxx", "fixed_in": ["3.1.4"]}]},
             "gunicorn": {"info": {"version": "23.0.0"}, "vulnerabilities": []}}
    result = run(tmp_path, SKIPPED, require=False, pages=pages)
    assert result.returncode == 1 and "VULNERABLE flask 3.1.3: GHSA-xxxx (fixed in 3.1.4)" in result.stdout


def test_a_package_behind_its_latest_release_is_not_audited_by_the_project_page(tmp_path):
    # The page lists the vulnerabilities of 27.0.1 only: it says nothing about 23.0.0.
    pages = {"flask": {"info": {"version": "3.1.3"}, "vulnerabilities": []},
             "gunicorn": {"info": {"version": "27.0.1"}, "vulnerabilities": []}}
    ci = run(tmp_path, SKIPPED, require=True, pages=pages)
    assert ci.returncode == 1 and "1 package(s) could not be audited (gunicorn); 1 were" in ci.stderr
    local = run(tmp_path, SKIPPED, require=False, pages=pages)
    assert local.returncode == 0 and "NOT AUDITED" in local.stderr
