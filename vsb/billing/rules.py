"""The billing part of the rulebook: prestation codes, dated tariffs per MBE, review situations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from vsb.billing.money import cents
from vsb.rulebook import Rulebook, RulebookError


@dataclass(frozen=True)
class Tariff:
    """What an MBE may bill for the full and the reduced forfait from a date on."""

    mbe: str
    start: dt.date
    full: int
    reduced: int


@dataclass(frozen=True)
class BillingRules:
    """The billing section of one rulebook, validated."""

    codes: dict[str, str]  # prestation code -> "full" | "reduced"
    tariffs: dict[str, tuple[Tariff, ...]]  # mbe -> tariffs, oldest first
    review_reasons: dict[str, tuple[str, str]]  # situation -> (requirement, reason)

    def tariff(self, mbe: str, code: str, day: dt.date) -> int | None:
        """The MBE's amount in cents for a code on a day; None when it has none."""
        applicable = [t for t in self.tariffs.get(mbe, ()) if t.start <= day]
        if not applicable or code not in self.codes:
            return None
        tariff = applicable[-1]
        return tariff.full if self.codes[code] == "full" else tariff.reduced


def _tariff(entry: dict[str, Any], index: int) -> Tariff:
    try:
        return Tariff(
            str(entry["mbe"]), entry["from"], cents(entry["full"]), cents(entry["reduced"])
        )
    except (KeyError, ArithmeticError, TypeError) as exc:
        raise RulebookError(
            f"billing.tariffs[{index}]: needs mbe, from (date), full and "
            f"reduced (amount strings): {exc}"
        ) from None


_CACHE: dict[str, BillingRules] = {}


def billing_rules(rulebook: Rulebook) -> BillingRules:
    """The billing rules of a rulebook.

    Raises:
        RulebookError: the billing section is missing or malformed.
    """
    if rulebook.id not in _CACHE:
        _CACHE[rulebook.id] = _parse(rulebook)
    return _CACHE[rulebook.id]


def _parse(rulebook: Rulebook) -> BillingRules:
    section = rulebook.extra.get("billing")
    if not isinstance(section, dict):
        raise RulebookError(f"{rulebook.id}: the [billing] section is missing")
    codes = {code: entry["kind"] for code, entry in section["prestation_codes"].items()}
    if sorted(set(codes.values())) != ["full", "reduced"]:
        raise RulebookError(
            f"{rulebook.id}: billing.prestation_codes needs a full and a reduced forfait code"
        )
    tariffs: dict[str, list[Tariff]] = {}
    for index, entry in enumerate(section["tariffs"]):
        tariff = _tariff(entry, index)
        tariffs.setdefault(tariff.mbe, []).append(tariff)
    reasons = {
        name: (entry["requirement"], entry["reason"])
        for name, entry in section["review_situations"].items()
    }
    return BillingRules(
        codes=codes,
        tariffs={mbe: tuple(sorted(ts, key=lambda t: t.start)) for mbe, ts in tariffs.items()},
        review_reasons=reasons,
    )
