"""Load the recognised MBEs (palliative home-care teams) from a TOML file, validated.

The file is a list of ``[[mbe]]`` tables with the keys hco, name, network, province,
population and cot_declaration. Every refusal is an MbeFileError naming the entry and field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsb.identifiers import InvalidIdentifier, validate_hco

__all__ = ["Mbe", "MbeFileError", "load_mbes"]


@dataclass(frozen=True)
class Mbe:
    """A recognised MBE: its HCO number, who it is, the population it serves, CoT status."""

    hco: str
    name: str
    network: str
    province: str
    population: int
    cot_declaration: bool


class MbeFileError(ValueError):
    """An MBE file refused at load: which entry, which field, which rule, and why."""

    def __init__(self, path: str, entry: str, field: str, rule: str, detail: str) -> None:
        self.path = path
        self.entry = entry
        self.field = field
        self.rule = rule
        self.detail = detail
        super().__init__(f"{path}: {entry}, field {field!r}, rule {rule}: {detail}")


_FIELD_TYPES: dict[str, type] = {
    "hco": str,
    "name": str,
    "network": str,
    "province": str,
    "population": int,
    "cot_declaration": bool,
}


def _entry_name(index: int, table: dict[str, Any]) -> str:
    """How an entry is named in errors: its position, and its name when it has one."""
    name = table.get("name")
    return f"mbe[{index}] ({name})" if isinstance(name, str) else f"mbe[{index}]"


def _check_fields(path: str, entry: str, table: dict[str, Any]) -> None:
    """Refuse unknown keys, missing keys and values of the wrong type."""
    for key in table:
        if key not in _FIELD_TYPES:
            known = ", ".join(_FIELD_TYPES)
            raise MbeFileError(path, entry, key, "unknown-key", f"the keys are {known}")
    for key, expected in _FIELD_TYPES.items():
        if key not in table:
            raise MbeFileError(path, entry, key, "required", "add this key")
        value = table[key]
        # bool is an int in Python; a population of `true` must still be refused.
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            detail = f"{value!r} is not a {expected.__name__}"
            raise MbeFileError(path, entry, key, "type", detail)
        if isinstance(value, str) and not value.strip():
            raise MbeFileError(path, entry, key, "required", "the value is empty")
    if table["population"] <= 0:
        raise MbeFileError(path, entry, "population", "range", "it must be a positive number")


def _mbe(path: str, index: int, table: Any, allowed_first_digits: Sequence[str]) -> Mbe:
    """Validate one ``[[mbe]]`` table and build the Mbe."""
    entry = f"mbe[{index}]"
    if not isinstance(table, dict):
        raise MbeFileError(path, entry, "", "type", "each entry must be a [[mbe]] table")
    entry = _entry_name(index, table)
    _check_fields(path, entry, table)
    try:
        hco = validate_hco(table["hco"], allowed_first_digits)
    except InvalidIdentifier as error:
        raise MbeFileError(path, entry, "hco", f"hco-{error.rule}", str(error)) from error
    return Mbe(
        hco=hco,
        name=table["name"],
        network=table["network"],
        province=table["province"],
        population=table["population"],
        cot_declaration=table["cot_declaration"],
    )


def load_mbes(path: Path, allowed_first_digits: Sequence[str] = ("7",)) -> tuple[Mbe, ...]:
    """Load and validate the MBEs of a TOML file, in file order.

    Raises MbeFileError with rule "toml" (unreadable TOML), "structure" (no [[mbe]] list),
    "unknown-key", "required", "type", "range", "hco-<identifier rule>" or "duplicate".
    """
    name = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MbeFileError(name, "(file)", "", "toml", str(error)) from None
    tables = document.get("mbe")
    if not isinstance(tables, list) or set(document) != {"mbe"}:
        detail = "the file must hold only [[mbe]] tables"
        raise MbeFileError(name, "(file)", "mbe", "structure", detail)
    mbes: list[Mbe] = []
    for index, table in enumerate(tables):
        mbe = _mbe(name, index, table, allowed_first_digits)
        for field in ("hco", "name"):
            if any(getattr(seen, field) == getattr(mbe, field) for seen in mbes):
                detail = f"{getattr(mbe, field)!r} is already used by an earlier entry"
                raise MbeFileError(name, _entry_name(index, table), field, "duplicate", detail)
        mbes.append(mbe)
    return tuple(mbes)
