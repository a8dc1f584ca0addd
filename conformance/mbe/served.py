"""The harness's central application over HTTP, for MBE software outside this process.

When the software runs elsewhere (a driver at a URL) or a person drives it, it must reach the
central application the harness plays as it would reach the real one: over HTTP, with a
certificate bound to its HCO number and the identity rules of `vsb serve` (docs/serve.md).
`ServedHarness` is `HarnessCentral` with its recording application served on loopback:

- one `vsb.serve` application (`create_app`) for the whole run, with a test CA of its own in
  a private temporary folder and an in-memory store; every scenario reset empties that store
  and puts a fresh `RecordingApplication` on it, on the harness's clock, as the engine;
- `session(hco)` issues the MBE's certificate from that CA and gives the URL, so a driver's
  `open` carries everything the software needs;
- the steps keep using the adapter in process (Givens, staff decisions, what was sent), under
  the same lock as the service's engine calls, because both share one SQLite connection;
- every message the software sends lands in the recording and the transcript as in process:
  the engine records what it answers, and messages the service refuses itself (identity,
  schema) are recorded with the problem the software got (`refusals`).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from conformance.adapters.base import Reply
from conformance.mbe.driver import Session
from conformance.mbe.harness import HarnessCentral
from conformance.mbe.recording import Record, RecordingApplication
from conformance.mbe.refusals import RefusalRecorder
from vsb.clock import FixedClock
from vsb.mbes import Mbe
from vsb.serve.app import create_app
from vsb.serve.central import Central, Outcome
from vsb.serve.certs import issue, make_ca
from vsb.serve.config import ServeConfig
from vsb.serve.server import bind, uvicorn_server
from vsb.serve.snapshots import Entry

T = TypeVar("T")

START_TIMEOUT = 10.0
"""Seconds the server may take to start before we give up."""


class LoopbackServer:
    """Serves `app` at `url` until `stop`; port 0 (the default) picks a free one."""

    def __init__(self, app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0) -> None:
        self.socket = bind(host, port)
        self.url = f"http://{host}:{self.socket.getsockname()[1]}"
        self.server = uvicorn_server(app, log_level="warning", access_log=False)
        self.thread = threading.Thread(
            target=self.server.run,
            kwargs={"sockets": [self.socket]},
            name=f"loopback {self.url}",
            daemon=True,
        )
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self.server.started and self.thread.is_alive():
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        if not self.server.started:
            self.stop()
            raise RuntimeError(f"the server at {self.url} did not start")

    def stop(self) -> None:
        """Stop serving (the application's shutdown runs) and release the port."""
        self.server.should_exit = True
        self.thread.join(15)
        self.socket.close()


class HarnessServiceCentral(Central):
    """The service's `Central`, sharing the harness's lock, one message per transaction."""

    def __init__(self, config: ServeConfig, lock: threading.RLock) -> None:
        self.lock = lock
        super().__init__(config)

    def call(self, function: Callable[..., T], *args: object) -> T:
        """Run `function(*args)` under the harness's lock."""
        with self.lock:
            return function(*args)

    def _process(self, batch: list[Entry]) -> list[Outcome]:
        # No group commit: a batch that rolls back is processed again message by message,
        # and the recording (a list, not a table) would then hold its messages twice.
        return [self._alone(entry) for entry in batch]


class ServedHarness(HarnessCentral):
    """The recording reference application at `url`, for MBE software that calls it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.lock = threading.RLock()
        self.folder = Path(tempfile.mkdtemp(prefix="vsb-harness-"))
        self.ca = make_ca("vsb-harness test CA")
        self.ca.write(self.folder / "ca")
        self.config = ServeConfig(
            db=":memory:", fixtures=None, ca=self.folder / "ca.pem", durable=False
        )
        self.central = HarnessServiceCentral(self.config, self.lock)
        super().__init__()
        app = RefusalRecorder(create_app(self.config, self.central), self._refused)
        try:
            self.server = LoopbackServer(app, host, port)
        except Exception:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self.url = self.server.url
        self.target = f"harness (recording reference application) at {self.url}"

    def _make(self, clock: FixedClock) -> RecordingApplication:
        """A fresh recording application on the service's emptied store, as its engine."""
        with self.lock:
            self.central.clock = clock
            self.central.reset(fixtures=False)
            app = RecordingApplication(self.central.store, clock)
            app.listeners.append(self._heard)
            self.central.engine = app
            return app

    def reset(self) -> None:
        """Forget the last scenario: the same store, emptied, under a fresh application."""
        self.app = self._make(self.clock)
        self.transcript.add("harness", "reset", None, Reply(200, {"reset": True}))

    def load_mbes(self, mbes: Sequence[Mbe]) -> None:
        """Recognise MBEs; the service forgets whom it admitted before."""
        with self.lock:
            super().load_mbes(mbes)
            self.central.forget_admissions()

    def session(self, hco: str) -> Session:
        """The URL and the MBE's certificate and key (PEM files) for software of `hco`."""
        stem = self.folder / f"mbe-{hco}"
        with self.lock:
            if not stem.with_suffix(".key").is_file():
                issue(self.ca, hco, f"MBE {hco} (software under test)").write(stem)
        return Session(
            hco,
            url=self.url,
            certificate=str(stem.with_suffix(".pem")),
            key=str(stem.with_suffix(".key")),
            audience=self.config.audience,
        )

    def _refused(self, sender: str, message: Any, status: int, problem: dict[str, Any]) -> None:
        with self.lock:
            record = Record(self.clock.now().isoformat(), sender, message, problem)
            self.recording.records.append(record)
            self.transcript.add(
                f"MBE software {sender}",
                f"sent {record.kind} (refused by the service: {status})",
                message,
                Reply(status, problem),
            )

    def close(self) -> None:
        """Stop serving (which closes the store) and remove the certificates."""
        self.server.stop()
        self.central.close()
        shutil.rmtree(self.folder, ignore_errors=True)


LOCKED = (
    "set_clock",
    "load_registry",
    "send",
    "feed",
    "review_queue",
    "decide",
    "billing_queue",
    "decide_line",
    "unsigned_shipments",
    "sign",
    "payment_orders",
    "record_payment",
    "records",
)
"""The adapter calls that reach the application: they wait for the service's engine calls."""


def _locked(name: str) -> Callable[..., Any]:
    def method(self: ServedHarness, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return getattr(super(ServedHarness, self), name)(*args, **kwargs)

    method.__name__, method.__qualname__ = name, f"ServedHarness.{name}"
    method.__doc__ = f"`{name}` of the in-process adapter, under the harness's lock."
    return method


for _name in LOCKED:
    setattr(ServedHarness, _name, _locked(_name))
