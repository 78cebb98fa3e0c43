"""The deployment recipe's processes, read from deploy/systemd/ and started on 127.0.0.1 as the units say.

Paths the units name (/opt/anchor-portal, /run/anchor-portal, /var/lib/anchor-portal) become this
checkout and a temporary folder; ``%i`` the unit's instance; ``${VAR}`` the environment file's value.
Nothing else of the command changes, so what the smoke test runs is what a server runs.
"""
from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
UNITS = DEPLOY / "systemd"


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def unit_lines(unit: str, key: str) -> list[str]:
    """Every ``key=`` line of the unit's [Service] section, in order."""
    found, section = [], None
    for line in (UNITS / unit).read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
        elif section == "[Service]" and stripped.startswith(f"{key}="):
            found.append(stripped[len(key) + 1:])
    return found


@dataclass
class Places:
    """Where the unit's paths point on this machine."""

    root: Path  # the temporary folder standing in for /run and /var/lib

    def translate(self, text: str) -> str:
        venv_bin = str(Path(sys.executable).parent)
        text = text.replace("/opt/anchor-portal/.venv/bin", venv_bin)
        text = text.replace("/opt/anchor-portal", str(REPO_ROOT))
        text = text.replace("/run/anchor-portal", str(self.root / "run"))
        return text.replace("/var/lib/anchor-portal", str(self.root / "lib"))


def command(line: str, places: Places, env: dict[str, str], instance: str = "") -> list[str]:
    """A unit's ExecStart line as systemd would run it (``-``/``+`` prefixes dropped, specifiers expanded)."""
    line = line.lstrip("-+@!")
    line = places.translate(line).replace("%i", instance).replace("%%", "%")
    line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line)
    return shlex.split(line)


@dataclass
class Process:
    name: str
    argv: list[str]
    log_path: Path
    popen: subprocess.Popen | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def children(self) -> list[int]:
        try:
            return [int(p) for p in Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children").read_text().split()]
        except FileNotFoundError:
            return []


@dataclass
class Recipe:
    env: dict[str, str]
    places: Places
    logs: Path
    processes: dict[str, Process] = field(default_factory=dict)

    def run_once(self, unit: str) -> None:
        """A oneshot unit: each ExecStartPre then ExecStart, in its working directory, as systemd runs them."""
        cwd = places_dir(self.places, unit)
        for key in ("ExecStartPre", "ExecStart"):
            for line in unit_lines(unit, key):
                done = subprocess.run(command(line, self.places, self.env), cwd=cwd, env=self.env,
                                      capture_output=True, text=True, timeout=300, check=False)
                assert done.returncode == 0, f"{unit}: {line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"

    def start(self, unit: str, instance: str = "") -> Process:
        (line,) = unit_lines(unit, "ExecStart")
        name = f"{unit.split('.')[0]}{instance}"
        process = Process(name, command(line, self.places, self.env, instance), self.logs / f"{name}.log")
        env = dict(self.env)
        for assignment in unit_lines(unit, "Environment"):  # the unit's own, after the file's (as systemd orders them)
            key, _, value = assignment.partition("=")
            env[key] = self.places.translate(value)
        with open(process.log_path, "ab") as log:
            process.popen = subprocess.Popen(process.argv, cwd=places_dir(self.places, unit), env=env, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes[name] = process
        return process

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.popen and process.popen.poll() is None:
                os.killpg(process.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            if process.popen is None:
                continue
            try:
                process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait(timeout=10)


def places_dir(places: Places, unit: str) -> str:
    (directory,) = unit_lines(unit, "WorkingDirectory")
    return places.translate(directory)
