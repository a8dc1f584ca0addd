"""Live servers on loopback for the integration tests: a test PKI, a server factory, callers."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.adapters.control import registry_body as registry_body
from vsb.mbes import load_mbes
from vsb.serve.app import create_app
from vsb.serve.certs import ClientIdentity, write_test_pki
from vsb.serve.config import DEFAULT_AUDIENCE, ServeConfig
from vsb.serve.server import bind, uvicorn_server

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
MBE = "76310195930"
OTHER_MBE = "76310294930"
START = dt.datetime(2024, 3, 10, 9, 0)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A test CA with certificates for every fixture MBE and staff s1 of every zorgkas."""
    folder = tmp_path_factory.mktemp("pki")
    write_test_pki(folder, [(m.hco, m.name) for m in load_mbes(FIXTURES / "mbes.toml")])
    return folder


@dataclass
class Caller:
    """Someone calling the service: an identity (or none) and the base URL."""

    client: httpx.Client
    identity: ClientIdentity | None

    def headers(self) -> dict[str, str]:
        return self.identity.headers(DEFAULT_AUDIENCE) if self.identity else {}

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        if body is not None:
            kwargs["json"] = body
        return self.client.post(path, headers=headers, **kwargs)

    def put(self, path: str, body: Any) -> httpx.Response:
        return self.client.put(path, json=body, headers=self.headers())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, headers=self.headers(), **kwargs)


class LiveServer:
    """The service under uvicorn in a thread, on a free loopback port."""

    def __init__(self, config: ServeConfig, pki: Path) -> None:
        self.config = config
        self.pki = pki
        self.app = create_app(config)
        self.socket = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn_server(self.app, log_level="warning", access_log=False, config=config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            threading.Event().wait(0.01)
        assert self.server.started, "the server did not start"
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def caller(self, stem: str | None) -> Caller:
        """A caller with the certificate `<stem>` of the PKI (mbe-<hco>, staff-<kas>-s1)."""
        identity = ClientIdentity.load(self.pki / stem) if stem else None
        return Caller(self.client, identity)

    def mbe(self, hco: str = MBE) -> Caller:
        return self.caller(f"mbe-{hco}")

    def staff(self, zorgkas: int = 180) -> Caller:
        return self.caller(f"staff-{zorgkas}-s1")

    def stop(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(15)
        self.socket.close()


@pytest.fixture
def serve(pki: Path, tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start servers (stopped after the test); keyword arguments change the ServeConfig."""
    started: list[LiveServer] = []

    def start(**changes: Any) -> LiveServer:
        config = ServeConfig(
            db=str(tmp_path / f"central-{len(started)}.sqlite"),
            fixtures=FIXTURES,
            ca=pki / "ca.pem",
            test_control=True,
            start_clock=START,
        )
        server = LiveServer(replace(config, **changes), pki)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def server(serve: Callable[..., LiveServer]) -> LiveServer:
    """A server with test control, the fixtures and a clock on 2024-03-10."""
    return serve()


def request_message(
    insz: str, message_id: str, mbe: str = MBE, start: str = "2024-03-04"
) -> dict[str, Any]:
    """A correct request of type new."""
    return {
        "kind": "request",
        "messageId": message_id,
        "mbe": mbe,
        "insz": insz,
        "begeleiding": {
            "requestType": "new",
            "startDate": start,
            "contactPerson": {"name": "An Peeters", "phone": "+32 9 123 45 67"},
            "medical": {
                "gp": {"name": "Dr. Jan Claes", "riziv": "11234578003"},
                "diagnosis": "onco-lung",
                "referral": "gp",
                "origin": "home-with-family",
            },
            "accidentCode": "none",
        },
    }


def status_query(insz: str, message_id: str, mbe: str = MBE) -> dict[str, Any]:
    """An insurance-status query for 2024-03-04."""
    return {
        "kind": "insurance-status-query",
        "messageId": message_id,
        "mbe": mbe,
        "insz": insz,
        "date": "2024-03-04",
    }
