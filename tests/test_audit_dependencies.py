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


def run(tmp_path, report: dict | None, require: bool):
    fake = tmp_path / "pip-audit"
    output = json.dumps(report) if report is not None else ""
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({output!r})\nsys.stderr.write('Name or service not known')\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, PIP_AUDIT=str(fake), PORTAL_REQUIRE_AUDIT="1" if require else "0")
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
