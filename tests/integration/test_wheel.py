"""Installed from the wheel, `vsb` works from an empty folder: its data are package data.

The wheel is built from a copy of the sources (`pip wheel --no-deps`) and installed, without its
dependencies, into a fresh virtual environment; a `.pth` file there lends it the running
environment's site-packages for the dependencies only (the editable install of this project in
them is not activated: `.pth` files of a borrowed folder are not read). Every command then runs
in its own empty folder, so none can read `fixtures/` or `features/` of the repository.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import site
import subprocess
import sys
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "vsb", "simulator", "conformance", "fixtures", "features")
CODE = ("vsb", "simulator", "conformance")
MBE = "76310195930"

pytestmark = pytest.mark.slow  # builds a wheel and a virtual environment (about 30 s)
LISTENING = re.compile(r"listening on (http://[\d.]+:\d+)")


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment holding the wheel."""

    venv: Path

    def vsb(self, *args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run `vsb ARGS` of the fresh environment in `cwd`."""
        return subprocess.run(
            [str(self.venv / "bin" / "vsb"), *args],
            cwd=cwd,
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def clean_env() -> dict[str, str]:
    """The environment without what could point Python back at the repository."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VSB_FEATURES")}


def _copy_sources(to: Path) -> Path:
    to.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, to / name, ignore=ignore)
        else:
            shutil.copy2(source, to / name)
    return to


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--quiet", *args], check=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from the sources and installed into a fresh virtual environment."""
    base = tmp_path_factory.mktemp("wheel")
    sources = _copy_sources(base / "src")
    _pip("wheel", "--no-deps", "--wheel-dir", str(base / "dist"), str(sources))
    (wheel,) = (base / "dist").glob("vsb_harness-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    _pip("--python", str(venv / "bin" / "python"), "install", "--no-deps", "--no-index", str(wheel))
    (purelib,) = (venv / "lib").glob("python3*/site-packages")
    (purelib / "borrowed-dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    return Installed(venv)


def test_the_installed_packages_are_the_wheels_not_the_repository(
    installed: Installed, tmp_path: Path
) -> None:
    code = "import conformance as c, simulator as s, vsb as v; print(c.__file__, s.__file__)"
    code += "; print(v.__file__)"
    done = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    for module_file in done.stdout.split():
        assert Path(module_file).is_relative_to(installed.venv), module_file


def test_certs_from_an_empty_folder_writes_a_certificate_per_packaged_mbe(
    installed: Installed, tmp_path: Path
) -> None:
    done = installed.vsb("certs", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "certs" / "ca.pem").is_file()
    assert (tmp_path / "certs" / f"mbe-{MBE}.pem").is_file()
    assert (tmp_path / "certs" / f"mbe-{MBE}.key").is_file()


def test_run_from_an_empty_folder_plays_the_packaged_story(
    installed: Installed, tmp_path: Path
) -> None:
    done = installed.vsb("run", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert " 0 not" in done.stdout


def test_serve_from_an_empty_folder_answers_its_openapi_document_and_stops(
    installed: Installed, tmp_path: Path
) -> None:
    assert installed.vsb("certs", cwd=tmp_path).returncode == 0
    server = subprocess.Popen(
        [str(installed.venv / "bin" / "vsb"), "serve", "--port", "0", "--db", ":memory:"],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    stderr = Lines(server)
    try:
        url = stderr.wait_for(LISTENING).group(1)
        answer = httpx.get(f"{url}/openapi.json", timeout=30)
        assert answer.status_code == 200
        assert answer.json()["openapi"].startswith("3.")
    finally:
        server.send_signal(signal.SIGINT)
        status = server.wait(timeout=30)
    stderr.reader.join(timeout=10)
    assert status == 130  # the CLI's exit status when interrupted (Ctrl-C), after a clean stop
    assert "Traceback" not in stderr.text()


class Lines:
    """The lines a process writes to its stderr, read as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, args=(process.stderr,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.seen.append(line)
            self._queue.put(line)
        self._queue.put("")

    def wait_for(self, pattern: re.Pattern[str]) -> re.Match[str]:
        """The first line matching `pattern`; fails when the process ends before one."""
        while True:
            line = self._queue.get(timeout=60)
            found = pattern.search(line)
            if found:
                return found
            assert line, f"the process ended before {pattern.pattern!r}: {self.text()}"

    def text(self) -> str:
        return "".join(self.seen)


def test_simulate_from_an_empty_folder_runs_the_packaged_scenario(
    installed: Installed, tmp_path: Path
) -> None:
    done = installed.vsb("simulate", "--days", "3", "--quiet", "--out", "sim", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "sim" / "messages.jsonl").stat().st_size > 0
    assert "flanders-2024" in (tmp_path / "sim" / "run.json").read_text("utf-8")


def test_certify_central_from_an_empty_folder_runs_the_packaged_suite(
    installed: Installed, tmp_path: Path
) -> None:
    done = installed.vsb("certify", "central", "--quiet", "--report", "report", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("CONFORMANT:")
    assert (tmp_path / "report" / "report.html").is_file()


def test_every_folder_of_python_code_is_a_listed_package() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for top in CODE
        for path in (ROOT / top).rglob("*.py")
    }
    assert folders - listed == set()
