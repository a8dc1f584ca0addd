"""The conformance suite over HTTP: the whole suite against `vsb serve --test-control`, and the
HTTP adapter's own behaviour (round trips, identities, an unreachable or silent target)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conformance.adapters.base import TargetUnavailable
from conformance.adapters.http import HttpCentral
from tests.integration.conftest import MBE, ROOT, LiveServer, status_query
from vsb.mbes import Mbe
from vsb.membership import Affiliation, Person, RegistrySnapshot

INSZ = "48031402205"
NEW_MBE = "76319999930"


def _person(insz: str = INSZ) -> Person:
    return Person(
        insz=insz,
        last_name="Peeters",
        first_name="An",
        birth_date=dt.date(1948, 3, 14),
        sex="F",
        region="flanders",
        postal_code="9000",
        health_insurer=100,
        death_date=None,
        cannot_affiliate=None,
        foreign_insured=False,
        increased_allowance_years=frozenset(),
        vzv25_years=frozenset(),
    )


REGISTRY = RegistrySnapshot(
    (_person(),), (Affiliation(INSZ, 180, "official", dt.date(2024, 1, 1), None),)
)


@pytest.fixture
def central(server: LiveServer, pki: Path) -> Iterator[HttpCentral]:
    """The HTTP adapter on the live server: certificates of the PKI, the CA for the rest."""
    adapter = HttpCentral(server.url, ca=str(pki / "ca"), cert_dir=str(pki), timeout=10)
    yield adapter
    adapter.close()


def test_the_whole_suite_passes_over_http(server: LiveServer, pki: Path, tmp_path: Path) -> None:
    report = tmp_path / "report"
    command = [
        sys.executable,
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
        "--vsb-url",
        server.url,
        "--vsb-ca",
        str(pki / "ca"),
        "--vsb-report",
        str(report),
    ]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    results = json.loads((report / "results.json").read_text())["scenarios"]
    failed = [
        f"{s['feature_file']}: {s['name']}: {(s['error'] or {}).get('message')}"
        for s in results
        if s["status"] != "passed"
    ]
    assert run.returncode == 0, "\n".join(failed) or run.stdout[-3000:] + run.stderr[-3000:]
    assert results and not failed


def test_an_unreachable_target_is_unavailable_at_once(pki: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = HttpCentral(f"http://127.0.0.1:{port}", ca=str(pki / "ca"), cert_dir=None)
    started = time.monotonic()
    with pytest.raises(TargetUnavailable, match=rf"127\.0\.0\.1:{port}/test/reset.*Connect"):
        adapter.reset()
    with pytest.raises(TargetUnavailable, match="Connect"):
        adapter.send(MBE, status_query(INSZ, "q-1"))
    assert time.monotonic() - started < 3
    adapter.close()


def test_a_silent_target_times_out(pki: Path) -> None:
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        adapter = HttpCentral(url, ca=str(pki / "ca.pem"), cert_dir=None, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(TargetUnavailable, match=r"no answer within 0\.5 s"):
            adapter.set_clock(dt.datetime(2024, 3, 10, 9))
        assert time.monotonic() - started < 3
        adapter.close()


def test_setup_and_messages_round_trip(central: HttpCentral, server: LiveServer) -> None:
    central.reset()
    central.set_clock(dt.datetime(2024, 3, 10, 9))
    clock = server.client.get("/test/clock").json()["now"]
    assert clock == "2024-03-10T09:00:00+01:00"
    central.load_registry(REGISTRY)
    central.load_mbes([Mbe(MBE, "MBE Gent", "Netwerk Gent", "", 1, True)])
    reply = central.send(MBE, status_query(INSZ, "q-1"))
    assert reply.status == 200
    assert (reply.body["status"], reply.body["zorgkas"]) == ("affiliated", 180)
    actions = [(e.actor, e.action) for e in central.transcript.exchanges]
    assert actions == [
        ("harness", "reset"),
        ("harness", "set clock"),
        (f"MBE {MBE}", "send insurance-status-query"),
    ]
    assert central.transcript.exchanges[-1].sent["messageId"] == "q-1"


def test_reset_empties_the_registry_and_the_mbes(central: HttpCentral) -> None:
    central.reset()
    reply = central.send(MBE, status_query(INSZ, "q-1"))
    assert (reply.status, reply.body["requirement"]) == (403, "REQ-MBE-KNOWN")


def test_problems_are_replies_not_errors(central: HttpCentral) -> None:
    central.reset()
    central.load_mbes([Mbe(MBE, "MBE Gent", "", "", 1, True)])
    no_kind = central.send(MBE, {"messageId": "x-1", "mbe": MBE})
    assert no_kind.status == 422
    assert any(e["pointer"] == "/kind" for e in no_kind.body["errors"])
    assert central.transcript.exchanges[-1].action == "send message"
    # an MBE without a certificate in cert_dir gets one issued by the CA
    central.load_mbes([Mbe(NEW_MBE, "MBE Nieuw", "", "", 1, False)])
    no_cot = central.send(NEW_MBE, status_query(INSZ, "q-2", mbe=NEW_MBE))
    assert (no_cot.status, no_cot.body["requirement"]) == (403, "REQ-MBE-COT")
    other = central.decide(280, "s1", 1, "accepted", "")
    assert other.status == 404
    assert central.review_queue(180, "s9").body == {"items": []}  # s9: issued on the fly
    assert central.feed(MBE).body == {"items": [], "next": 0, "more": False}
    assert central.payment_orders(180, "s1").body == {"items": []}


def test_refused_test_data_is_unavailable_naming_the_endpoint(central: HttpCentral) -> None:
    orphan = RegistrySnapshot((), REGISTRY.affiliations)
    with pytest.raises(TargetUnavailable, match=r"PUT /test/registry answered HTTP 409"):
        central.load_registry(orphan)


def test_a_target_without_test_control_is_unavailable(
    serve: Callable[..., LiveServer], pki: Path
) -> None:
    plain = serve(test_control=False, start_clock=None)
    adapter = HttpCentral(plain.url, ca=str(pki / "ca"), cert_dir=str(pki))
    with pytest.raises(TargetUnavailable, match=r"POST /test/reset answered HTTP 404"):
        adapter.reset()
    adapter.close()


def test_without_certificates_or_ca_the_reason_names_the_options(server: LiveServer) -> None:
    adapter = HttpCentral(server.url, ca=None, cert_dir=None)
    with pytest.raises(TargetUnavailable, match=r"--cert-dir.*--ca"):
        adapter.send(MBE, status_query(INSZ, "q-1"))
    adapter.close()
