"""The rulebook's billing data: prestation codes and dated tariffs from its `[billing]` section,
the B/F/R error types of billing requirements from the catalogue, and amounts as the messages
write them. Never from the reference engine.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from conformance.world import SetupFailed, World
from vsb.catalogue import load_catalogue

AMOUNT = re.compile(r"\d+\.\d{2}")
"""An amount as the messages write it: digits, a point and two decimals."""


def _billing_rules(world: World) -> Mapping[str, Any]:
    """The `[billing]` section of the rulebook in force on the scenario's day."""
    section = world.rulebook(world.today()).extra.get("billing")
    if not isinstance(section, Mapping):
        raise SetupFailed("the rulebook in force has no [billing] section")
    return section


def forfait_code(world: World, kind: str) -> str:
    """The rulebook's prestation code of the full or the reduced forfait."""
    codes = [
        str(code)
        for code, entry in _billing_rules(world)["prestation_codes"].items()
        if entry.get("kind") == kind
    ]
    if len(codes) != 1:
        raise SetupFailed(f"the rulebook has no single {kind!r} forfait; say full or reduced")
    return codes[0]


def tariff(world: World, mbe: str, kind: str, day: dt.date) -> str:
    """The MBE's tariff for the full or reduced forfait on a day, from the rulebook's dated
    tariffs; before its first tariff (a begeleiding of before the transition) the first one."""
    hco = world.hco(mbe)
    entries = sorted(
        (t for t in _billing_rules(world)["tariffs"] if str(t["mbe"]) == hco),
        key=lambda t: t["from"],
    )
    if not entries:
        raise SetupFailed(f"the rulebook has no tariff for MBE {mbe} ({hco})")
    in_force = [t for t in entries if t["from"] <= day] or entries[:1]
    return str(in_force[-1][kind])


def error_type(requirement: str) -> str | None:
    """The catalogue's B, F or R type of a billing requirement."""
    catalogue = load_catalogue()
    return catalogue[requirement].error_type if requirement in catalogue else None


def checked_amount(text: str) -> str:
    """An amount the scenario names, checked to be written as messages write amounts."""
    if not AMOUNT.fullmatch(text):
        raise SetupFailed(f"{text!r} is not an amount with two decimals, e.g. 2000.00")
    return text
