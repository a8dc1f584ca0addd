"""The conformance suite's wall time: in-process and over HTTP against `vsb serve`.

Each run is the command a vendor types (`python -m pytest -c conformance/suite/pytest.ini
... conformance/suite`) in a fresh interpreter; "wall" is that process from start to exit
(interpreter start, imports, collection of the feature files, the scenarios), "suite" is the
plugin's own measure from configuration to the end of the session (`results.json`). Over HTTP
the target is `python -m vsb.serve --test-control` (SQLite file in WAL, synchronous=FULL,
client assertions signed per request) started once in a subprocess on loopback; every
scenario resets it.

Run: `.venv/bin/python -m benchmarks.bench_conformance [--runs N]` (default 5 runs per mode).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_serve import service
from vsb.mbes import load_mbes
from vsb.serve.certs import write_test_pki

ROOT = Path(__file__).resolve().parent.parent
SUITE = [
    "-m",
    "pytest",
    "-c",
    "conformance/suite/pytest.ini",
    "--rootdir",
    "conformance/suite",
    "-p",
    "conformance.plugin",
    "conformance/suite",
    "-q",
]


@dataclass(frozen=True)
class Run:
    """One run of the suite: process and suite seconds, scenarios run and failed."""

    wall: float
    suite: float
    scenarios: int
    failed: int


def run_suite(options: list[str], report: Path) -> Run:
    """Run the whole suite once in a fresh interpreter with `options`."""
    command = [sys.executable, *SUITE, "--vsb-report", str(report), *options]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - started
    results_file = report / "results.json"
    if not results_file.is_file():
        raise RuntimeError(f"the suite did not run:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    results = json.loads(results_file.read_text())
    scenarios = results["scenarios"]
    failed = sum(1 for s in scenarios if s["status"] != "passed")
    return Run(wall, float(results["seconds"]), len(scenarios), failed)


def _row(mode: str, runs: list[Run]) -> None:
    walls = [r.wall for r in runs]
    suites = [r.suite for r in runs]
    scenarios = runs[-1].scenarios
    median_suite = statistics.median(suites)
    rate = scenarios / median_suite if median_suite else 0.0
    failed = max(r.failed for r in runs)
    note = f"  ({failed} not passed)" if failed else ""
    print(
        f"{mode:<12}{len(runs):>5}{scenarios:>10}"
        f"{statistics.median(walls):>10.2f}{min(walls):>7.2f}{max(walls):>7.2f}"
        f"{median_suite:>11.2f}{min(suites):>7.2f}{max(suites):>7.2f}"
        f"{rate:>13.1f}{note}"
    )


def measure(mode: str, options: list[str], count: int, folder: Path) -> list[Run]:
    """`count` runs of the suite (after one warm-up run that fills the OS and .pyc caches)."""
    run_suite(options, folder / f"{mode}-warm-up")
    return [run_suite(options, folder / f"{mode}-{i}") for i in range(count)]


def main(argv: list[str] | None = None) -> None:
    """Print the suite's wall and own seconds (median, min, max) and scenarios per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="runs per mode (default 5)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_test_pki(
            folder, [(m.hco, m.name) for m in load_mbes(ROOT / "fixtures" / "mbes.toml")]
        )
        print(
            "conformance suite, seconds; a fresh interpreter per run (after one warm-up): "
            "wall = the pytest process, suite = configure to session end"
        )
        header = f"{'mode':<12}{'runs':>5}{'scenarios':>10}"
        header += f"{'wall med':>10}{'min':>7}{'max':>7}{'suite med':>11}{'min':>7}{'max':>7}"
        print(f"{header}{'scenarios/s':>13}")
        _row("in-process", measure("in-process", [], args.runs, folder))
        with service(folder) as url:
            options = ["--vsb-url", url, "--vsb-ca", str(folder / "ca")]
            _row("http", measure("http", options, args.runs, folder))


if __name__ == "__main__":
    main()
