"""`--target`: a planner's goal as KPI conditions, parsed by a tiny grammar (never eval).

    target    := condition ("and" condition)*
    condition := KPI OP NUMBER          OP is one of <= >= < >

e.g. ``stop_to_payment_within_42d>=0.99 and review_wait_p95_days<=2``. A KPI name is one of
`simulator.planning.kpis.KPIS`. A refusal names the position (1-based) and what was expected.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.planning.intervals import Interval
from simulator.planning.kpis import KPIS
from simulator.planning.sweep import Point
from simulator.scenario_reader import ScenarioError

__all__ = ["Condition", "Target", "parse_target", "smallest_staff", "verdict"]

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_TOKEN = re.compile(
    r"\s*(?:(?P<op><=|>=|<|>)|(?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>\S))"
)


@dataclass(frozen=True)
class Condition:
    """One KPI compared with a number."""

    kpi: str
    op: str
    value: float

    def met(self, value: float) -> bool:
        """Whether `value` of the KPI meets the condition."""
        return _OPS[self.op](value, self.value)

    def met_surely(self, found: Interval) -> bool:
        """Whether the whole 95 % interval meets it (the bound on the wrong side does)."""
        bound = found.high if self.op in ("<=", "<") else found.low
        return self.met(bound)

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Target:
    """Conditions that must all hold."""

    text: str
    conditions: tuple[Condition, ...]

    def kpis(self) -> list[str]:
        """The KPIs the target names, in order."""
        return list(dict.fromkeys(c.kpi for c in self.conditions))


def _tokens(text: str) -> list[tuple[str, str, int]]:
    found = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:  # only blanks are left
            break
        kind = match.lastgroup
        found.append((kind, match.group(kind), match.start(kind) + 1))
        position = match.end()
    return found


def _fail(text: str, column: int, expected: str, got: str | None) -> ScenarioError:
    where = f"at position {column}" if got is not None else "at the end"
    detail = f", found {got!r}" if got is not None else ""
    return ScenarioError("--target", f"{where}: expected {expected}{detail} (in {text!r})")


def parse_target(text: str) -> Target:
    """Parse a target expression.

    Raises:
        ScenarioError: naming --target, the position and what was expected there.
    """
    tokens = _tokens(text)
    end = len(text) + 1
    conditions = []
    index = 0
    while True:
        steps = [("word", "a KPI name"), ("op", "one of <= >= < >"), ("number", "a number")]
        parts = []
        for kind, expected in steps:
            token = tokens[index] if index < len(tokens) else None
            if token is None or token[0] != kind:
                column = token[2] if token else end
                raise _fail(text, column, expected, token[1] if token else None)
            if kind == "word" and token[1] not in KPIS:
                raise _fail(text, token[2], f"a KPI name, one of {sorted(KPIS)}", token[1])
            parts.append(token[1])
            index += 1
        conditions.append(Condition(parts[0], parts[1], float(parts[2])))
        if index == len(tokens):
            return Target(text, tuple(conditions))
        token = tokens[index]
        if token[0] != "word" or token[1] != "and":
            raise _fail(text, token[2], "'and' or the end", token[1])
        index += 1


def verdict(target: Target, found: dict[str, Interval]) -> dict[str, Any]:
    """Whether one point meets the target: by the means, and surely (every interval)."""
    rows = [
        {
            "condition": str(c),
            "mean": found[c.kpi].mean,
            "low": found[c.kpi].low,
            "high": found[c.kpi].high,
            "met": c.met(found[c.kpi].mean),
            "metSurely": c.met_surely(found[c.kpi]),
        }
        for c in target.conditions
    ]
    return {
        "met": all(r["met"] for r in rows),
        "metSurely": all(r["metSurely"] for r in rows),
        "conditions": rows,
    }


STAFF_KEY = re.compile(r"^staff\.([0-9]{3})\.count$")


def smallest_staff(
    target: Target, points: list[Point], intervals: dict[int, dict[str, Interval]]
) -> list[dict[str, Any]]:
    """For each combination of the other swept values (e.g. each volume), the smallest swept
    staff count meeting the target surely, and by the means; [] without a staff sweep."""
    keys = list(points[0].values) if points else []
    staff = next((k for k in keys if STAFF_KEY.match(k)), None)
    if staff is None:
        return []
    groups: dict[tuple[tuple[str, Any], ...], list[Point]] = {}
    for point in points:
        rest = tuple((k, v) for k, v in point.values.items() if k != staff)
        groups.setdefault(rest, []).append(point)
    answers = []
    for rest, members in groups.items():
        ordered = sorted(members, key=lambda p: float(p.values[staff]))
        judged = [(p, verdict(target, intervals[p.index])) for p in ordered]
        answers.append(
            {
                "key": staff,
                "given": dict(rest),
                "smallestSurely": next(
                    (p.values[staff] for p, v in judged if v["metSurely"]), None
                ),
                "smallestByMeans": next((p.values[staff] for p, v in judged if v["met"]), None),
                "point": next((p.index for p, v in judged if v["metSurely"]), None),
            }
        )
    return answers
