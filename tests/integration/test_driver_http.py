"""The HTTP driver interface end to end: MBE software in another process, behind
`python -m conformance.mbe.driver_server`, driven by `HttpDriver`, reaching the harness's
central application served on loopback (`ServedHarness`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from conformance.adapters.base import CentralUnderTest
from conformance.mbe.driver import Contact, DriverError, Medical, Patient, Start, StopReport
from conformance.mbe.driver_server import create_driver_app
from conformance.mbe.http_driver import HttpDriver
from conformance.mbe.served import LOCKED, LoopbackServer, ServedHarness
from conformance.runner import CannotStart, CertifyOptions, check
from conformance.world import World
from tests.integration.conftest import ROOT
from tests.integration.remote_software import LOG_ENV, plain
from tests.integration.test_faulty_variants import CERTIFY
from vsb.catalogue import load_catalogue

MINIMAL = "tests.integration.remote_software:MinimalMbeSoftware"
REFERENCE = "conformance.mbe.reference_client:ReferenceMbeSoftware"
HCO = "76310195930"
DAY = dt.date(2024, 3, 4)
MEDICAL = Medical("Dr. Jan Claes", "11234578003", "onco-lung", "gp", "home-with-family")
STOP = StopReport(DAY, "death", "home", None, (("home-visit", 4),), (("gp", "consultation", 2),))


class DriverProcess:
    """`python -m conformance.mbe.driver_server SPEC --port 0`, its address read from stdout."""

    def __init__(self, spec: str, log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        with log.open("ab") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "conformance.mbe.driver_server", spec, "--port", "0"],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=sink,
                env={**os.environ, **(env or {})},
            )
        self.url = self._address()

    def _address(self) -> str:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline().decode() if ready else ""
        if not line.startswith("listening on http://"):
            self.stop()
            raise AssertionError(f"no address on stdout ({line!r}):\n{self.log.read_text()}")
        return line.split()[-1]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def harness() -> Iterator[ServedHarness]:
    served = ServedHarness()
    yield served
    served.close()


@pytest.fixture
def world(harness: ServedHarness) -> World:
    """A scenario on the served harness: MBE A recognised, An affiliated with zorgkas 180."""
    harness.reset()
    scenario = World(harness)
    scenario.introduce_mbe("A", HCO, cot=True)
    scenario.affiliate("An", 180, dt.date(2023, 1, 1))
    scenario.at(DAY)  # also loads the registry before the software acts
    return scenario


@pytest.fixture
def minimal(tmp_path: Path) -> Iterator[tuple[DriverProcess, Path]]:
    actions = tmp_path / "actions.jsonl"
    process = DriverProcess(MINIMAL, tmp_path / "driver.log", {LOG_ENV: str(actions)})
    yield process, actions
    process.stop()


def _start(world: World) -> Start:
    return Start(world.insz("An"), DAY, MEDICAL, Contact("An Peeters", "+32 9 123 45 67"))


def test_every_action_crosses_the_interface_with_its_values(
    world: World, harness: ServedHarness, minimal: tuple[DriverProcess, Path]
) -> None:
    process, actions = minimal
    insz, start = world.insz("An"), _start(world)
    driver = HttpDriver(process.url)
    driver.open(harness.session(HCO))
    driver.set_clock(dt.datetime(2024, 3, 4, 9, 0))
    driver.register_patient(Patient(insz, "An", "Conformance"))
    driver.start_begeleiding(start)
    driver.change_contact(insz, Contact("Piet Janssens"))
    driver.stop(insz, STOP)
    driver.read_feed()
    driver.run_monthly_billing()
    assert driver.billed_to_health_insurer() == [insz]
    driver.close()
    lines = [json.loads(line) for line in actions.read_text("utf-8").splitlines()]
    expected: list[tuple[str, list[Any]]] = [
        ("open", [HCO, harness.url, "vsb-central"]),
        ("set_clock", ["2024-03-04T09:00:00"]),
        ("register_patient", [plain(Patient(insz, "An", "Conformance"))]),
        ("start_begeleiding", [plain(start)]),
        ("change_contact", [insz, plain(Contact("Piet Janssens"))]),
        ("stop", [insz, plain(STOP)]),
        ("read_feed", []),
        ("run_monthly_billing", []),
        ("billed_to_health_insurer", []),
        ("close", []),
    ]
    assert [(line["action"], line["args"]) for line in lines] == expected


def test_the_served_harness_records_what_the_remote_software_sent(
    world: World, harness: ServedHarness, minimal: tuple[DriverProcess, Path]
) -> None:
    mark = harness.transcript.mark()
    driver = HttpDriver(minimal[0].url)
    driver.open(harness.session(HCO))
    driver.start_begeleiding(_start(world))
    driver.close()
    (record,) = harness.records(HCO, "request")
    assert record.message["insz"] == world.insz("An")
    assert record.answer["outcome"] == "accepted", record.answer
    heard = [e for e in harness.transcript.since(mark) if e.actor == f"MBE software {HCO}"]
    assert [(e.action, e.reply.status) for e in heard] == [("sent request", 200)]


def test_a_driver_error_comes_back_as_driver_error_naming_the_action(
    world: World, harness: ServedHarness, minimal: tuple[DriverProcess, Path]
) -> None:
    driver = HttpDriver(minimal[0].url)
    driver.open(harness.session(HCO))
    insz = world.insz("An")
    with pytest.raises(DriverError, match=r"/cancel answered 409: cancel: .*cannot cancel"):
        driver.cancel(insz)
    with pytest.raises(DriverError, match=r"answered 500: change_accident_code: .*ValueError"):
        driver.change_accident_code(insz, "work")
    driver.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_driver_url_fails_fast(harness: ServedHarness, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    began = time.monotonic()
    with pytest.raises(DriverError, match="ConnectError"):
        HttpDriver(url).open(harness.session(HCO))
    options = CertifyOptions(report=tmp_path, direction="mbe", driver_url=url)
    with pytest.raises(CannotStart, match="driver unreachable"):
        check(options, load_catalogue())
    assert time.monotonic() - began < 5


def test_a_message_the_service_refuses_is_recorded_with_its_problem(
    world: World, harness: ServedHarness
) -> None:
    message = {"kind": "request", "messageId": "bad-1", "mbe": HCO}
    response = httpx.post(f"{harness.url}/v1/requests", json=message, timeout=10)
    assert response.status_code == 401
    (record,) = harness.records(HCO, "request")
    assert record.message == message
    assert record.answer["status"] == 401
    assert harness.transcript.exchanges[-1].reply.status == 401


def test_every_adapter_call_that_reaches_the_application_waits_for_the_service() -> None:
    calls = {n for n in dir(CentralUnderTest) if not n.startswith("_")} - {"reset", "close"}
    assert calls - {"load_mbes"} <= set(LOCKED)


def _has_mbe_scenarios() -> bool:
    return any("@mbe" in path.read_text("utf-8") for path in (ROOT / "features").glob("*.feature"))


needs_reference = pytest.mark.skipif(
    not (ROOT / "conformance" / "mbe" / "reference_client.py").is_file(),
    reason="conformance/mbe/reference_client.py (ReferenceMbeSoftware) is not written yet",
)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DriverProcess]:
    """The README's example: the reference MBE client behind the driver server, a process."""
    process = DriverProcess(REFERENCE, tmp_path_factory.mktemp("reference") / "driver.log")
    yield process
    process.stop()


