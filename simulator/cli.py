"""`vsb simulate`: run a scenario and write its streams, ground truth and KPI summary.

Importing this module registers the sub-command with the `vsb` command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from simulator.cli_support import report_errors, writable_folder
from simulator.runner import simulate
from simulator.scenario import ScenarioError, load_scenario
from vsb.cli import _EXTENSIONS, command
from vsb.resources import default_scenario

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `simulate` sub-command to the `vsb` parser."""
    parser = sub.add_parser(
        "simulate",
        help="simulate MBEs, zorgkas staff and the central application",
        description="Run a scenario against the in-process reference application and write "
        "every message and answer (JSON Lines), the ground truth of the injected faults and "
        "the KPI summary (kpi.json, kpi.txt) to the output folder; print the KPI table.",
    )
    parser.add_argument(
        "--scenario",
        type=Path,
        default=default_scenario(),
        help="scenario file (default: the packaged fixtures/scenarios/flanders-2024.toml)",
    )
    parser.add_argument("--days", type=int, default=365, help="days to simulate (default 365)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("out/simulation"),
        help="output folder (default: out/simulation)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no table")


@command("simulate")
def run(args: argparse.Namespace) -> int:
    """Run the simulation the flags describe; every bad flag or scenario key is one line on
    stderr and exit status 2."""
    try:
        return _run(args)
    except ScenarioError as exc:
        return report_errors("simulate", exc)


def _run(args: argparse.Namespace) -> int:
    if args.days < 1:
        raise ScenarioError("--days", "must be a whole number of days >= 1", args.days)
    if args.seed < 0:
        raise ScenarioError("--seed", "must be a whole number >= 0", args.seed)
    scenario = load_scenario(args.scenario)
    writable_folder(args.out)
    show = not args.quiet and sys.stderr.isatty()
    bar: Any = tqdm(
        total=args.days, unit="day", file=sys.stderr, disable=not show, desc=scenario.name
    )
    try:
        result = simulate(scenario, args.days, args.seed, args.out, progress=bar.update)
    finally:
        bar.close()
    if not args.quiet:
        print(result.table)
        print(f"\nwritten to {args.out}/")
    return 0


if add_parser not in _EXTENSIONS:
    _EXTENSIONS.append(add_parser)
