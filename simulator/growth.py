"""The `[growth]` knob of a scenario: more MBEs, each with the tariffs of an MBE the rulebook
knows, carried by a rulebook overlay (`vsb.rulebook.RulebookOverlay`).

Monthly signing and payment work grows with the number of MBEs (one shipment per MBE, zorgkas
and month), not only with volume: `extra_mbes` synthetic MBEs join the scenario's, with valid,
unique HCO numbers, their own patients (their own streams) and their own monthly shipments.
Together they take `volume_share` of the begeleidingen (each serves an equal population, set
so that its share of the arrivals is `volume_share / extra_mbes`); the total stays
`mbes.arrivals.per_year * scenario.growth`, so that a sweep over `extra_mbes` changes the
number of MBEs and nothing else.
"""

from __future__ import annotations

import re

from simulator.scenario_reader import Reader, ScenarioError
from vsb.billing.money import amount
from vsb.billing.rules import billing_rules
from vsb.identifiers import make_hco
from vsb.mbes import Mbe
from vsb.rulebook import RulebookError, RulebookOverlay, default_rulebook, make_overlay

__all__ = ["MAX_EXTRA_MBES", "SYNTHETIC_SERIAL", "read_growth"]

MAX_EXTRA_MBES = 100
SYNTHETIC_SERIAL = 69001  # HCO numbers make_hco(69001 + i, 930), skipping any already known
VOLUME_SHARE_MAX = 0.9


def read_growth(
    table: Reader, mbes: tuple[Mbe, ...], scenario: str
) -> tuple[tuple[Mbe, ...], RulebookOverlay | None]:
    """The synthetic MBEs of `[growth]` and the overlay with their tariffs (None for none).

    Errors (an unknown `tariffs_like`, `extra_mbes` out of 0..MAX_EXTRA_MBES, a share out of
    range) are noted on `table` with the scenario's others, naming the key.
    """
    count = table.integer("extra_mbes", 0, MAX_EXTRA_MBES)
    before = len(table.errors)
    like = table.text("tariffs_like")
    like_read = len(table.errors) == before
    share = table.number("volume_share", 0.0, strict=True, high=VOLUME_SHARE_MAX)
    table.done()
    tariffs = billing_rules(default_rulebook()).tariffs
    if like_read and like not in tariffs:
        table.fail(
            ScenarioError(
                table.key("tariffs_like"),
                f"must be the HCO number of an MBE with tariffs in rulebook "
                f"{default_rulebook().id} (one of {sorted(tariffs)})",
                like,
            )
        )
        return (), None
    if count == 0 or like not in tariffs or table.errors:
        return (), None
    extra = _synthetic(mbes, like, count, share)
    entries = [
        {"mbe": m.hco, "from": t.start, "full": amount(t.full), "reduced": amount(t.reduced)}
        for m in extra
        for t in tariffs[like]
    ]
    name = re.sub(r"[^a-z0-9.-]+", "-", scenario.lower()).strip("-")[:64] or "scenario"
    description = f"{count} synthetic MBEs with the tariffs of MBE {like} (scenario {scenario})"
    try:
        return extra, make_overlay(name, description, entries, f"scenario {scenario}")
    except RulebookError as exc:  # not expected: the entries are the rulebook's own
        table.fail(ScenarioError(table.key("tariffs_like"), str(exc)))
        return (), None


def _synthetic(mbes: tuple[Mbe, ...], like: str, count: int, share: float) -> tuple[Mbe, ...]:
    """`count` MBEs like `like`, each serving an equal population so that together they take
    `share` of the arrivals (arrivals are shared by population, `simulator.plans`)."""
    total = sum(m.population for m in mbes)
    population = max(1, round(share * total / (count * (1 - share))))
    template = next((m for m in mbes if m.hco == like), None)
    taken = {m.hco for m in mbes} | set(billing_rules(default_rulebook()).tariffs)
    found: list[Mbe] = []
    serial = SYNTHETIC_SERIAL
    while len(found) < count:
        hco = make_hco(serial, 930)
        serial += 1
        if hco in taken:
            continue
        found.append(
            Mbe(
                hco=hco,
                name=f"Synthetische MBE {len(found) + 1:03d} (tarieven van {like})",
                network=template.network if template else "synthetisch",
                province=template.province if template else "synthetisch",
                population=population,
                cot_declaration=True,
            )
        )
    return tuple(found)
