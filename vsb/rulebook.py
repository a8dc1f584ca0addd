"""The versioned rulebook: policy values the sources leave open, and the code lists."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from vsb.catalogue import load_catalogue

CODELISTS = (
    "stop_reason",
    "place_of_death",
    "non_billing_reason",
    "intervention_type",
    "provider_type",
    "diagnosis",
    "referral",
    "origin",
    "accident_code",
)


class RulebookError(ValueError):
    """A rulebook file is malformed; the message names the file, the key and the rule."""


@dataclass(frozen=True)
class Parameter:
    """One named policy value, with the requirement it serves and why it is what it is."""

    name: str
    value: Any
    requirement: str
    text: str


@dataclass(frozen=True)
class Rulebook:
    """One version of the rules: id, effective date, parameters and code lists."""

    id: str
    effective_from: dt.date
    description: str
    parameters: Mapping[str, Parameter]
    codelists: Mapping[str, Mapping[str, str]]
    zorgkassen: Mapping[int, Mapping[str, Any]]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        """The value of parameter `name`; KeyError names the missing parameter."""
        try:
            return self.parameters[name].value
        except KeyError:
            raise KeyError(f"rulebook {self.id} has no parameter {name!r}") from None

    def date(self, name: str) -> dt.date:
        """A parameter that holds a date."""
        value = self.value(name)
        assert isinstance(value, dt.date)
        return value

    def days(self, name: str) -> dt.timedelta:
        """A parameter that holds a number of days, as a timedelta."""
        return dt.timedelta(days=int(self.value(name)))

    def in_list(self, codelist: str, code: object) -> bool:
        """Whether `code` is in the code list `codelist`."""
        return isinstance(code, str) and code in self.codelists[codelist]

    def zorgkas_for_insurer(self, health_insurer: int | None) -> int:
        """The zorgkas linked to a health insurer (VI), or the default review zorgkas."""
        for code, kas in self.zorgkassen.items():
            if kas["health_insurer"] == health_insurer:
                return code
        return int(self.value("review_zorgkas_default"))


def _fail(source: str, key: str, rule: str) -> RulebookError:
    return RulebookError(f"{source}: {key}: {rule}")


def _parameters(raw: dict[str, Any], source: str) -> dict[str, Parameter]:
    catalogue = load_catalogue()
    parameters: dict[str, Parameter] = {}
    for name, entry in raw.items():
        key = f"parameters.{name}"
        if not isinstance(entry, dict) or set(entry) != {"value", "requirement", "text"}:
            raise _fail(source, key, "needs exactly the keys value, requirement, text")
        if entry["requirement"] not in catalogue:
            raise _fail(source, key, f"requirement {entry['requirement']} is not in the catalogue")
        parameters[name] = Parameter(name, entry["value"], entry["requirement"], entry["text"])
    return parameters


def _codelists(raw: dict[str, Any], source: str) -> dict[str, Mapping[str, str]]:
    missing = [name for name in CODELISTS if name not in raw]
    if missing:
        raise _fail(source, "codelists", f"missing code lists {missing}")
    lists: dict[str, Mapping[str, str]] = {}
    for name, codes in raw.items():
        if not isinstance(codes, dict) or not codes:
            raise _fail(source, f"codelists.{name}", "must be a non-empty table code = label")
        if not all(isinstance(label, str) for label in codes.values()):
            raise _fail(source, f"codelists.{name}", "every label must be a string")
        lists[name] = MappingProxyType(dict(codes))
    return lists


def parse_rulebook(text: str, source: str = "<rulebook>") -> Rulebook:
    """Parse and validate one rulebook file.

    Raises:
        RulebookError: a section or key is missing, malformed, or names an unknown requirement.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, "<file>", f"not valid TOML: {exc}") from None
    head = raw.get("rulebook", {})
    if not isinstance(head.get("id"), str) or not isinstance(head.get("effective_from"), dt.date):
        raise _fail(source, "rulebook", "needs id (string) and effective_from (date)")
    zorgkassen = {
        int(code): MappingProxyType(kas) for code, kas in raw.get("zorgkassen", {}).items()
    }
    if sorted(zorgkassen) != [180, 280, 380, 480, 580, 680]:
        raise _fail(source, "zorgkassen", "must list the six zorgkassen 180 to 680")
    known = {"rulebook", "parameters", "codelists", "zorgkassen"}
    return Rulebook(
        id=head["id"],
        effective_from=head["effective_from"],
        description=str(head.get("description", "")),
        parameters=MappingProxyType(_parameters(raw.get("parameters", {}), source)),
        codelists=MappingProxyType(_codelists(raw.get("codelists", {}), source)),
        zorgkassen=MappingProxyType(zorgkassen),
        extra=MappingProxyType({k: v for k, v in raw.items() if k not in known}),
    )


@cache
def load_rulebooks() -> tuple[Rulebook, ...]:
    """Every rulebook version shipped with the package, oldest first."""
    folder = resources.files("vsb.data").joinpath("rulebooks")
    books = [
        parse_rulebook(item.read_text("utf-8"), item.name)
        for item in folder.iterdir()
        if item.name.endswith(".toml")
    ]
    return tuple(sorted(books, key=lambda book: book.effective_from))


def rulebook_for(day: dt.date) -> Rulebook:
    """The rulebook in force on `day`: the latest whose effective date is not after it."""
    books = [book for book in load_rulebooks() if book.effective_from <= day]
    return books[-1] if books else load_rulebooks()[0]


def default_rulebook() -> Rulebook:
    """The newest rulebook shipped."""
    return load_rulebooks()[-1]
