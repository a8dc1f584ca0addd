"""`--sweep KEY=V1,V2,...`: the scenario values a plan varies, and the points they span.

Several sweeps span their product (`--sweep scenario.growth=1,2 --sweep staff.180.count=1,2,3`
gives six points). Each point is the scenario with its values replaced before validation, so a
bad value is refused with the scenario's own rule. Values are TOML scalars: integers, decimal
numbers, true/false, or text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from simulator.scenario import Scenario, load_scenario
from simulator.scenario_reader import ScenarioError, ScenarioErrors

__all__ = ["Point", "Sweep", "parse_sweep", "points"]

_KEY = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$")
Value = int | float | bool | str


@dataclass(frozen=True)
class Sweep:
    """One swept key and its values, in the order given."""

    key: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Point:
    """One sweep point: its index, its values, and the scenario they make."""

    index: int
    values: dict[str, Value]
    scenario: Scenario

    def label(self) -> str:
        """The point in a few words, e.g. ``scenario.growth=2, staff.180.count=3``."""
        return ", ".join(f"{k}={v}" for k, v in self.values.items()) or "the scenario"


def _value(text: str) -> Value:
    if re.fullmatch(r"[-+]?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?", text):
        return float(text)
    if text in ("true", "false"):
        return text == "true"
    return text


def parse_sweep(text: str) -> Sweep:
    """Parse one `--sweep` flag.

    Raises:
        ScenarioError: naming --sweep, when it is not KEY=V1,V2,... with a dotted key and
            distinct, non-empty values.
    """
    key, sign, values = text.partition("=")
    key = key.strip()
    if not sign or not _KEY.match(key):
        raise ScenarioError("--sweep", "must be KEY=V1,V2,... with a dotted scenario key", text)
    parts = [v.strip() for v in values.split(",")]
    if any(not v for v in parts):
        raise ScenarioError("--sweep", f"{key}: every value must be non-empty", text)
    parsed = tuple(_value(v) for v in parts)
    if len(set(parsed)) != len(parsed):
        raise ScenarioError("--sweep", f"{key}: values must be distinct", text)
    return Sweep(key, parsed)


def points(path: Path, sweeps: list[Sweep]) -> list[Point]:
    """Every point of the sweeps' product, each a validated scenario.

    Raises:
        ScenarioError: a key swept twice or not in the scenario, or a value its rule refuses
            (all of them at once, each naming --sweep, the key and the value).
    """
    keys = [s.key for s in sweeps]
    for key in keys:
        if keys.count(key) > 1:
            raise ScenarioError("--sweep", f"{key} is swept twice")
    found: list[Point] = []
    errors: dict[str, ScenarioError] = {}  # by message: the same error at many points once
    for index, combo in enumerate(itertools.product(*(s.values for s in sweeps))):
        values = dict(zip(keys, combo, strict=True))
        try:
            found.append(Point(index, values, load_scenario(path, values)))
        except ScenarioError as exc:
            for one in exc.errors if isinstance(exc, ScenarioErrors) else [exc]:
                if one.key in values:
                    one = ScenarioError("--sweep", f"{one.key}={values[one.key]}: {one.rule}")
                errors.setdefault(str(one), one)
    if errors:
        raise ScenarioErrors(list(errors.values()))
    return found
