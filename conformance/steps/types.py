"""Typed pieces of step text: dates, names, requirement ids, outcomes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from parse import with_pattern
from pytest_bdd import parsers


@with_pattern(r"\d{4}-\d{2}-\d{2}")
def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@with_pattern(r"[A-Z][\w'-]*")
def _name(text: str) -> str:
    return text


@with_pattern(r"REQ-[A-Z0-9-]+")
def _requirement(text: str) -> str:
    return text


@with_pattern(r"\d+")
def _number(text: str) -> int:
    return int(text)


@with_pattern(r"/[^\s]*|\"\"")
def _pointer(text: str) -> str:
    return "" if text == '""' else text


@with_pattern(r"[A-Za-z][A-Za-z -]*[A-Za-z]")
def _words(text: str) -> str:
    return text


TYPES: dict[str, Any] = {
    "Date": _date,
    "Name": _name,
    "Req": _requirement,
    "N": _number,
    "Pointer": _pointer,
    "Words": _words,
}


def step(text: str) -> Any:
    """A step parser for `text`, with the project's types ({day:Date}, {patient:Name}, ...)."""
    return parsers.parse(text, extra_types=TYPES)


DOLLAR = re.compile(r"\d+\.\d{2}")
