"""The pytest plugin of the suite: options, the system under test, and the run's record.

It keeps, per scenario, its feature, rule, tags and steps, and per step the exchanges with the
system under test and the breach that failed it; `results.json` in the report folder holds it
all, and the reports are written from that file.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformance.adapters.base import CentralUnderTest, Exchange, TargetUnavailable
from conformance.adapters.inprocess import InProcessCentral, reference_factory
from conformance.mbe.harness import HarnessCentral
from conformance.verdicts import Breach

RESULTS = "results.json"
REFERENCE_CLIENT = "conformance.mbe.reference_client:ReferenceMbeSoftware"
"""The driver of the reference MBE client: what direction 2 certifies unless told otherwise."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vsb", "VSB conformance")
    group.addoption("--vsb-url", default=None, help="base URL of the central application")
    group.addoption("--vsb-ca", default=None, help="test CA stem (ca.pem + ca.key)")
    group.addoption("--vsb-cert-dir", default=None, help="folder of client certificates")
    group.addoption("--vsb-audience", default="vsb-central", help="client assertion audience")
    group.addoption("--vsb-timeout", type=float, default=10.0, help="seconds per HTTP call")
    group.addoption("--vsb-app", default=None, help="MODULE:FACTORY of an in-process candidate")
    group.addoption("--vsb-driver", default=None, help="MODULE:CLASS of MBE software's driver")
    group.addoption("--vsb-driver-url", default=None, help="URL of MBE software's HTTP driver")
    group.addoption("--vsb-manual", action="store_true", help="a person drives the MBE software")
    group.addoption("--vsb-wait", type=float, default=30.0, help="seconds to wait for a message")
    group.addoption("--vsb-report", default=None, help="folder for results.json")
    group.addoption("--vsb-progress", action="store_true", help="one line per scenario")


def load_factory(spec: str, flag: str = "--app") -> Any:
    """The callable named by MODULE:FACTORY.

    Raises:
        ValueError: the spec is malformed, or the module or the callable cannot be found.
    """
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"{flag} {spec!r}: expected MODULE:NAME, e.g. mypkg.central:make")
    if os.getcwd() not in sys.path:  # a candidate's module is importable from where we run
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"{flag} {spec!r}: cannot import {module_name} ({exc})") from None
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise ValueError(f"{flag} {spec!r}: {module_name} has no callable {attribute}")
    return factory


def make_central(config: pytest.Config) -> CentralUnderTest:
    """The system under test the options name: HTTP at --vsb-url, else in-process."""
    url = config.getoption("--vsb-url")
    if url:
        from conformance.adapters.http import HttpCentral

        return HttpCentral(
            url,
            ca=config.getoption("--vsb-ca"),
            cert_dir=config.getoption("--vsb-cert-dir"),
            audience=config.getoption("--vsb-audience"),
            timeout=config.getoption("--vsb-timeout"),
        )
    spec = config.getoption("--vsb-app")
    if spec:
        return InProcessCentral(load_factory(spec), target=f"in-process {spec}")
    return InProcessCentral(reference_factory, target="in-process reference application")


def make_driver_factory(config: pytest.Config) -> Any:
    """How to start the MBE software under test: a driver class, an HTTP driver or a person;
    the reference MBE client when none is named."""
    url = config.getoption("--vsb-driver-url")
    if url:
        from conformance.mbe.http_driver import HttpDriver

        timeout, wait = config.getoption("--vsb-timeout"), config.getoption("--vsb-wait")
        return lambda: HttpDriver(url, timeout=timeout, wait=wait)
    if config.getoption("--vsb-manual"):
        from conformance.mbe.manual import ManualDriver

        wait = config.getoption("--vsb-wait")
        return lambda: ManualDriver(wait=wait)
    spec = config.getoption("--vsb-driver") or REFERENCE_CLIENT
    return load_factory(spec, "--driver")


