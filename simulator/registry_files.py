"""Write what a run loaded into the central application: its registry and its MBEs.

A replay of the recorded traffic (`vsb audit`) needs the same registry and MBEs the engine had,
so `--out` gets them beside the streams: `registry/` in the KSZ format the engine loads
(docs/registry-format.md) and `mbes.toml` in the format of `vsb.mbes`. The registry is the
snapshot loaded at the start; its `deaths.csv` lists the deaths the daily deaths flow delivered
during the run (each at 06:00 the day after it happened).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from vsb.mbes import Mbe
from vsb.membership import HEADERS, NATIONAL_REGISTER, RegistrySnapshot
from vsb.rulebook import OVERLAY_FILE, RulebookOverlay

__all__ = ["A415_COUNTRY", "OVERLAY_FILE", "write_mbes", "write_overlay", "write_registry"]

# The model knows that a person is insured abroad (A415), not where: the user-assigned
# ISO 3166 code stands for "a country the simulator does not name".
A415_COUNTRY = "XX"

_REGISTER_STATUS = {
    None: "registered",
    "struck-from-register": "struck-ex-officio",
    "asylum-seeker-not-recognised": "waiting-register",
    "international-official": "registered",
    "temporary-non-eu-student": "registered",
}
_EXCLUDED = ("international-official", "temporary-non-eu-student")


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def _write(folder: Path, name: str, rows: Iterable[Sequence[object]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADERS[name])
        writer.writerows(rows)


def write_registry(
    snapshot: RegistrySnapshot,
    deaths: Sequence[tuple[str, dt.date]],
    folder: Path,
    a415_from: dt.date,
) -> None:
    """Write `snapshot` and the delivered `deaths` as a registry directory in `folder`.

    `a415_from` is the `insured_from` of the A415 rows (the model keeps no period).
    """
    folder.mkdir(parents=True, exist_ok=True)
    persons = snapshot.persons
    _write(
        folder,
        NATIONAL_REGISTER,
        (
            (
                p.insz,
                p.last_name,
                p.first_name,
                _iso(p.birth_date),
                p.sex,
                p.region,
                p.postal_code,
                "" if p.health_insurer is None else p.health_insurer,
                _REGISTER_STATUS[p.cannot_affiliate],
            )
            for p in persons
        ),
    )
    _write(
        folder,
        "a415.csv",
        ((p.insz, A415_COUNTRY, a415_from.isoformat(), "") for p in persons if p.foreign_insured),
    )
    _write(
        folder,
        "excluded.csv",
        ((p.insz, p.cannot_affiliate) for p in persons if p.cannot_affiliate in _EXCLUDED),
    )
    _write(folder, "deaths.csv", ((insz, day.isoformat()) for insz, day in sorted(deaths)))
    _write(
        folder,
        "affiliations.csv",
        (
            (a.insz, a.zorgkas, a.type, a.start.isoformat(), _iso(a.end))
            for a in snapshot.affiliations
        ),
    )
    _write(
        folder,
        "vzv25.csv",
        sorted((year, p.insz) for p in persons for year in p.vzv25_years),
    )
    _write(
        folder,
        "increased-allowance.csv",
        sorted((year, p.insz) for p in persons for year in p.increased_allowance_years),
    )


def _toml_text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_mbes(mbes: Iterable[Mbe], path: Path) -> None:
    """Write the MBEs as a `vsb.mbes` TOML file (one ``[[mbe]]`` table each)."""
    tables = [
        "\n".join(
            (
                "[[mbe]]",
                f"hco = {_toml_text(m.hco)}",
                f"name = {_toml_text(m.name)}",
                f"network = {_toml_text(m.network)}",
                f"province = {_toml_text(m.province)}",
                f"population = {m.population}",
                f"cot_declaration = {'true' if m.cot_declaration else 'false'}",
            )
        )
        for m in mbes
    ]
    header = "# The MBEs the central application recognised during the run (vsb simulate).\n"
    path.write_text(header + "\n\n".join(tables) + "\n", encoding="utf-8")


def write_overlay(overlay: RulebookOverlay, path: Path) -> None:
    """Write the run's rulebook overlay (the tariffs of its `[growth]` MBEs), which a replay
    of the streams needs to bill them as the run did (`vsb audit`)."""
    path.write_text(overlay.text(), encoding="utf-8")
