"""One MBE's big shipment in flight, another MBE's insurance-status queries meanwhile.

Starts `python -m vsb.serve` (SQLite file in WAL, synchronous=FULL, client assertions) on
loopback, opens begeleidingen for one MBE, then sends its shipment of about 26 MB (10,000
invoices of 17 lines: schema-valid, refused as a whole by the 5 % threshold because a
begeleiding has one forfait, so every line is checked and the settlement lists 170,000
verdicts). While it is in flight a second MBE sends status queries at a steady rate (open
loop: each query leaves at its moment whatever the others are doing, so a stall shows in the
percentiles instead of thinning the sample). Prints the shipment's time and the queries' p50,
p90, p99 and max, and the same queries without a shipment.

Run: `.venv/bin/python -m benchmarks.bench_serve_stall` (about a minute; `--invoices N`,
`--lines L`, `--rate R` change the shape). Goal: p99 under 100 ms while the shipment is in
flight.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks._setup import forfait_shipment
from benchmarks.bench_serve import MBE, Load, _query, _registry_body, _request, service
from vsb.mbes import load_mbes
from vsb.serve.certs import ClientIdentity, write_test_pki

ROOT = Path(__file__).resolve().parent.parent
OTHER_MBE = "76310294930"
OTHER = {"mbe": OTHER_MBE}
STATUS = "/v1/insurance-status"
PIECE = 256 * 1024
"""Bytes of the shipment (and of its answer) this client writes or reads in one go."""


def big_shipment(references: list[tuple[str, str]], lines: int) -> dict[str, Any]:
    """One invoice per begeleiding, each with `lines` forfait lines (the first one valid)."""
    shipment = forfait_shipment(references)
    for invoice in shipment["invoices"]:
        first = invoice["lines"][0]
        invoice["lines"] = [dict(first, lineNumber=n) for n in range(1, lines + 1)]
    count = len(references) * lines
    shipment["totals"] = {
        "invoices": len(references),
        "lines": count,
        "amount": f"{2900 * count}.00",
    }
    shipment["messageId"] = f"big-{len(references)}x{lines}"
    return shipment


async def _exchange(load: Load, request: bytes) -> tuple[float, bytes]:
    """One request on a connection of its own: (seconds, answer body); raises unless 200."""
    reader, writer = await asyncio.open_connection(load.host, load.port)
    try:
        started = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head)[1])  # type: ignore[index]
        body = await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"{head[:40]!r} {body[:300]!r}")
        return time.perf_counter() - started, body
    finally:
        writer.close()


async def _exchange_large(load: Load, request: bytes) -> tuple[float, list[bytes]]:
    """`_exchange` for a large request and answer, sent and read in pieces: one call that
    copies tens of megabytes would stall this client's own event loop, and the queries it
    times with it (their answers would wait to be read)."""
    reader, writer = await asyncio.open_connection(load.host, load.port)
    try:
        started = time.perf_counter()
        for start in range(0, len(request), PIECE):
            writer.write(request[start : start + PIECE])
            await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head)[1])  # type: ignore[index]
        pieces: list[bytes] = []
        while length > 0:
            piece = await reader.read(min(PIECE, length))
            if not piece:
                raise RuntimeError("the answer ended early")
            pieces.append(piece)
            length -= len(piece)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"{head[:40]!r} {b''.join(pieces)[:300]!r}")
        return time.perf_counter() - started, pieces
    finally:
        writer.close()


async def _paced(
    load: Load, requests: list[bytes], rate: float, until: asyncio.Event
) -> list[float]:
    """Send `requests` at `rate` a second until `until` is set; the latencies of those sent."""
    latencies: list[float] = []
    origin = time.perf_counter()

    async def one(index: int, request: bytes) -> None:
        try:
            delay = max(0.0, origin + index / rate - time.perf_counter())
            await asyncio.wait_for(until.wait(), delay)
            return  # the measurement ended before this one's moment
        except TimeoutError:
            latencies.append((await _exchange(load, request))[0])

    await asyncio.gather(*(one(i, r) for i, r in enumerate(requests)))
    return latencies


async def _open(load: Load, requests: list[bytes]) -> list[dict[str, Any]]:
    """Send `requests` over the load's keep-alive connections; their answers, in order."""
    answers: list[dict[str, Any]] = [{} for _ in requests]
    queue = list(enumerate(requests))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(load.host, load.port)
        while queue:
            index, request = queue.pop()
            answers[index] = (await load._exchange(reader, writer, request))[1]
        writer.close()

    await asyncio.gather(*(worker() for _ in range(load.connections)))
    return answers


