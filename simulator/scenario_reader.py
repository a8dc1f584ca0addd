"""A typed reader over one TOML table that names the key path and the rule of every refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

__all__ = ["Reader", "ScenarioError", "ScenarioErrors"]


class ScenarioError(ValueError):
    """A scenario file or flag refused: the key path, the rule, and the value found.

    The message reads like ``mbes.arrivals.seasonality[3]: must be a number > 0 (got -1)``.
    """

    def __init__(self, key: str, rule: str, found: object = None) -> None:
        self.key = key
        self.rule = rule
        detail = "" if found is None else f" (got {found!r})"
        super().__init__(f"{key}: {rule}{detail}")


class ScenarioErrors(ScenarioError):
    """Every error of one scenario file, reported at once: one line each, in file order."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = errors
        first = errors[0]
        ValueError.__init__(self, "\n".join(str(e) for e in errors))
        self.key, self.rule = first.key, first.rule


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_MISSING = object()


class Reader:
    """Read the keys of one table; every unknown key and every bad value is a ScenarioError.

    Errors are collected, not raised: a bad value is noted in `errors` (shared by a reader and
    its sub-readers) and a neutral value stands in for it, so that one pass over a file finds
    every error in it; the caller raises `ScenarioErrors` when the list is not empty.
    """

    def __init__(self, table: object, path: str, errors: list[ScenarioError] | None = None) -> None:
        self.errors: list[ScenarioError] = [] if errors is None else errors
        if not isinstance(table, dict):
            if table is not _MISSING:
                self.errors.append(ScenarioError(path, "must be a table", table))
            table = {}
            self.absent = True
        else:
            self.absent = False
        self.table: dict[str, Any] = table
        self.path = path
        self._read: set[str] = set()

    def fail(self, error: ScenarioError) -> None:
        """Note an error found by a check across keys."""
        self.errors.append(error)

    def _value(self, name: str) -> Any:
        """The value of a required key, or _MISSING (noted once) when it is absent."""
        self._read.add(name)
        if name not in self.table:
            if not self.absent:
                self.errors.append(ScenarioError(self.key(name), "is required"))
            return _MISSING
        return self.table[name]

    def _checked(self, name: str, check: Any, default: Any) -> Any:
        value = self._value(name)
        if value is _MISSING:
            return default
        try:
            return check(value)
        except ScenarioError as exc:
            self.errors.append(exc)
            return default

    def key(self, name: str) -> str:
        """The full key path of `name` in this table."""
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: str) -> Any:
        """The value of a required key (None, noted as an error, when it is absent)."""
        value = self._value(name)
        return None if value is _MISSING else value

    def has(self, name: str) -> bool:
        """Whether the key is present."""
        return name in self.table

    def sub(self, name: str) -> Reader:
        """A reader over a required sub-table."""
        return Reader(self._value(name), self.key(name), self.errors)

    def number(
        self, name: str, low: float = 0.0, strict: bool = False, high: float | None = None
    ) -> float:
        """A number >= low (> low when strict) and <= high."""
        key = self.key(name)
        return float(
            self._checked(name, lambda v: _number(v, key, low, strict, high), max(low, 1.0))
        )

    def integer(self, name: str, low: int = 0, high: int | None = None) -> int:
        """An integer in [low, high]."""
        bound = f" and <= {high}" if high is not None else ""
        rule = f"must be an integer >= {low}{bound}"

        def check(value: object) -> int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise ScenarioError(self.key(name), rule, value)
            if value < low or (high is not None and value > high):
                raise ScenarioError(self.key(name), rule, value)
            return value

        return int(self._checked(name, check, max(low, 1)))

    def share(self, name: str) -> float:
        """A probability in [0, 1]."""
        return self.number(name, 0.0, high=1.0)

    def text(self, name: str) -> str:
        """A non-empty string."""

        def check(value: object) -> str:
            if not isinstance(value, str) or not value.strip():
                raise ScenarioError(self.key(name), "must be a non-empty string", value)
            return value

        return str(self._checked(name, check, "?"))

    def date(self, name: str) -> dt.date:
        """A TOML date (YYYY-MM-DD, unquoted)."""

        def check(value: object) -> dt.date:
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise ScenarioError(self.key(name), "must be a date YYYY-MM-DD (unquoted)", value)
            return value

        found: dt.date = self._checked(name, check, dt.date(2024, 1, 1))
        return found

    def numbers(
        self, name: str, length: int | None = None, low: float = 0.0, strict: bool = False
    ) -> tuple[float, ...]:
        """A list of numbers, each >= low (> low when strict), of a given length."""
        key = self.key(name)
        default = tuple(low + 1.0 + i for i in range(length or 1))

        def check(value: object) -> tuple[float, ...]:
            if not isinstance(value, list) or (length is not None and len(value) != length):
                size = f"of {length} numbers" if length is not None else "of numbers"
                raise ScenarioError(key, f"must be a list {size}", value)
            return tuple(_number(v, f"{key}[{i}]", low, strict, None) for i, v in enumerate(value))

        found: tuple[float, ...] = self._checked(name, check, default)
        return found

    def span(self, name: str, low: float = 0.0) -> tuple[float, float]:
        """A pair [min, max] with low <= min <= max."""
        first, last = self.numbers(name, 2, low)
        if last < first:
            self.fail(
                ScenarioError(self.key(name), "must be [min, max] with min <= max", [first, last])
            )
            return last, first
        return first, last

    def triangle(self, name: str, low: float = 0.0) -> tuple[float, float, float]:
        """A triangular distribution [min, mode, max] with min <= mode <= max."""
        a, m, b = self.numbers(name, 3, low)
        if not a <= m <= b or a == b:
            self.fail(
                ScenarioError(
                    self.key(name),
                    "must be [min, mode, max] with min <= mode <= max and min < max",
                    [a, m, b],
                )
            )
            return low, low + 1.0, low + 2.0
        return a, m, b

    def weights(
        self, name: str, allowed: Iterable[str] | None = None, total: float | None = None
    ) -> dict[str, float]:
        """A table of non-negative weights, keys from `allowed`, optionally summing to `total`.

        A table with errors stands in as one weight of `total` (or 1) on its first allowed key.
        """
        table = self.sub(name)
        known = sorted(set(allowed)) if allowed is not None else None
        before = len(self.errors)
        found: dict[str, float] = {}
        for code in table.table:
            if known is not None and code not in known:
                table._read.add(code)
                self.fail(ScenarioError(table.key(code), f"is not one of {known}"))
                continue
            found[code] = table.number(code)
        if not table.absent and (not found or sum(found.values()) <= 0):
            self.fail(ScenarioError(self.key(name), "must hold at least one weight > 0"))
        elif total is not None and found and abs(sum(found.values()) - total) > 1e-6:
            self.fail(
                ScenarioError(
                    self.key(name), f"the values must sum to {total}", round(sum(found.values()), 6)
                )
            )
        if len(self.errors) > before:
            return {(known or ["?"])[0]: total or 1.0}
        return found

    def done(self) -> None:
        """Refuse keys that were never read: a typo is an error, not a silent default."""
        for name in self.table:
            if name not in self._read:
                self.fail(ScenarioError(self.key(name), "is not a known key"))


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
