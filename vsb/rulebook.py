"""The versioned rulebook: policy values the sources leave open, and the code lists."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vsb.catalogue import load_catalogue
from vsb.identifiers import InvalidIdentifier, validate_hco

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


# ---- overlays: tariffs of MBEs the versioned rulebooks do not know (docs/planning.md) --------

_AMOUNT = re.compile(r"^[0-9]{1,9}\.[0-9]{2}$")
_OVERLAY_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
TARIFF_KEYS = ("mbe", "from", "full", "reduced")
OVERLAY_FILE = "rulebook-overlay.toml"  # its name beside a run's streams (vsb simulate, vsb audit)


def check_tariff(entry: object, key: str, source: str, hco_first_digits: Sequence[str]) -> None:
    """Check one ``[[billing.tariffs]]`` entry of a rulebook or an overlay (REQ-BL-TARIFF):
    exactly the keys mbe (a valid HCO number), from (a date), full and reduced (amounts > 0
    with two decimals, "2900.00").

    Raises:
        RulebookError: naming the entry's key (``billing.tariffs[3].full``) and the rule.
    """
    if not isinstance(entry, dict) or set(entry) != set(TARIFF_KEYS):
        raise _fail(source, key, f"needs exactly the keys {', '.join(TARIFF_KEYS)}")
    try:
        validate_hco(str(entry["mbe"]), hco_first_digits)
    except InvalidIdentifier as exc:
        raise _fail(source, f"{key}.mbe", f"not a valid HCO number: {exc}") from None
    day = entry["from"]
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise _fail(source, f"{key}.from", f"must be a date YYYY-MM-DD (unquoted), got {day!r}")
    for name in ("full", "reduced"):
        value = entry[name]
        if not isinstance(value, str) or not _AMOUNT.match(value) or not float(value) > 0:
            raise _fail(
                source,
                f"{key}.{name}",
                f'must be an amount > 0 with two decimals ("2900.00"), got {value!r}',
            )


@dataclass(frozen=True)
class RulebookOverlay:
    """Data that extends every rulebook version: the dated tariffs of MBEs the versioned
    rulebooks do not know (a scenario's new MBEs). Only data grows: an overlay holds no
    parameter, code list or rule, and never changes a tariff the rulebook has.

    The extended rulebook's id says so: ``vsb-mbe-2024.1+scenario:<name>``.
    """

    name: str
    description: str
    tariffs: tuple[tuple[str, dt.date, str, str], ...]  # (mbe, from, full, reduced)
    source: str = "<overlay>"

    def extend(self, book: Rulebook) -> Rulebook:
        """`book` with this overlay's tariffs added to its ``[billing]`` section."""
        billing = dict(book.extra.get("billing", {}))
        added = [
            {"mbe": mbe, "from": start, "full": full, "reduced": reduced}
            for mbe, start, full, reduced in self.tariffs
        ]
        billing["tariffs"] = [*billing.get("tariffs", []), *added]
        extra = dict(book.extra, billing=billing, overlay=self.document())
        mbes = len({t[0] for t in self.tariffs})
        return Rulebook(
            id=f"{book.id}+scenario:{self.name}",
            effective_from=book.effective_from,
            description=f"{book.description} Extended by the overlay {self.name!r} "
            f"({self.source}): the tariffs of {mbes} more MBEs.",
            parameters=book.parameters,
            codelists=book.codelists,
            zorgkassen=book.zorgkassen,
            extra=MappingProxyType(extra),
        )

    def document(self) -> dict[str, Any]:
        """The overlay as a TOML-shaped document (what `overlay_text` writes)."""
        return {
            "overlay": {"name": self.name, "description": self.description},
            "billing": {
                "tariffs": [
                    {"mbe": mbe, "from": start, "full": full, "reduced": reduced}
                    for mbe, start, full, reduced in self.tariffs
                ]
            },
        }

    def text(self) -> str:
        """The overlay as a file `load_overlay` reads back to an equal overlay."""
        lines = [
            "# A rulebook overlay: tariffs of MBEs the versioned rulebook does not know "
            "(docs/planning.md).",
            "[overlay]",
            f"name = {_quoted(self.name)}",
            f"description = {_quoted(self.description)}",
        ]
        for mbe, start, full, reduced in self.tariffs:
            lines += [
                "",
                "[[billing.tariffs]]",
                f"mbe = {_quoted(mbe)}",
                f"from = {start.isoformat()}",
                f"full = {_quoted(full)}",
                f"reduced = {_quoted(reduced)}",
            ]
        return "\n".join(lines) + "\n"


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def make_overlay(
    name: str, description: str, entries: Sequence[Mapping[str, Any]], source: str = "<overlay>"
) -> RulebookOverlay:
    """An overlay of `entries` (``[[billing.tariffs]]`` tables), validated as a rulebook's
    tariffs are, and against every packaged rulebook: an MBE it gives tariffs to must have none
    there (an overlay adds MBEs, it never changes what a version says).

    Raises:
        RulebookError: naming the source, the key and the rule.
    """
    if not isinstance(name, str) or not _OVERLAY_NAME.match(name):
        raise _fail(source, "overlay.name", "must be 1 to 64 of a-z, 0-9, '.', '-'")
    if not isinstance(entries, list | tuple) or not entries:
        raise _fail(source, "billing.tariffs", "must be a non-empty array of tables")
    books = load_rulebooks()
    digits = tuple(books[-1].value("hco_first_digits"))
    known = {
        str(t.get("mbe")) for b in books for t in b.extra.get("billing", {}).get("tariffs", [])
    }
    tariffs: list[tuple[str, dt.date, str, str]] = []
    for index, entry in enumerate(entries):
        key = f"billing.tariffs[{index}]"
        check_tariff(entry, key, source, digits)
        mbe = str(entry["mbe"])
        if mbe in known:
            raise _fail(
                source,
                f"{key}.mbe",
                f"MBE {mbe} has tariffs in the rulebook already; an "
                "overlay only adds MBEs the rulebook does not know",
            )
        if any(t[0] == mbe and t[1] == entry["from"] for t in tariffs):
            raise _fail(
                source, f"{key}.from", f"MBE {mbe} has a tariff from {entry['from']} already"
            )
        tariffs.append((mbe, entry["from"], entry["full"], entry["reduced"]))
    return RulebookOverlay(name, str(description), tuple(tariffs), source)


def parse_overlay(text: str, source: str = "<overlay>") -> RulebookOverlay:
    """Parse and validate an overlay file: ``[overlay]`` name and description, and
    ``[[billing.tariffs]]`` entries as in a rulebook; nothing else.

    Raises:
        RulebookError: naming the source, the key and the rule.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, "<file>", f"not valid TOML: {exc}") from None
    for key in raw:
        if key not in ("overlay", "billing"):
            raise _fail(
                source,
                key,
                "is not a key of an overlay (only [overlay] and "
                "[[billing.tariffs]]: rules and parameters stay in the versioned rulebook)",
            )
    head, billing = raw.get("overlay"), raw.get("billing")
    if not isinstance(head, dict) or set(head) - {"name", "description"} or "name" not in head:
        raise _fail(source, "overlay", "needs name (and may have description), nothing else")
    if not isinstance(billing, dict) or set(billing) != {"tariffs"}:
        raise _fail(source, "billing", "needs [[billing.tariffs]] entries, nothing else")
    return make_overlay(head["name"], str(head.get("description", "")), billing["tariffs"], source)


def load_overlay(path: Path) -> RulebookOverlay:
    """Read an overlay file (`parse_overlay`).

    Raises:
        RulebookError: the file cannot be read or breaks a rule; the message names the file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(str(path), "<file>", f"cannot be read: {exc}") from None
    return parse_overlay(text, str(path))
