"""The billing part of the rulebook: prestation codes, dated tariffs per MBE, review situations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from vsb.billing.money import amount, cents
from vsb.rulebook import Rulebook, RulebookError, check_tariff


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
    labels: dict[str, str]  # prestation code -> its label

    def periods(self, mbe: str) -> list[tuple[Tariff, dt.date | None]]:
        """The MBE's tariffs, oldest first, each with its last day (None: still in force)."""
        tariffs = self.tariffs.get(mbe, ())
        ends = [t.start - dt.timedelta(days=1) for t in tariffs[1:]]
        return list(zip(tariffs, [*ends, None], strict=True))

    def tariff(self, mbe: str, code: str, day: dt.date) -> int | None:
        """The MBE's amount in cents for a code on a day; None when it has none."""
        applicable = [t for t in self.tariffs.get(mbe, ()) if t.start <= day]
        if not applicable or code not in self.codes:
            return None
        tariff = applicable[-1]
        return tariff.full if self.codes[code] == "full" else tariff.reduced


def _tariff(entry: dict[str, Any], index: int, rulebook: Rulebook) -> Tariff:
    """One tariff entry, checked as an overlay's are (`vsb.rulebook.check_tariff`)."""
    digits = tuple(rulebook.value("hco_first_digits"))
    check_tariff(entry, f"billing.tariffs[{index}]", rulebook.id, digits)
    return Tariff(str(entry["mbe"]), entry["from"], cents(entry["full"]), cents(entry["reduced"]))


# One entry per rulebook id; the object is kept and compared, since two overlays of one name
# (a sweep over a scenario's extra MBEs) make different rulebooks with the same id.
_CACHE: dict[str, tuple[Rulebook, BillingRules]] = {}


def billing_rules(rulebook: Rulebook) -> BillingRules:
    """The billing rules of a rulebook.

    Raises:
        RulebookError: the billing section is missing or malformed.
    """
    cached = _CACHE.get(rulebook.id)
    if cached is None or cached[0] is not rulebook:
        cached = _CACHE[rulebook.id] = (rulebook, _parse(rulebook))
    return cached[1]


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
        tariff = _tariff(entry, index, rulebook)
        tariffs.setdefault(tariff.mbe, []).append(tariff)
    reasons = {
        name: (entry["requirement"], entry["reason"])
        for name, entry in section["review_situations"].items()
    }
    return BillingRules(
        codes=codes,
        tariffs={mbe: tuple(sorted(ts, key=lambda t: t.start)) for mbe, ts in tariffs.items()},
        review_reasons=reasons,
        labels={code: str(entry["label"]) for code, entry in section["prestation_codes"].items()},
    )


def tariff_document(rules: BillingRules) -> dict[str, Any]:
    """The prestation codes and every MBE's tariffs per period, as `vsb rules` shows them."""
    return {
        "prestationCodes": {
            code: {"kind": kind, "label": rules.labels[code]} for code, kind in rules.codes.items()
        },
        "tariffs": [
            {
                "mbe": mbe,
                "from": tariff.start.isoformat(),
                "to": end.isoformat() if end else None,
                "full": amount(tariff.full),
                "reduced": amount(tariff.reduced),
            }
            for mbe in sorted(rules.tariffs)
            for tariff, end in rules.periods(mbe)
        ],
    }


def tariff_lines(rules: BillingRules) -> list[str]:
    """The prestation codes and tariffs as lines of text (`vsb rules`)."""
    lines = ["Prestation codes (REQ-BL-CODE):"]
    lines += [f"  {code}  {kind:<7}  {rules.labels[code]}" for code, kind in rules.codes.items()]
    full = next(code for code, kind in rules.codes.items() if kind == "full")
    reduced = next(code for code, kind in rules.codes.items() if kind == "reduced")
    lines.append(f"Tariffs per MBE and period (REQ-BL-TARIFF): full {full}, reduced {reduced}")
    for mbe in sorted(rules.tariffs):
        for tariff, end in rules.periods(mbe):
            until = f"to {end}" if end else "on"
            lines.append(
                f"  {mbe}  from {tariff.start} {until:<13}  full {amount(tariff.full):>8}  "
                f"reduced {amount(tariff.reduced):>8}"
            )
    return lines