def serves_harness(config: pytest.Config) -> bool:
    """Whether the MBE software reaches the harness over HTTP rather than in process: a driver
    at a URL, a person, or a driver class that acts asynchronously (its `wait` > 0)."""
    if config.getoption("--vsb-driver-url") or config.getoption("--vsb-manual"):
        return True
    spec = config.getoption("--vsb-driver")
    return bool(spec) and float(getattr(load_factory(spec, "--driver"), "wait", 0) or 0) > 0


def make_harness(config: pytest.Config) -> HarnessCentral:
    """The central application the harness plays for MBE software: served on loopback with
    the identity rules of `vsb serve` when the software is outside this process (see
    `serves_harness`), else in process."""
    if serves_harness(config):
        from conformance.mbe.served import ServedHarness

        return ServedHarness()
    return HarnessCentral()


# -- the record ------------------------------------------------------------------------------


@dataclass
class StepRecord:
    """One step as it ran: its text, status, exchanges and, on failure, the breach."""

    keyword: str
    text: str
    status: str = "skipped"
    seconds: float = 0.0
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    docstring: str | None = None
    datatable: list[list[str]] | None = None


@dataclass
class ScenarioRecord:
    """One scenario (or one example of an outline) as it ran."""

    nodeid: str
    feature: str
    feature_file: str
    rule: str
    requirements: list[str]
    tags: list[str]
    name: str
    line: int
    status: str = "skipped"
    seconds: float = 0.0
    steps: list[StepRecord] = field(default_factory=list)
    error: dict[str, Any] | None = None


def _exchange(exchange: Exchange) -> dict[str, Any]:
    return {
        "actor": exchange.actor,
        "action": exchange.action,
        "sent": exchange.sent,
        "status": exchange.reply.status,
        "received": exchange.reply.body,
    }


def _error(exception: BaseException) -> dict[str, Any]:
    if isinstance(exception, Breach):
        return {
            "kind": "breach",
            "requirement": exception.requirement,
            "pointer": exception.pointer,
            "expected": exception.expected,
            "got": exception.got,
            "message": str(exception),
        }
    kind = "unavailable" if isinstance(exception, TargetUnavailable) else "error"
    if isinstance(exception, AssertionError):
        kind = "setup" if type(exception).__name__ == "SetupFailed" else "assertion"
    return {"kind": kind, "message": f"{type(exception).__name__}: {exception}"}


