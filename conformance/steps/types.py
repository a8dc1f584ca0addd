"""Typed pieces of step text: dates, names, requirement ids, numbers, pointers, words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from parse import with_pattern
from pytest_bdd import parsers

T = TypeVar("T")


def _typed(pattern: str, convert: Callable[[str], T]) -> Callable[[str], T]:
    """A converter that `parse` recognises by its regular expression."""

    def converted(text: str) -> T:
        return convert(text)

    typed: Callable[[str], T] = with_pattern(pattern)(converted)
    return typed


def _pointer(text: str) -> str:
    return "" if text == '""' else text


TYPES: dict[str, Any] = {
    "Date": _typed(r"\d{4}-\d{2}-\d{2}", dt.date.fromisoformat),
    "Name": _typed(r"[A-Z][\w'-]*", str),
    "Req": _typed(r"REQ-[A-Z0-9-]+", str),
    "N": _typed(r"\d+", int),
    "Pointer": _typed(r"/[^\s]*|\"\"", _pointer),
    "Words": _typed(r"[A-Za-z][A-Za-z -]*[A-Za-z]", str),
}


def step(text: str) -> Any:
    """A step parser for `text`, with the project's types ({day:Date}, {patient:Name}, ...)."""
    return parsers.parse(text, extra_types=TYPES)
