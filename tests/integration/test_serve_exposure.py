"""Test control behind its token, and `vsb serve` off loopback only when told in so many words."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from conformance.adapters.base import TargetUnavailable
from conformance.adapters.http import HttpCentral
from tests.integration.conftest import ROOT, LiveServer

TOKEN = "integration-test-control-token-42"
GOOD = {"Authorization": f"Bearer {TOKEN}"}
CONTROL = [
    ("GET", "/test/clock", None),
    ("PUT", "/test/clock", {"now": "2024-04-01T09:00:00+02:00"}),
    ("POST", "/test/reset", {"fixtures": True}),
    ("PUT", "/test/registry", {"persons": [], "affiliations": []}),
    (
        "POST",
        "/test/mbes",
        {"mbes": [{"hco": "76310195930", "name": "PHA", "cotDeclaration": True}]},
    ),
]


def _call(
    server: LiveServer, method: str, path: str, body: object, **headers: str
) -> httpx.Response:
    return server.client.request(method, path, json=body, headers=headers)


def test_every_test_control_call_needs_the_token_when_the_service_has_one(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(test_control_token=TOKEN)
    for method, path, body in CONTROL:
        for headers in (
            {},
            {"Authorization": "Bearer not-the-token-at-all"},
            {"Authorization": TOKEN},
        ):
            refused = _call(server, method, path, body, **headers)
            assert refused.status_code == 401, (method, path, headers)
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.headers["www-authenticate"].startswith("Bearer")
            assert refused.json()["errors"][0]["rule"] == "test-control-token"
        assert _call(server, method, path, body, **GOOD).status_code == 200, (method, path)


def test_a_refused_test_control_call_changes_nothing(serve: Callable[..., LiveServer]) -> None:
    server = serve(test_control_token=TOKEN)
    before = _call(server, "GET", "/test/clock", None, **GOOD).json()
    moved = _call(server, "PUT", "/test/clock", {"now": "2030-01-01T00:00:00+01:00"})
    assert moved.status_code == 401
    assert _call(server, "GET", "/test/clock", None, **GOOD).json() == before


def test_without_a_token_test_control_needs_no_header(serve: Callable[..., LiveServer]) -> None:
    server = serve()
    assert _call(server, "GET", "/test/clock", None).status_code == 200


def test_the_document_declares_the_token_and_its_401_only_when_there_is_one(
    serve: Callable[..., LiveServer],
) -> None:
    with_token = serve(test_control_token=TOKEN).client.get("/openapi.json").json()
    without = serve().client.get("/openapi.json").json()
    assert "testControlToken" in with_token["components"]["securitySchemes"]
    assert "testControlToken" not in without["components"]["securitySchemes"]
    for method, path, _ in CONTROL:
        declared = with_token["paths"][path][method.lower()]
        assert declared["security"] == [{"testControlToken": []}]
        assert "401" in declared["responses"]
        plain = without["paths"][path][method.lower()]
        assert plain["security"] == [] and "401" not in plain["responses"]


def test_a_wrong_method_on_the_clock_lists_both_of_its_methods(
    serve: Callable[..., LiveServer],
) -> None:
    answer = serve().client.request("DELETE", "/test/clock")
    assert answer.status_code == 405
    assert {"GET", "PUT"} <= {m.strip() for m in answer.headers["allow"].split(",")}


def _serve_process(tmp_path: Path, *flags: str) -> subprocess.Popen[bytes]:
    log = tmp_path / "serve.log"
    command = [
        *(sys.executable, "-m", "vsb.serve", "--db", str(tmp_path / "c.sqlite"), "--port", "0"),
        *("--insecure-dev-tokens", "--no-fixtures", *flags),
    ]
    with log.open("ab") as sink:
        return subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=sink)


def test_serve_refuses_test_control_on_all_addresses_without_the_flag(tmp_path: Path) -> None:
    process = _serve_process(tmp_path, "--host", "0.0.0.0", "--test-control")
    assert process.wait(30) == 2
    text = (tmp_path / "serve.log").read_text()
    assert "--i-know-this-is-exposed" in text and "listening" not in text


def test_serve_starts_on_all_addresses_with_the_flag(tmp_path: Path) -> None:
    process = _serve_process(
        tmp_path, "--host", "0.0.0.0", "--test-control", "--i-know-this-is-exposed"
    )
    try:
        deadline = time.monotonic() + 30
        log = tmp_path / "serve.log"
        while time.monotonic() < deadline and process.poll() is None:
            if re.search(r"listening on http://0\.0\.0\.0:\d+", log.read_text()):
                break
            time.sleep(0.1)
        assert re.search(r"listening on http://0\.0\.0\.0:\d+", log.read_text()), log.read_text()
    finally:
        process.terminate()
        process.wait(15)


def test_the_conformance_adapter_sends_the_token_from_the_environment(
    serve: Callable[..., LiveServer], pki: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(test_control_token=TOKEN)
    monkeypatch.delenv("VSB_TEST_CONTROL_TOKEN", raising=False)
    without = HttpCentral(server.url, ca=str(pki / "ca"), cert_dir=str(pki))
    with pytest.raises(TargetUnavailable, match="401"):
        without.set_clock(dt.datetime(2024, 4, 1, 9, 0))
    without.close()
    monkeypatch.setenv("VSB_TEST_CONTROL_TOKEN", TOKEN)
    adapter = HttpCentral(server.url, ca=str(pki / "ca"), cert_dir=str(pki))
    adapter.set_clock(dt.datetime(2024, 4, 1, 9, 0))
    adapter.close()
    assert _call(server, "GET", "/test/clock", None, **GOOD).json()["now"].startswith("2024-04-01")
