"""`vsb plan`: replications, confidence intervals, sweeps and a target; a report with plots.

Importing this module registers the sub-command with the `vsb` command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from simulator.cli_support import report_errors, writable_folder
from simulator.planning.executors import make_executor
from simulator.planning.replications import Plan, run_plan
from simulator.planning.report import answer_lines, summary_lines, write_report
from simulator.planning.sweep import Sweep, parse_sweep, points
from simulator.planning.target import Target, parse_target
from simulator.scenario import ZORGKASSEN
from simulator.scenario_reader import ScenarioError, ScenarioErrors
from vsb.cli import _EXTENSIONS, command

__all__ = ["add_parser", "run"]

DEFAULT_PRECISION_KPIS = (
    "review_wait_mean_days",
    "staff_utilisation",
    "stop_to_payment_within_42d",
)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `plan` sub-command to the `vsb` parser."""
    parser = sub.add_parser(
        "plan",
        help="capacity planning: replications, intervals, sweeps, a target, a report",
        description="Run replications of a scenario (and of each sweep point) with independent "
        "seeded streams and common random numbers across points; compute each KPI's mean and "
        "t-based 95 % confidence interval after the warm-up; answer a target; write "
        "report.html (plots), results.json and CSV files to --out. See docs/planning.md.",
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        default=Path("fixtures/scenarios/flanders-2024.toml"),
        help="scenario file (default: fixtures/scenarios/flanders-2024.toml)",
    )
    parser.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="a scenario value to vary, e.g. staff.180.count=1,2,3 (repeatable: the product)",
    )
    how_many = parser.add_mutually_exclusive_group(required=True)
    how_many.add_argument("--replications", type=int, help="replications per point (>= 2)")
    how_many.add_argument(
        "--precision",
        type=float,
        help="add replications until each chosen KPI's 95 %% half-width is at most this share "
        "of its mean at every point (e.g. 0.05)",
    )
    parser.add_argument(
        "--max-replications", type=int, default=100, help="cap for --precision (default 100)"
    )
    parser.add_argument("--target", help='e.g. "stop_to_payment_within_42d>=0.99 and ..."')
    parser.add_argument("--days", type=int, default=365, help="days per replication (365)")
    parser.add_argument("--warmup", type=int, help="warm-up days (default: found by MSER-5)")
    parser.add_argument("--seed", type=int, default=1, help="the plan's seed (default 1)")
    parser.add_argument("--zorgkas", help="the zorgkas of the KPIs (default: the swept one)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: cores)"
    )
    parser.add_argument("--dask", metavar="ADDRESS", help="run on this Dask scheduler instead")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


@command("plan")
def run(args: argparse.Namespace) -> int:
    """Run the plan the flags describe; every bad flag is one line on stderr, exit 2."""
    try:
        return _run(args)
    except ScenarioError as exc:
        return report_errors("plan", exc)


def _flag_errors(args: argparse.Namespace) -> list[ScenarioError]:
    checks = [
        (
            args.replications is not None and args.replications < 2,
            "--replications",
            "must be a whole number >= 2 (an interval needs a spread)",
            args.replications,
        ),
        (
            args.precision is not None and not 0 < args.precision < 1,
            "--precision",
            "must be a share > 0 and < 1 (e.g. 0.05 for ±5 %)",
            args.precision,
        ),
        (args.max_replications < 2, "--max-replications", "must be >= 2", args.max_replications),
        (args.days < 1, "--days", "must be a whole number of days >= 1", args.days),
        (
            args.warmup is not None and not 0 <= args.warmup < args.days,
            "--warmup",
            "must be >= 0 and less than --days",
            args.warmup,
        ),
        (args.seed < 0, "--seed", "must be a whole number >= 0", args.seed),
        (args.workers < 1, "--workers", "must be >= 1", args.workers),
        (
            args.zorgkas is not None and args.zorgkas not in ZORGKASSEN,
            "--zorgkas",
            f"must be one of {list(ZORGKASSEN)}",
            args.zorgkas,
        ),
    ]
    return [ScenarioError(flag, rule, value) for bad, flag, rule, value in checks if bad]


def _parsed(args: argparse.Namespace) -> tuple[list[Sweep], Target | None]:
    errors = _flag_errors(args)
    sweeps: list[Sweep] = []
    target = None
    for text in args.sweep:
        try:
            sweeps.append(parse_sweep(text))
        except ScenarioError as exc:
            errors.append(exc)
    if args.target is not None:
        try:
            target = parse_target(args.target)
        except ScenarioError as exc:
            errors.append(exc)
    if errors:
        raise ScenarioErrors(errors)
    return sweeps, target


def _kas(args: argparse.Namespace, sweeps: list[Sweep]) -> int | None:
    if args.zorgkas is not None:
        return int(args.zorgkas)
    swept = {s.key.split(".")[1] for s in sweeps if s.key.startswith("staff.")}
    return int(swept.pop()) if len(swept) == 1 else None


def _run(args: argparse.Namespace) -> int:
    sweeps, target = _parsed(args)
    found = points(args.scenario, sweeps)
    writable_folder(args.out)
    plan = Plan(
        points=found,
        days=args.days,
        seed=args.seed,
        replications=args.replications,
        precision=args.precision,
        precision_kpis=tuple(target.kpis()) if target else DEFAULT_PRECISION_KPIS,
        max_replications=args.max_replications,
        warmup_days=args.warmup,
        kas=_kas(args, sweeps),
    )
    executor, close = make_executor(args.workers, args.dask)
    show = not args.quiet and sys.stderr.isatty()
    total = args.replications * len(found) if args.replications else None
    bar: Any = tqdm(total=total, unit="replication", file=sys.stderr, disable=not show)
    try:
        result = run_plan(plan, executor, bar.update)
    finally:
        bar.close()
        close()
    meta = {
        "scenario": found[0].scenario.name,
        "source": str(args.scenario),
        "days": args.days,
        "seed": args.seed,
        "sweeps": {s.key: list(s.values) for s in sweeps},
        "executor": f"dask {args.dask}" if args.dask else f"process pool, {args.workers} workers",
    }
    document = write_report(result, target, meta, args.out)
    if not args.quiet:
        for line in [*summary_lines(document), *answer_lines(document)]:
            print(line)
        print(f"{result.replications} replications per point, warm-up {result.warmup.days} days")
        print(f"written to {args.out}/ (report.html, results.json, kpis.csv, figures/)")
    return 0


if add_parser not in _EXTENSIONS:
    _EXTENSIONS.append(add_parser)
