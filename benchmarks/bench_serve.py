"""The HTTP service under load on loopback: requests per second and p50/p99 latency.

Starts `python -m vsb.serve` (SQLite file in WAL, synchronous=FULL, client assertions, test
control) in a subprocess and drives it from a thread pool of httpx clients, each request with
a fresh ES256 client assertion. Measures insurance-status queries (flat out, and paced at
500/s), requests for intervention, and one 1,000-invoice shipment.

Run: `.venv/bin/python -m benchmarks.bench_serve` (about 40 s). Goals: 2,000 requests/s on
2 cores; p99 under 20 ms at 500/s.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks._setup import forfait_shipment
from vsb.identifiers import make_riziv
from vsb.mbes import load_mbes
from vsb.serve.certs import ClientIdentity, write_test_pki
from vsb.serve.config import DEFAULT_AUDIENCE
from vsb.synthetic import synthetic_registry

ROOT = Path(__file__).resolve().parent.parent
MBE = "76310195930"
GP = make_riziv(12345, 3)
PATIENTS = 3000
START = dt.date(2024, 3, 1)


@contextmanager
def service(folder: Path, *options: str) -> Iterator[str]:
    """`vsb serve` on a free port (the rate limit off: one MBE drives all the load, with
    `options` added); yields its base URL."""
    log = folder / "serve.log"
    command = [
        sys.executable,
        "-m",
        "vsb.serve",
        "--db",
        str(folder / "central.sqlite"),
        "--ca",
        str(folder / "ca.pem"),
        "--port",
        "0",
        "--test-control",
        "--clock",
        "2024-03-10T09:00:00+01:00",
        "--no-access-log",
        "--log-level",
        "warning",
        "--rate-limit",
        "0",
        *options,
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=sink)
    try:
        yield _address(log, process)
    finally:
        process.terminate()
        process.wait(10)


def _address(log: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.search(r"listening on (http://[0-9.]+:\d+)", log.read_text())
        if found:
            url = found[1]
            for _ in range(100):
                try:
                    httpx.get(f"{url}/openapi.json", timeout=1)
                    return url
                except httpx.HTTPError:
                    time.sleep(0.05)
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.05)
    raise RuntimeError("vsb serve did not start")


def _registry_body(patients: int = PATIENTS) -> dict[str, Any]:
    snapshot = synthetic_registry(patients)
    return {
        "persons": [
            {
                "insz": p.insz,
                "lastName": p.last_name,
                "firstName": p.first_name,
                "sex": p.sex,
                "region": p.region,
            }
            for p in snapshot.persons
        ],
        "affiliations": [
            {
                "insz": a.insz,
                "zorgkas": a.zorgkas,
                "type": a.type,
                "start": a.start.isoformat(),
                "end": None,
            }
            for a in snapshot.affiliations
        ],
    }


def _request(insz: str, message_id: str) -> dict[str, Any]:
    return {
        "kind": "request",
        "messageId": message_id,
        "mbe": MBE,
        "insz": insz,
        "begeleiding": {
            "requestType": "new",
            "startDate": START.isoformat(),
            "contactPerson": {"name": "An Peeters"},
            "medical": {
                "gp": {"name": "Dr. Jan Claes", "riziv": GP},
                "diagnosis": "onco-lung",
                "referral": "gp",
                "origin": "home-with-family",
            },
            "accidentCode": "none",
        },
    }


def _query(insz: str, message_id: str) -> dict[str, Any]:
    return {
        "kind": "insurance-status-query",
        "messageId": message_id,
        "mbe": MBE,
        "insz": insz,
        "date": "2024-03-04",
    }


class Load:
    """A lean asyncio HTTP/1.1 load generator: keep-alive connections, prebuilt requests.

    Requests (with their client assertions) are built before the clock starts, so the figures
    measure the service, not the signing and HTTP overhead of a Python client that shares the
    two cores with it.
    """

    def __init__(self, url: str, identity: ClientIdentity, connections: int) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.identity, self.connections = identity, connections

    def build(self, path: str, body: dict[str, Any]) -> bytes:
        payload = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {self.identity.assertion(DEFAULT_AUDIENCE)}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        return head.encode() + payload

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
    ) -> tuple[float, dict[str, Any]]:
        started = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head)[1])  # type: ignore[index]
        body = await reader.readexactly(length)
        elapsed = time.perf_counter() - started
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"{head[:40]!r} {body[:200]!r}")
        return elapsed, json.loads(body)

    async def _run(self, requests: list[bytes], rate: float | None) -> list[float]:
        queue: asyncio.Queue[tuple[int, bytes]] = asyncio.Queue()
        latencies: list[float] = []
        origin = time.perf_counter()

        async def worker() -> None:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            while True:
                try:
                    index, request = queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                if rate is not None:
                    await asyncio.sleep(max(0.0, origin + index / rate - time.perf_counter()))
                latencies.append((await self._exchange(reader, writer, request))[0])
            writer.close()

        for item in enumerate(requests):
            queue.put_nowait(item)
        await asyncio.gather(*(worker() for _ in range(self.connections)))
        return latencies

    def flat_out(self, work: list[tuple[str, dict[str, Any]]]) -> tuple[float, list[float]]:
        """Send everything as fast as the connections go; (seconds, latencies)."""
        requests = [self.build(path, body) for path, body in work]
        started = time.perf_counter()
        latencies = asyncio.run(self._run(requests, None))
        return time.perf_counter() - started, latencies

    def paced(self, work: list[tuple[str, dict[str, Any]]], rate: float) -> list[float]:
        """Send at `rate` per second (each request at its scheduled moment); the latencies."""
        requests = [self.build(path, body) for path, body in work]
        return asyncio.run(self._run(requests, rate))

    def send(self, path: str, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        """One request on its own connection."""

        async def once() -> tuple[float, dict[str, Any]]:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(reader, writer, self.build(path, body))
            finally:
                writer.close()

        return asyncio.run(once())


def _row(name: str, count: int, seconds: float | None, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    rate = f"{count / seconds:>9,.0f}" if seconds else f"{'-':>9}"
    print(f"{name:<40}{count:>7,}{rate}{p50:>9.1f}{p99:>9.1f}")


def _measure(url: str, identity: ClientIdentity, patients: list[str]) -> None:
    load = Load(url, identity, connections=32)
    queries = [
        ("/v1/insurance-status", _query(patients[i % len(patients)], f"q-{i}")) for i in range(4000)
    ]
    load.flat_out(queries[:300])  # warm up connections and caches
    seconds, latencies = load.flat_out(queries[300:])
    _row("insurance-status, flat out (32 conns)", len(latencies), seconds, latencies)
    paced = [
        ("/v1/insurance-status", _query(patients[i % len(patients)], f"p-{i}")) for i in range(2500)
    ]
    _row("insurance-status, paced 500/s", len(paced), None, load.paced(paced, 500))
    requests = [("/v1/requests", _request(insz, f"r-{i}")) for i, insz in enumerate(patients)]
    seconds, latencies = load.flat_out(requests[:2000])
    _row("requests, flat out (32 conns)", 2000, seconds, latencies)
    _shipment(load, patients[:1000])


def _shipment(load: Load, patients: list[str]) -> None:
    references = []
    for i, insz in enumerate(patients):  # repeats: the same ids give the recorded answers
        answer = load.send("/v1/requests", _request(insz, f"r-{i}"))[1]
        references.append((insz, answer["vsbReference"]))
    shipment = forfait_shipment(references)
    elapsed, settlement = load.send("/v1/shipments", shipment)
    _row(f"shipment of 1,000 invoices ({settlement['status']})", 1, elapsed, [elapsed])


def main() -> None:
    """Print req/s and p50/p99 (ms) per scenario."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_test_pki(
            folder, [(m.hco, m.name) for m in load_mbes(ROOT / "fixtures" / "mbes.toml")]
        )
        identity = ClientIdentity.load(folder / f"mbe-{MBE}")
        body = _registry_body()
        with service(folder) as url:
            httpx.put(f"{url}/test/registry", json=body, timeout=60).raise_for_status()
            print(
                f"vsb serve on loopback, {os.cpu_count()} CPUs, SQLite WAL "
                "synchronous=FULL; client and server share the machine"
            )
            print(f"{'scenario':<40}{'n':>7}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
            _measure(url, identity, [p["insz"] for p in body["persons"]])


if __name__ == "__main__":
    main()