@needs_reference
def test_the_reference_client_in_another_process_requests_through_the_served_harness(
    reference: DriverProcess, world: World, harness: ServedHarness
) -> None:
    info = httpx.get(f"{reference.url}/driver", timeout=10).json()
    assert info["contract"] == "vsb-mbe-driver/1"
    driver = HttpDriver(reference.url)
    driver.open(harness.session(HCO))
    driver.set_clock(dt.datetime(2024, 3, 4, 9, 0))
    driver.register_patient(Patient(world.insz("An"), "An", "Conformance"))
    driver.start_begeleiding(_start(world))
    driver.close()
    (request,) = harness.records(HCO, "request")
    assert request.answer["outcome"] == "accepted", request.answer


@needs_reference
@pytest.mark.slow
@pytest.mark.skipif(not _has_mbe_scenarios(), reason="no @mbe scenario in features/ yet")
def test_vsb_certify_mbe_passes_the_reference_client_over_http(
    reference: DriverProcess, tmp_path: Path
) -> None:
    options = ["--driver-url", reference.url, "--quiet", "--report", str(tmp_path)]
    run = subprocess.run(
        [*CERTIFY, "certify", "mbe", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "CONFORMANT" in run.stdout
    results = json.loads((tmp_path / "results.json").read_text("utf-8"))
    heard = [
        e
        for scenario in results["scenarios"]
        for step in scenario["steps"]
        for e in step["exchanges"]
        if e["actor"].startswith("MBE software")
    ]
    assert heard, "the transcript holds no message of the software"


class QuietSoftware:
    """A driver that does nothing, so that only the interface itself is under test."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args: [] if name == "billed_to_health_insurer" else None


def test_the_driver_server_honours_its_openapi_document(tmp_path: Path) -> None:
    document = json.loads((ROOT / "docs" / "driver-openapi.json").read_text("utf-8"))
    server = LoopbackServer(create_driver_app(QuietSoftware, "quiet", "1"))
    try:
        httpx.post(f"{server.url}/driver/open", json=_open_body(), timeout=10).raise_for_status()
        failures = []
        operations = [r.ok() for r in schemathesis.openapi.from_dict(document).get_all_operations()]
        for operation in operations:
            if operation.path == "/driver/close":
                continue  # it would close the software the other operations need open

            @given(case=operation.as_strategy())
            @settings(
                max_examples=15,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def run(case: Any) -> None:
                case.call_and_validate(base_url=server.url)

            try:
                run()
            except Exception as exc:
                failures.append(f"{operation.label}: {exc}")
        assert len(operations) == 13
        assert not failures, "\n\n".join(failures)
    finally:
        server.stop()


def _open_body() -> dict[str, Any]:
    return {
        "hco": HCO,
        "centralUrl": None,
        "certificatePem": None,
        "keyPem": None,
        "audience": "vsb-central",
    }
