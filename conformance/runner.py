"""Run the suite against a central application and write the three reports.

The run is pytest with the suite's own configuration and the recorder plugin; this module
chooses what to run, checks that the run can start at all, and turns pytest's exit status
into the harness's: 0 every selected scenario passed, 1 a scenario failed, 2 the run could not
start (a bad option, an unreachable target, nothing selected).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.features import FEATURES_ENV, features_dir, suite_dir
from conformance.plugin import REFERENCE_CLIENT, RESULTS, load_factory
from conformance.report import RunMeta, write_html
from vsb.catalogue import Catalogue, load_catalogue
from vsb.rulebook import default_rulebook

JUNIT = "junit.xml"
CUCUMBER = "cucumber.json"
HTML = "report.html"
TRANSCRIPT = "transcript.jsonl"
SOFTWARE_ACTOR = "MBE software "
"""How the harness names the candidate in the transcript of direction 2."""


class CannotStart(RuntimeError):
    """The run cannot start; the message says what is wrong and how to fix it."""


@dataclass(frozen=True)
class CertifyOptions:
    """What `vsb certify central` or `vsb certify mbe` was asked to do."""

    report: Path
    direction: str = "central"
    driver: str | None = None
    driver_url: str | None = None
    manual: bool = False
    wait: float | None = None
    url: str | None = None
    ca: str | None = None
    cert_dir: str | None = None
    audience: str = "vsb-central"
    timeout: float = 10.0
    app: str | None = None
    tags: str | None = None
    requirements: Sequence[str] = field(default_factory=tuple)
    features: Path | None = None
    progress: bool = True


@dataclass(frozen=True)
class RunOutcome:
    """How the run ended and where its reports are."""

    exit_code: int
    passed: int
    failed: int
    skipped: int
    html: Path
    reason: str = ""


def suite_version() -> str:
    """The version of the harness that holds the suite."""
    try:
        return version("vsb-harness")
    except PackageNotFoundError:
        return "unknown"


def selection(options: CertifyOptions) -> str | None:
    """The pytest mark expression selecting the scenarios: tags and requirements, both."""
    parts = []
    if options.tags:
        parts.append(f"({options.tags})")
    if options.requirements:
        parts.append("(" + " or ".join(options.requirements) + ")")
    return " and ".join(parts) or None


def _direction_filter(options: CertifyOptions) -> str:
    return "mbe" if options.direction == "mbe" else "not mbe"


def check(options: CertifyOptions, catalogue: Catalogue) -> None:
    """Refuse a run that cannot start.

    Raises:
        CannotStart: an unknown requirement, a missing feature folder or CA, an app factory
            that cannot be loaded, an unwritable report folder, or an unreachable target.
    """
    unknown = [r for r in options.requirements if r not in catalogue]
    if unknown:
        raise CannotStart(
            f"--requirement {', '.join(unknown)}: not in the catalogue (see `vsb rules`)"
        )
    folder = options.features or features_dir()
    if not folder.is_dir() or not any(folder.glob("*.feature")):
        raise CannotStart(f"--features {folder}: no .feature files there")
    if options.url and options.app:
        raise CannotStart("--url and --app name two targets; give one")
    for flag, spec in (("--app", options.app), ("--driver", options.driver)):
        if spec:
            try:
                load_factory(spec, flag)
            except ValueError as exc:
                raise CannotStart(str(exc)) from None
    if options.app:
        check_app(options.app)
    chosen = [bool(options.driver), bool(options.driver_url), options.manual]
    if sum(chosen) > 1:
        raise CannotStart("--driver, --driver-url and --manual name different candidates; give one")
    _check_report(options.report)
    if options.driver_url:
        _check_driver(options.driver_url, options.timeout)
    if options.url:
        _check_ca(options)
        _check_reachable(options.url, options.timeout)


APPLICATION_CALLS = (
    "handle",
    "feed",
    "review_queue",
    "decide",
    "billing_queue",
    "decide_line",
    "unsigned_shipments",
    "sign",
    "payment_orders",
    "record_payment",
)
"""What `InProcessCentral` calls on the application an `--app` factory builds (as on
`vsb.engine.CentralApplication`), besides `STORE_CALLS` on its `store`."""
STORE_CALLS = ("load_registry", "load_mbes", "close")


def check_app(spec: str) -> None:
    """Build the application `--app` names once, as every scenario will, and look at it.

    Raises:
        CannotStart: the factory fails when called with a clock, or what it builds lacks a
            call of `APPLICATION_CALLS` or `STORE_CALLS` (it is not a central application).
    """
    from vsb.clock import FixedClock

    factory = load_factory(spec, "--app")
    try:
        app = factory(FixedClock(dt.date(2024, 1, 1)))
    except Exception as exc:
        raise CannotStart(
            f"--app {spec}: calling it with a clock failed ({type(exc).__name__}: {exc}); a "
            "factory takes a vsb.clock.FixedClock and returns a central application"
        ) from None
    store: Any = getattr(app, "store", None)
    missing = [name for name in APPLICATION_CALLS if not callable(getattr(app, name, None))]
    missing += [f"store.{name}" for name in STORE_CALLS if not callable(getattr(store, name, None))]
    if missing:
        raise CannotStart(
            f"--app {spec}: built a {type(app).__name__}, not a central application: it has no "
            f"{', '.join(missing)} (the calls of vsb.engine.CentralApplication the suite makes)"
        )
    store.close()


def _check_report(report: Path) -> None:
    try:
        report.mkdir(parents=True, exist_ok=True)
        probe = report / ".write-test"
        probe.write_text("", "utf-8")
        probe.unlink()
    except OSError as exc:
        raise CannotStart(f"--report {report}: cannot write there ({exc.strerror})") from None


def _check_ca(options: CertifyOptions) -> None:
    if options.ca is None and options.cert_dir is None:
        raise CannotStart(
            "--url needs identities: --ca CA (the test CA the target trusts, ca.pem with "
            "ca.key beside it) and/or --cert-dir DIR (certificates as `vsb certs` writes them)"
        )
    for flag, path in (("--ca", options.ca), ("--cert-dir", options.cert_dir)):
        if path is not None and not (Path(path).exists() or Path(f"{path}.pem").exists()):
            raise CannotStart(f"{flag} {path}: no such file or folder")


def _check_reachable(url: str, timeout: float) -> None:
    try:
        response = httpx.get(f"{url.rstrip('/')}/test/clock", timeout=min(timeout, 5.0))
    except httpx.HTTPError as exc:
        raise CannotStart(f"--url {url}: target unreachable ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise CannotStart(
            f"--url {url}: GET /test/clock answered {response.status_code}; the target needs "
            "test control (for the reference: vsb serve --test-control)"
        )


MANUAL_WAIT = 60.0
"""Seconds a person gets, by default, to make the software send what a step expects."""

DRIVER_WAIT = 5.0
"""Seconds, by default, a remote driver's software gets after its action returned (the
contract says it returns once the software has sent its messages: this is slack only)."""


def wait_for(options: CertifyOptions) -> float:
    """How long a step waits for a message the software should send."""
    if options.wait is not None:
        return options.wait
    return MANUAL_WAIT if options.manual else DRIVER_WAIT


def _check_driver(url: str, timeout: float) -> None:
    try:
        response = httpx.get(f"{url.rstrip('/')}/driver", timeout=min(timeout, 5.0))
    except httpx.HTTPError as exc:
        raise CannotStart(
            f"--driver-url {url}: driver unreachable ({type(exc).__name__})"
        ) from None
    if response.status_code != 200:
        raise CannotStart(
            f"--driver-url {url}: GET /driver answered {response.status_code}; the driver "
            "must implement docs/driver-openapi.json"
        )


def pytest_args(options: CertifyOptions) -> list[str]:
    """The pytest command line of the run."""
    suite = suite_dir()
    report = options.report
    args = [
        str(suite / "test_features.py"),
        "-c",
        str(suite / "pytest.ini"),
        "--rootdir",
        str(suite),
        "-p",
        "conformance.plugin",
        "-p",
        "no:terminal",
        f"--junitxml={report / JUNIT}",
        f"--cucumberjson={report / CUCUMBER}",
        f"--vsb-report={report}",
        f"--vsb-timeout={options.timeout}",
        f"--vsb-audience={options.audience}",
        "-o",
        f"junit_suite_name=vsb-conformance-{options.direction}",
    ]
    for flag, value in (
        ("--vsb-url", options.url),
        ("--vsb-ca", options.ca),
        ("--vsb-cert-dir", options.cert_dir),
        ("--vsb-app", options.app),
        ("--vsb-driver", options.driver),
        ("--vsb-driver-url", options.driver_url),
    ):
        if value:
            args.append(f"{flag}={value}")
    if options.manual:
        args += ["--vsb-manual", "-s"]  # a person reads the actions on the terminal
    args.append(f"--vsb-wait={wait_for(options)}")
    if options.progress:
        args.append("--vsb-progress")
    expression = selection(options)
    direction = _direction_filter(options)
    args += ["-m", f"({direction}) and ({expression})" if expression else direction]
    return args


def target_name(options: CertifyOptions) -> str:
    """What was certified, in words, for the reports."""
    if options.direction == "mbe":
        if options.driver_url:
            return f"MBE software driven at {options.driver_url}"
        if options.manual:
            return "MBE software driven by hand (manual run)"
        return f"MBE software, driver {options.driver or REFERENCE_CLIENT}"
    if options.url:
        return options.url
    return f"in-process {options.app}" if options.app else "in-process reference application"


def write_transcript(results: dict[str, Any], path: Path) -> int:
    """Everything the candidate MBE software sent, with the answer it got, one JSON line per
    message, in run order, with the scenario and step it belonged to. Returns the count."""
    lines = []
    for scenario in results["scenarios"]:
        for step in scenario["steps"]:
            for exchange in step["exchanges"]:
                if not str(exchange["actor"]).startswith(SOFTWARE_ACTOR):
                    continue
                entry = {
                    "scenario": scenario["name"],
                    "requirements": scenario["requirements"],
                    "step": f"{step['keyword']} {step['text']}",
                    **exchange,
                }
                lines.append(json.dumps(entry, ensure_ascii=False, default=str))
    path.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    return len(lines)


def run(options: CertifyOptions) -> RunOutcome:
    """Run the suite and write junit.xml, cucumber.json, results.json and report.html.

    Raises:
        CannotStart: see `check`; also when the selection matches no scenario.
    """
    catalogue = load_catalogue()
    check(options, catalogue)
    started = dt.datetime.now(dt.UTC).astimezone()
    if options.features is not None:
        os.environ[FEATURES_ENV] = str(options.features.resolve())
    status = pytest.main(pytest_args(options))
    if status == pytest.ExitCode.NO_TESTS_COLLECTED:
        chosen = selection(options) or "the whole suite"
        raise CannotStart(f"no {options.direction} scenario matches {chosen}")
    results_file = options.report / RESULTS
    if status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not (
        results_file.is_file()
    ):
        raise CannotStart(f"the suite could not run (pytest exit status {int(status)})")
    results: dict[str, Any] = json.loads(results_file.read_text("utf-8"))
    meta = RunMeta(
        suite_version=suite_version(),
        rulebook=default_rulebook().id,
        target=target_name(options),
        started=started.isoformat(timespec="seconds"),
        direction=options.direction,
        selection=selection(options) or "all",
    )
    html = write_html(results, meta, catalogue, options.report / HTML)
    if options.direction == "mbe":
        write_transcript(results, options.report / TRANSCRIPT)
    counts = {s: 0 for s in ("passed", "failed", "skipped")}
    for scenario in results["scenarios"]:
        counts[scenario["status"] if scenario["status"] in counts else "skipped"] += 1
    code = 1 if counts["failed"] or status == pytest.ExitCode.TESTS_FAILED else 0
    return RunOutcome(code, counts["passed"], counts["failed"], counts["skipped"], html)