class Recorder:
    """Collects the record of every scenario from pytest-bdd's hooks."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.scenarios: list[ScenarioRecord] = []
        self.current: dict[str, ScenarioRecord] = {}
        self.marks: dict[int, tuple[int, float]] = {}
        self.started = time.time()
        self.total = 0

    # pytest-bdd hooks ------------------------------------------------------------------------

    @pytest.hookimpl
    def pytest_bdd_before_scenario(self, request: Any, feature: Any, scenario: Any) -> None:
        rule = scenario.rule
        rule_tags = sorted(rule.tags) if rule is not None else []
        tags = sorted(set(scenario.tags) | set(feature.tags) | set(rule_tags))
        record = ScenarioRecord(
            nodeid=request.node.nodeid,
            feature=feature.name,
            feature_file=Path(feature.filename).name,
            rule=rule.name if rule is not None else "",
            requirements=[t for t in tags if t.startswith("REQ-")],
            tags=tags,
            name=scenario.name,
            line=scenario.line_number,
            steps=[
                StepRecord(
                    s.keyword.strip(),
                    s.name,
                    docstring=s.docstring,
                    datatable=s.datatable.raw() if s.datatable else None,
                )
                for s in scenario.steps
            ],
        )
        self.current[request.node.nodeid] = record

    def _step(self, request: Any, step: Any) -> StepRecord | None:
        record = self.current.get(request.node.nodeid)
        if record is None:
            return None
        for candidate in record.steps:
            if candidate.text == step.name and candidate.status == "skipped":
                return candidate
        return None

    def _central(self, request: Any) -> CentralUnderTest | None:
        """The system the scenario talks to, through its world (either direction)."""
        try:
            world = request.getfixturevalue("world")
        except pytest.FixtureLookupError:
            return None
        central: CentralUnderTest = world.central
        return central

    @pytest.hookimpl
    def pytest_bdd_before_step(
        self, request: Any, feature: Any, scenario: Any, step: Any, step_func: Any
    ) -> None:
        central = self._central(request)
        mark = central.transcript.mark() if central else 0
        self.marks[id(step)] = (mark, time.perf_counter())

    def _finish(self, request: Any, step: Any, status: str, error: BaseException | None) -> None:
        record = self._step(request, step)
        central = self._central(request)
        mark, started = self.marks.pop(id(step), (0, time.perf_counter()))
        if record is None:
            return
        record.status = status
        record.seconds = time.perf_counter() - started
        if central is not None:
            record.exchanges = [_exchange(e) for e in central.transcript.since(mark)]
        if error is not None:
            record.error = _error(error)

    @pytest.hookimpl
    def pytest_bdd_after_step(
        self,
        request: Any,
        feature: Any,
        scenario: Any,
        step: Any,
        step_func: Any,
        step_func_args: Any,
    ) -> None:
        self._finish(request, step, "passed", None)

    @pytest.hookimpl
    def pytest_bdd_step_error(
        self,
        request: Any,
        feature: Any,
        scenario: Any,
        step: Any,
        step_func: Any,
        step_func_args: Any,
        exception: BaseException,
    ) -> None:
        self._finish(request, step, "failed", exception)

    @pytest.hookimpl
    def pytest_bdd_step_func_lookup_error(
        self, request: Any, feature: Any, scenario: Any, step: Any, exception: BaseException
    ) -> None:
        record = self._step(request, step)
        if record is not None:
            record.status = "undefined"
            record.error = {"kind": "undefined", "message": f"no step definition: {step.name}"}

    # pytest hooks ----------------------------------------------------------------------------

    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)  # after the selection (-m) deselected the rest

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = self.current.get(report.nodeid)
        if record is None:
            return
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            record.status = {"passed": "passed", "failed": "failed"}.get(report.outcome, "skipped")
            record.seconds += report.duration
            if report.outcome == "failed" and record.error is None:
                failed = next((s for s in record.steps if s.error), None)
                record.error = (
                    failed.error
                    if failed
                    else {
                        "kind": "error",
                        "message": str(report.longrepr).splitlines()[-1] if report.longrepr else "",
                    }
                )
        if report.when == "teardown":
            self.scenarios.append(self.current.pop(report.nodeid))
            self._progress(record)

    def _progress(self, record: ScenarioRecord) -> None:
        if not self.config.getoption("--vsb-progress"):
            return
        word = {"passed": "PASS", "failed": "FAIL"}.get(record.status, "SKIP")
        tags = " ".join(record.requirements)
        done = len(self.scenarios)
        line = f"[{done:>3}/{self.total}] {word}  {tags}  {record.name}"
        if record.status == "failed" and record.error:
            line += f"\n          {record.error.get('message', '')}"
        print(line, file=sys.stderr, flush=True)

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        folder = self.config.getoption("--vsb-report")
        if not folder:
            return
        path = Path(folder) / RESULTS
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "started": self.started,
            "seconds": time.time() - self.started,
            "scenarios": [asdict(s) for s in self.scenarios],
        }
        path.write_text(json.dumps(document, indent=1, default=str, ensure_ascii=False), "utf-8")


def pytest_configure(config: pytest.Config) -> None:
    from vsb.catalogue import load_catalogue

    for requirement in load_catalogue().requirements:
        config.addinivalue_line("markers", f"{requirement.id}: {requirement.text[:60]}")
    config.addinivalue_line("markers", "mbe: a scenario certifying MBE software (direction 2)")
    config.pluginmanager.register(Recorder(config), "vsb-recorder")
