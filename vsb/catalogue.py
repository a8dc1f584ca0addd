"""The requirement catalogue: every rule the harness certifies, under a stable id."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Actor = Literal["central", "mbe", "both"]
Outcome = Literal["refused", "under-review", "none"]
ErrorType = Literal["B", "F", "R"]

_ACTORS = ("central", "mbe", "both")
_OUTCOMES = ("refused", "under-review", "none")
_ERROR_TYPES = ("B", "F", "R")
_FIELDS = {
    "id",
    "area",
    "text",
    "source",
    "actor",
    "automated",
    "outcome",
    "error_type",
    "manual_reason",
}


class CatalogueError(ValueError):
    """The catalogue file breaks its own format; names the entry and the field."""


@dataclass(frozen=True)
class Requirement:
    """One rule: what it says, where it comes from, whom it binds."""

    id: str
    area: str
    text: str
    source: str
    actor: Actor
    automated: bool
    outcome: Outcome
    error_type: ErrorType | None = None
    manual_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The requirement as plain JSON-ready data."""
        data: dict[str, Any] = {
            "id": self.id,
            "area": self.area,
            "text": self.text,
            "source": self.source,
            "actor": self.actor,
            "automated": self.automated,
            "outcome": self.outcome,
        }
        if self.error_type is not None:
            data["error_type"] = self.error_type
        if self.manual_reason:
            data["manual_reason"] = self.manual_reason
        return data


@dataclass(frozen=True)
class Catalogue:
    """All requirements, in catalogue order, looked up by id."""

    requirements: tuple[Requirement, ...]

    def __getitem__(self, requirement_id: str) -> Requirement:
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        raise KeyError(f"no requirement {requirement_id!r} in the catalogue")

    def __contains__(self, requirement_id: object) -> bool:
        return any(r.id == requirement_id for r in self.requirements)

    def ids(self) -> tuple[str, ...]:
        """The ids in catalogue order."""
        return tuple(r.id for r in self.requirements)


def _require(entry: dict[str, Any], index: int, field: str, kind: type) -> Any:
    value = entry.get(field)
    if not isinstance(value, kind):
        name = entry.get("id", f"entry {index}")
        raise CatalogueError(f"requirement {name}: field {field!r} must be a {kind.__name__}")
    return value


def _choice(entry: dict[str, Any], index: int, field: str, allowed: tuple[str, ...]) -> Any:
    value = _require(entry, index, field, str)
    if value not in allowed:
        raise CatalogueError(
            f"requirement {entry.get('id', index)}: {field} {value!r} is not one of {allowed}"
        )
    return value


def _parse(entry: dict[str, Any], index: int) -> Requirement:
    unknown = set(entry) - _FIELDS
    if unknown:
        raise CatalogueError(f"requirement {entry.get('id', index)}: unknown fields {unknown}")
    requirement_id = _require(entry, index, "id", str)
    if not requirement_id.startswith("REQ-"):
        raise CatalogueError(f"requirement {requirement_id}: id must start with 'REQ-'")
    automated = _require(entry, index, "automated", bool)
    manual_reason = entry.get("manual_reason", "")
    if not automated and not (isinstance(manual_reason, str) and manual_reason.strip()):
        raise CatalogueError(
            f"requirement {requirement_id}: automated = false needs manual_reason "
            "(why no scenario can test it)"
        )
    error_type = entry.get("error_type")
    if error_type is not None:
        error_type = _choice(entry, index, "error_type", _ERROR_TYPES)
    return Requirement(
        id=requirement_id,
        area=_require(entry, index, "area", str),
        text=_require(entry, index, "text", str),
        source=_require(entry, index, "source", str),
        actor=_choice(entry, index, "actor", _ACTORS),
        automated=automated,
        outcome=_choice(entry, index, "outcome", _OUTCOMES),
        error_type=error_type,
        manual_reason=manual_reason if isinstance(manual_reason, str) else "",
    )


def parse_catalogue(text: str) -> Catalogue:
    """Parse and validate catalogue TOML text.

    Raises:
        CatalogueError: a field is missing or of the wrong kind, or an id is used twice.
    """
    entries = tomllib.loads(text).get("requirement", [])
    requirements = tuple(_parse(entry, i) for i, entry in enumerate(entries))
    seen: set[str] = set()
    for requirement in requirements:
        if requirement.id in seen:
            raise CatalogueError(f"requirement id {requirement.id} is used twice")
        seen.add(requirement.id)
    return Catalogue(requirements)


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package, validated once."""
    text = resources.files("vsb.data").joinpath("requirements.toml").read_text("utf-8")
    return parse_catalogue(text)