async def _in_flight(
    load: Load, queries: list[bytes], shipment: bytes, rate: float
) -> tuple[float, bytes, list[float]]:
    done = asyncio.Event()

    async def send() -> tuple[float, list[bytes]]:
        await asyncio.sleep(0.5)  # the queries flow first
        try:
            return await _exchange_large(load, shipment)
        finally:
            done.set()

    (seconds, pieces), latencies = await asyncio.gather(send(), _paced(load, queries, rate, done))
    return seconds, b"".join(pieces), latencies


def _row(name: str, latencies: list[float]) -> None:
    ordered = sorted(latencies)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000

    print(
        f"{name:<40}{len(ordered):>6}{statistics.median(ordered) * 1000:>9.1f}"
        f"{at(0.9):>9.1f}{at(0.99):>9.1f}{ordered[-1] * 1000:>9.1f}"
    )


def _measure(url: str, folder: Path, patients: list[str], args: argparse.Namespace) -> None:
    billing = Load(url, ClientIdentity.load(folder / f"mbe-{MBE}"), connections=32)
    other = Load(url, ClientIdentity.load(folder / f"mbe-{OTHER_MBE}"), connections=1)
    requests = [
        billing.build("/v1/requests", _request(p, f"r-{i}")) for i, p in enumerate(patients)
    ]
    answers = asyncio.run(_open(billing, requests))
    references = [(p, a["vsbReference"]) for p, a in zip(patients, answers, strict=True)]
    shipment = billing.build("/v1/shipments", big_shipment(references, args.lines))
    del requests, answers
    count = int(args.rate * 60)
    ask = [patients[i % len(patients)] for i in range(count)]
    baseline = [other.build(STATUS, _query(p, f"b-{i}") | OTHER) for i, p in enumerate(ask)]
    queries = [other.build(STATUS, _query(p, f"q-{i}") | OTHER) for i, p in enumerate(ask)]
    print(
        f"vsb serve on loopback, {os.cpu_count()} CPUs, SQLite WAL synchronous=FULL; "
        f"shipment of {len(shipment) / 1e6:.1f} MB ({args.invoices:,} invoices x {args.lines} "
        f"lines); another MBE's status queries at {args.rate:g}/s, open loop"
    )
    print(
        f"{'status queries of another MBE':<40}{'n':>6}{'p50 ms':>9}{'p90 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}"
    )
    quiet = asyncio.Event()

    async def without() -> list[float]:
        asyncio.get_running_loop().call_later(5, quiet.set)
        return await _paced(other, baseline, args.rate, quiet)

    # The client's own pauses stay out of the figures: its big objects (the shipment it built)
    # are gone before the clock starts, and its cycle collector is off while it runs.
    gc.collect()
    gc.freeze()
    gc.disable()
    _row("no shipment (5 s)", asyncio.run(without()))
    seconds, answer, latencies = asyncio.run(_in_flight(other, queries, shipment, args.rate))
    gc.enable()
    _row("while the shipment is in flight", latencies)
    settlement = json.loads(answer)
    print(
        f"the shipment: {seconds:.1f} s from its first byte sent to the last of its answer "
        f"({len(answer) / 1e6:.1f} MB, settlement {settlement['status']}, "
        f"{len(settlement['invoices']):,} invoices)"
    )


def main(argv: list[str] | None = None) -> None:
    """Print the shipment's time and the other MBE's query latencies."""
    options = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    options.add_argument("--invoices", type=int, default=10_000)
    options.add_argument("--lines", type=int, default=21)
    options.add_argument("--rate", type=float, default=50.0, help="status queries a second")
    args = options.parse_args(argv or [])
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        mbes = load_mbes(ROOT / "fixtures" / "mbes.toml")
        write_test_pki(folder, [(m.hco, m.name) for m in mbes])
        body = _registry_body(args.invoices)
        with service(folder, "--max-body", str(64 * 1024 * 1024)) as url:
            httpx.put(f"{url}/test/registry", json=body, timeout=120).raise_for_status()
            _measure(url, folder, [p["insz"] for p in body["persons"]][: args.invoices], args)


if __name__ == "__main__":
    main(sys.argv[1:])
