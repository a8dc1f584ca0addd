"""`vsb serve` as a real process: durability across SIGKILL, INSZ-free logs, the CLI."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.integration.conftest import MBE, ROOT, request_message, status_query
from vsb.serve.certs import ClientIdentity
from vsb.serve.config import DEFAULT_AUDIENCE

INSZ = "48031402205"
PERSONS = ["48031402205", "52110202319", "60062102664", "44051805969", "90070706515"]


class Process:
    """`python -m vsb.serve` on a free port, its log in a file."""

    def __init__(self, db: Path, pki: Path, log: Path, *extra: str) -> None:
        self.log = log
        command = [
            sys.executable,
            "-m",
            "vsb.serve",
            "--db",
            str(db),
            "--ca",
            str(pki / "ca.pem"),
            "--port",
            "0",
            "--test-control",
            "--clock",
            "2024-03-10T09:00:00+01:00",
            *extra,
        ]
        with log.open("ab") as sink:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=sink)
        self.url = self._wait_for_address()

    def _wait_for_address(self) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            text = self.log.read_text(errors="replace")
            found = re.findall(r"listening on (https?://127\.0\.0\.1:\d+)", text)
            if found and "Application startup complete" in text.split(found[-1])[-1]:
                return found[-1]
            if self.process.poll() is not None:
                raise AssertionError(f"vsb serve exited:\n{text}")
            time.sleep(0.05)
        self.kill()
        raise AssertionError("vsb serve did not start in 20 s")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def _messages(count: int) -> list[dict[str, Any]]:
    messages = []
    for i in range(count):
        insz = PERSONS[i % len(PERSONS)]
        messages.append(
            request_message(insz, f"d-{i}") if i % 3 == 0 else status_query(insz, f"d-{i}")
        )
    return messages


def test_every_answered_message_survives_sigkill(pki: Path, tmp_path: Path) -> None:
    db, log = tmp_path / "central.sqlite", tmp_path / "serve.log"
    identity = ClientIdentity.load(pki / f"mbe-{MBE}")
    server = Process(db, pki, log, "--no-access-log")
    answered: list[tuple[dict[str, Any], dict[str, Any]]] = []
    enough = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            for message in _messages(5000):
                path = "/v1/requests" if message["kind"] == "request" else "/v1/insurance-status"
                try:
                    response = client.post(
                        path, json=message, headers=identity.headers(DEFAULT_AUDIENCE)
                    )
                except httpx.HTTPError:
                    return
                answered.append((message, response.json()))
                if len(answered) >= 150:
                    enough.set()

    sender = threading.Thread(target=load)
    try:
        sender.start()
        assert enough.wait(30), "the load did not get going"
        server.kill()
        sender.join(10)
    finally:
        server.kill()
    assert len(answered) >= 150
    again = Process(db, pki, tmp_path / "serve-again.log", "--no-access-log")
    try:
        with httpx.Client(base_url=again.url, timeout=5) as client:
            for message, answer in answered:
                path = "/v1/requests" if message["kind"] == "request" else "/v1/insurance-status"
                repeat = client.post(path, json=message, headers=identity.headers(DEFAULT_AUDIENCE))
                assert repeat.json() == answer, message["messageId"]
    finally:
        again.stop()


def test_logs_never_show_an_insz_unmasked(pki: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    server = Process(tmp_path / "c.sqlite", pki, log, "--log-level", "debug")
    identity = ClientIdentity.load(pki / f"mbe-{MBE}")
    try:
        with httpx.Client(base_url=server.url, timeout=5) as client:
            headers = identity.headers(DEFAULT_AUDIENCE)
            client.get(f"/v1/feed?patient={INSZ}", headers=headers)
            client.post(
                "/v1/insurance-status",
                json=status_query(INSZ, "m-1"),
                headers=identity.headers(DEFAULT_AUDIENCE),
            )
            client.get(f"/nowhere/{INSZ}")
    finally:
        server.stop()
    text = log.read_text()
    assert "access" in text and "/v1/feed" in text
    assert INSZ not in text
    assert f"{INSZ[:6]}*****" in text


def test_serve_help_explains_every_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vsb.serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    for option in (
        "--db",
        "--fixtures",
        "--ca",
        "--test-control",
        "--insecure-dev-tokens",
        "--max-body",
        "--tls-cert",
        "--tls-client-ca",
        "--clock",
        "--audience",
    ):
        assert option in result.stdout


def test_a_missing_ca_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vsb.serve", "--ca", str(tmp_path / "none.pem")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--ca" in result.stderr


def test_dev_token_mode_says_so_loudly(tmp_path: Path, pki: Path) -> None:
    log = tmp_path / "serve.log"
    server = Process(tmp_path / "c.sqlite", pki, log, "--insecure-dev-tokens")
    server.stop()
    assert "INSECURE DEV TOKENS ARE ON" in log.read_text()


def test_mutual_tls_admits_only_clients_with_a_ca_certificate(pki: Path, tmp_path: Path) -> None:
    server = Process(
        tmp_path / "c.sqlite",
        pki,
        tmp_path / "serve.log",
        "--tls-cert",
        str(pki / "server.pem"),
        "--tls-key",
        str(pki / "server.key"),
        "--tls-client-ca",
        str(pki / "ca.pem"),
    )
    identity = ClientIdentity.load(pki / f"mbe-{MBE}")
    try:
        assert server.url.startswith("https://")
        import ssl

        context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
        context.load_cert_chain(str(pki / f"mbe-{MBE}.pem"), str(pki / f"mbe-{MBE}.key"))
        with httpx.Client(base_url=server.url, verify=context, timeout=5) as client:
            response = client.get("/v1/feed", headers=identity.headers(DEFAULT_AUDIENCE))
            assert response.status_code == 200
        anonymous = ssl.create_default_context(cafile=str(pki / "ca.pem"))
        with httpx.Client(base_url=server.url, verify=anonymous, timeout=5) as client:
            try:
                client.get("/v1/feed", headers=identity.headers(DEFAULT_AUDIENCE))
                refused = False
            except httpx.HTTPError:
                refused = True
        assert refused
    finally:
        server.stop()
