"""Where the time goes, by layer: a cProfile of one default year and of the engine benchmark.

Run: `.venv/bin/python -m benchmarks.bench_profile [--days N] [--engine-only] [--top N]`.

Each function's own time (cProfile's tottime) is given to a layer by its module; time spent in
the standard library, SQLite or a third-party package goes to the layer of the project code
that called it (split as the callers' shares), so the layers add up to the whole run.
Profiling slows Python code more than C code: read the shares, not the seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks._setup import ROOT, application, forfait_shipment, insz_of, request, simpy_line

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("schema", ("vsb/schemas.py", "vsb/_schema_fast.py", "vsb/_schema_budget.py")),
    ("message log / store", ("vsb/store.py", "vsb/billing/ledger.py")),
    (
        "answer building",
        ("vsb/answers.py", "vsb/jsontext.py", "vsb/billing/settlement.py"),
    ),
    ("engine dispatch", ("vsb/engine.py",)),
    (
        "rule checks and queries",
        (
            "vsb/requests.py",
            "vsb/changes.py",
            "vsb/insurance.py",
            "vsb/membership.py",
            "vsb/review.py",
            "vsb/identifiers.py",
            "vsb/context.py",
            "vsb/rulebook.py",
            "vsb/references.py",
            "vsb/billing/",
        ),
    ),
    ("KPI", ("simulator/kpi.py",)),
    ("output", ("simulator/output.py", "simulator/registry_files.py")),
    ("model", ("simulator/", "simpy/")),
    ("benchmark harness", ("benchmarks/",)),
)

Func = tuple[str, int, str]


def layer_of(filename: str) -> str | None:
    """The layer of a project module, None for code of others (stdlib, C, packages)."""
    path = filename.replace("\\", "/")
    for layer, parts in LAYERS:
        if any(f"/{part}" in path for part in parts):
            return layer
    return None


def by_layer(stats: pstats.Stats) -> Counter[str]:
    """Own time per layer; other code's time goes to the layers of its callers."""
    table: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
    shares: dict[Func, dict[str, float]] = {}

    def share(func: Func, seen: frozenset[Func]) -> dict[str, float]:
        if func in shares:
            return shares[func]
        own = layer_of(func[0])
        if own is not None:
            return {own: 1.0}
        callers = table[func][4] if func in table else {}
        weights = {c: v[2] for c, v in callers.items() if c not in seen}  # caller's tottime
        total = sum(weights.values())
        result: Counter[str] = Counter()
        if not total:
            result["other (no project caller)"] = 1.0
        for caller, weight in weights.items():
            for layer, part in share(caller, seen | {func}).items():
                result[layer] += part * weight / total
        shares[func] = dict(result)
        return shares[func]

    layers: Counter[str] = Counter()
    for func, (_, _, tottime, _, _) in table.items():
        for layer, part in share(func, frozenset()).items():
            layers[layer] += tottime * part
    return layers


def profile(title: str, work: Callable[[], None], top: int) -> None:
    """Run `work` under cProfile; print the layers and the heaviest functions."""
    profiler = cProfile.Profile()
    profiler.runcall(work)
    stats = pstats.Stats(profiler)
    layers = by_layer(stats)
    whole = sum(layers.values())
    print(f"\n{title}: {whole:.2f} s profiled")
    for layer, seconds in layers.most_common():
        print(f"  {layer:<28}{seconds:>8.2f} s{100 * seconds / whole:>7.1f} %")
    if top:
        print(f"  heaviest {top} functions by own time:")
        table: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
        rows = sorted(table.items(), key=lambda item: -item[1][2])[:top]
        for (filename, line, name), (_, calls, tottime, _, _) in rows:
            where = Path(filename).name if filename != "~" else ""
            print(f"    {tottime:>7.2f} s {calls:>9,} {where}:{line} {name}")


def engine_work(count: int) -> Callable[[], None]:
    """The engine benchmark in memory: requests, administrative changes, one shipment."""
    app, _ = application(count)
    patients = insz_of(app, count)

    def work() -> None:
        references = []
        for i, insz in enumerate(patients):
            references.append(app.handle(request(insz, f"r-{i}"))["vsbReference"])
        for i, reference in enumerate(references):
            app.handle(
                {
                    "kind": "admin-change",
                    "messageId": f"c-{i}",
                    "mbe": request("", "")["mbe"],
                    "vsbReference": reference,
                    "accidentCode": "work-accident",
                }
            )
        app.handle(forfait_shipment(list(zip(patients, references, strict=True))))

    return work


def year_work(days: int) -> Callable[[], None]:
    """One default year (or `days` days), streams to a temporary folder."""
    from simulator import load_scenario, simulate

    scenario = load_scenario(ROOT / "fixtures" / "scenarios" / "flanders-2024.toml")

    def work() -> None:
        with tempfile.TemporaryDirectory() as folder:
            simulate(scenario, days, 1, Path(folder))

    return work


def main(argv: list[str] | None = None) -> None:
    """Profile the engine benchmark, then the default year."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_profile")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--count", type=int, default=3000, help="engine benchmark messages")
    parser.add_argument("--engine-only", action="store_true")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args([] if argv is None else argv)
    print(simpy_line())
    profile(
        f"engine benchmark ({args.count} requests, changes, 1 shipment)",
        engine_work(args.count),
        args.top,
    )
    if not args.engine_only:
        profile(f"default year ({args.days} days, seed 1)", year_work(args.days), args.top)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
