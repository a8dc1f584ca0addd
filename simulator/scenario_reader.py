"""A typed reader over one TOML table that names the key path and the rule of every refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

__all__ = ["Reader", "ScenarioError"]


class ScenarioError(ValueError):
    """A scenario file or flag refused: the key path, the rule, and the value found.

    The message reads like ``mbes.arrivals.seasonality[3]: must be a number > 0 (got -1)``.
    """

    def __init__(self, key: str, rule: str, found: object = None) -> None:
        self.key = key
        self.rule = rule
        detail = "" if found is None else f" (got {found!r})"
        super().__init__(f"{key}: {rule}{detail}")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Reader:
    """Read the keys of one table; every unknown key and every bad value is a ScenarioError."""

    def __init__(self, table: object, path: str) -> None:
        if not isinstance(table, dict):
            raise ScenarioError(path, "must be a table", table)
        self.table: dict[str, Any] = table
        self.path = path
        self._read: set[str] = set()

    def key(self, name: str) -> str:
        """The full key path of `name` in this table."""
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: str) -> Any:
        """The value of a required key."""
        self._read.add(name)
        if name not in self.table:
            raise ScenarioError(self.key(name), "is required")
        return self.table[name]

    def has(self, name: str) -> bool:
        """Whether the key is present."""
        return name in self.table

    def sub(self, name: str) -> Reader:
        """A reader over a required sub-table."""
        return Reader(self.raw(name), self.key(name))

    def number(
        self, name: str, low: float = 0.0, strict: bool = False, high: float | None = None
    ) -> float:
        """A number >= low (> low when strict) and <= high."""
        return _number(self.raw(name), self.key(name), low, strict, high)

    def integer(self, name: str, low: int = 0, high: int | None = None) -> int:
        """An integer in [low, high]."""
        value = self.raw(name)
        bound = f" and <= {high}" if high is not None else ""
        rule = f"must be an integer >= {low}{bound}"
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScenarioError(self.key(name), rule, value)
        if value < low or (high is not None and value > high):
            raise ScenarioError(self.key(name), rule, value)
        return value

    def share(self, name: str) -> float:
        """A probability in [0, 1]."""
        return self.number(name, 0.0, high=1.0)

    def text(self, name: str) -> str:
        """A non-empty string."""
        value = self.raw(name)
        if not isinstance(value, str) or not value.strip():
            raise ScenarioError(self.key(name), "must be a non-empty string", value)
        return value

    def date(self, name: str) -> dt.date:
        """A TOML date (YYYY-MM-DD, unquoted)."""
        value = self.raw(name)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise ScenarioError(self.key(name), "must be a date YYYY-MM-DD (unquoted)", value)
        return value

    def numbers(
        self, name: str, length: int | None = None, low: float = 0.0, strict: bool = False
    ) -> tuple[float, ...]:
        """A list of numbers, each >= low (> low when strict), of a given length."""
        value = self.raw(name)
        key = self.key(name)
        if not isinstance(value, list) or (length is not None and len(value) != length):
            size = f"of {length} numbers" if length is not None else "of numbers"
            raise ScenarioError(key, f"must be a list {size}", value)
        return tuple(_number(v, f"{key}[{i}]", low, strict, None) for i, v in enumerate(value))

    def span(self, name: str, low: float = 0.0) -> tuple[float, float]:
        """A pair [min, max] with low <= min <= max."""
        first, last = self.numbers(name, 2, low)
        if last < first:
            raise ScenarioError(self.key(name), "must be [min, max] with min <= max", [first, last])
        return first, last

    def triangle(self, name: str, low: float = 0.0) -> tuple[float, float, float]:
        """A triangular distribution [min, mode, max] with min <= mode <= max."""
        a, m, b = self.numbers(name, 3, low)
        if not a <= m <= b or a == b:
            raise ScenarioError(
                self.key(name),
                "must be [min, mode, max] with min <= mode <= max and min < max",
                [a, m, b],
            )
        return a, m, b

    def weights(
        self, name: str, allowed: Iterable[str] | None = None, total: float | None = None
    ) -> dict[str, float]:
        """A table of non-negative weights, keys from `allowed`, optionally summing to `total`."""
        table = Reader(self.raw(name), self.key(name))
        known = set(allowed) if allowed is not None else None
        found: dict[str, float] = {}
        for code in table.table:
            if known is not None and code not in known:
                raise ScenarioError(table.key(code), f"is not one of {sorted(known)}")
            found[code] = table.number(code)
        if not found or sum(found.values()) <= 0:
            raise ScenarioError(self.key(name), "must hold at least one weight > 0")
        if total is not None and abs(sum(found.values()) - total) > 1e-6:
            raise ScenarioError(
                self.key(name), f"the values must sum to {total}", round(sum(found.values()), 6)
            )
        return found

    def done(self) -> None:
        """Refuse keys that were never read: a typo is an error, not a silent default."""
        for name in self.table:
            if name not in self._read:
                raise ScenarioError(self.key(name), "is not a known key")


def _number(value: object, key: str, low: float, strict: bool, high: float | None) -> float:
    sign = ">" if strict else ">="
    bound = f" and <= {high}" if high is not None else ""
    rule = f"must be a number {sign} {low:g}{bound}"
    if not _is_number(value):
        raise ScenarioError(key, rule, value)
    number = float(value)  # type: ignore[arg-type]
    if number < low or (strict and number == low) or (high is not None and number > high):
        raise ScenarioError(key, rule, value)
    return number
