"""Rulebook overlays (vsb.rulebook.RulebookOverlay): tariffs of MBEs the versioned rulebook does
not know, validated at load like the rulebook's, visible in the extended rulebook's id, and
read by the engine only when given (the default stays the packaged rulebook)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import vsb.mbe_messages as build
from tests.billing_support import FULL, MBE, REDUCED, START, errors_of, statuses
from vsb.billing.money import amount
from vsb.billing.rules import billing_rules
from vsb.cli import main
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.identifiers import make_hco
from vsb.mbes import Mbe, load_mbes
from vsb.rulebook import (
    RulebookError,
    RulebookOverlay,
    default_rulebook,
    load_overlay,
    make_overlay,
    parse_overlay,
)
from vsb.synthetic import sample_request, synthetic_registry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NEW = make_hco(69001, 930)


def _entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "mbe": NEW,
        "from": dt.date(2024, 1, 1),
        "full": "2500.00",
        "reduced": "1250.00",
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def _overlay(name: str = "more-mbes", **changes: Any) -> RulebookOverlay:
    return make_overlay(name, "a test overlay", [_entry(**changes)])


def test_an_overlay_adds_the_tariffs_of_a_new_mbe_and_says_so_in_the_rulebook_id() -> None:
    base = default_rulebook()
    extended = _overlay().extend(base)
    assert extended.id == f"{base.id}+scenario:more-mbes"
    assert "more-mbes" in extended.description
    rules = billing_rules(extended)
    assert rules.tariff(NEW, FULL, dt.date(2024, 3, 1)) == 250000
    assert rules.tariff(NEW, REDUCED, dt.date(2024, 3, 1)) == 125000
    # every tariff of the rulebook is still there, unchanged
    for mbe, tariffs in billing_rules(base).tariffs.items():
        assert rules.tariffs[mbe] == tariffs


def test_the_default_rulebook_is_unchanged_by_an_overlay() -> None:
    base = default_rulebook()
    _overlay().extend(base)
    assert base.id == "vsb-mbe-2024.1"
    assert NEW not in billing_rules(default_rulebook()).tariffs
    assert "overlay" not in base.extra


def test_two_overlays_of_one_name_keep_their_own_tariffs() -> None:
    """A sweep over a scenario's extra MBEs makes two rulebooks with the same id."""
    one = _overlay().extend(default_rulebook())
    other = _overlay(full="3000.00").extend(default_rulebook())
    assert one.id == other.id
    assert billing_rules(one).tariff(NEW, FULL, START) == 250000
    assert billing_rules(other).tariff(NEW, FULL, START) == 300000
    assert billing_rules(one).tariff(NEW, FULL, START) == 250000


def test_an_overlay_file_reads_back_to_the_same_overlay(tmp_path: Path) -> None:
    overlay = _overlay()
    path = tmp_path / "overlay.toml"
    path.write_text(overlay.text(), encoding="utf-8")
    again = load_overlay(path)
    assert (again.name, again.description, again.tariffs) == (
        overlay.name,
        overlay.description,
        overlay.tariffs,
    )


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"full": None}, "billing.tariffs[0]"),
        ({"extra": 1}, "billing.tariffs[0]"),
        ({"from": "2024-01-01"}, "billing.tariffs[0].from"),
        ({"full": "0.00"}, "billing.tariffs[0].full"),
        ({"reduced": "-10.00"}, "billing.tariffs[0].reduced"),
        ({"full": "2900"}, "billing.tariffs[0].full"),
        ({"full": 2900}, "billing.tariffs[0].full"),
        ({"mbe": "76310196930"}, "billing.tariffs[0].mbe"),
        ({"mbe": "12345678901"}, "billing.tariffs[0].mbe"),
        ({"mbe": MBE}, "billing.tariffs[0].mbe"),  # has tariffs in the rulebook already
    ],
)
def test_a_bad_tariff_entry_is_refused_naming_its_key(changes: dict[str, Any], key: str) -> None:
    with pytest.raises(RulebookError) as raised:
        _overlay(**changes)
    assert f": {key}: " in str(raised.value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[overlay]\nname = 'x'\n", "billing"),
        ("[overlay]\nname = 'x'\n[billing]\ntariffs = []\n", "billing.tariffs"),
        ("[billing]\ntariffs = []\n", "overlay"),
        ("[overlay]\nname = 'Not A Name'\n[billing]\ntariffs = [1]\n", "overlay.name"),
        ("[overlay]\nname = 'x'\n[parameters.payment_term_days]\nvalue = 1\n", "parameters"),
        ("[overlay]\nname = 'x'\n[billing]\ntariffs = [1]\nprestation_codes = {}\n", "billing"),
        ("[overlay\n", "<file>"),
    ],
)
def test_a_malformed_overlay_file_is_refused_naming_the_key(text: str, key: str) -> None:
    with pytest.raises(RulebookError) as raised:
        parse_overlay(text, "o.toml")
    assert str(raised.value).startswith(f"o.toml: {key}: ")


def test_a_second_tariff_of_one_mbe_on_the_same_date_is_refused() -> None:
    with pytest.raises(RulebookError, match=r"billing\.tariffs\[1\]\.from"):
        make_overlay("x", "", [_entry(), _entry(full="2600.00")])


def test_a_missing_overlay_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match=r"absent\.toml: <file>: cannot be read"):
        load_overlay(tmp_path / "absent.toml")


@given(st.integers(min_value=1, max_value=99_999_999))
def test_the_extended_rulebook_bills_the_overlays_amount_to_the_cent(value: int) -> None:
    extended = _overlay(full=amount(value)).extend(default_rulebook())
    assert billing_rules(extended).tariff(NEW, FULL, START) == value


def _app(overlay: RulebookOverlay | None) -> tuple[CentralApplication, FixedClock, list[str]]:
    """An application where NEW (a recognised MBE) has one accepted begeleiding."""
    clock = FixedClock(START + dt.timedelta(days=3))
    app = CentralApplication(clock=clock, rulebook_overlay=overlay)
    snapshot = synthetic_registry(1, None, None)
    app.store.load_registry(snapshot)
    extra = Mbe(NEW, "Nieuwe MBE", "Netwerk", "Antwerpen", 100_000, True)
    app.store.load_mbes((*load_mbes(FIXTURES / "mbes.toml"), extra))
    insz = snapshot.persons[0].insz
    answer = app.handle(sample_request(NEW, insz, START, "r-1"))
    assert answer["outcome"] == "accepted", answer
    clock.set(dt.date(2024, 3, 10))
    return app, clock, [insz, answer["vsbReference"]]


def _shipment(patient: list[str], line_amount: str) -> dict[str, Any]:
    invoice = build.original_invoice("F-1", patient[0], patient[1], FULL, START, line_amount)
    day = dt.date(2024, 3, 10)
    return build.shipment(f"S-{line_amount}", NEW, 180, "001/202403", day, [invoice])


def test_the_engine_reads_the_packaged_rulebook_without_an_overlay() -> None:
    app, _, patient = _app(None)
    assert app.rulebook() is default_rulebook()
    settlement = app.handle(_shipment(patient, "2500.00"))
    assert ("R", "REQ-BL-TARIFF", "/invoices/0/lines/0/amount") in errors_of(settlement)


def test_the_engine_with_an_overlay_accepts_the_new_mbes_tariff_and_no_other() -> None:
    app, _, patient = _app(_overlay())
    assert app.rulebook().id == "vsb-mbe-2024.1+scenario:more-mbes"
    assert app.rulebook() is app.rulebook()
    wrong = app.handle(_shipment(patient, "2900.00"))
    assert ("R", "REQ-BL-TARIFF", "/invoices/0/lines/0/amount") in errors_of(wrong)
    right = app.handle(_shipment(patient, "2500.00"))
    assert statuses(right) == ["accepted"] and errors_of(right) == []
    assert right["amounts"]["accepted"] == "2500.00"


def test_vsb_rules_shows_the_rulebook_extended_by_an_overlay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "overlay.toml"
    path.write_text(_overlay().text(), encoding="utf-8")
    assert main(["rules", "--format", "json", "--rulebook-overlay", str(path)]) == 0
    book = json.loads(capsys.readouterr().out)["rulebook"]
    assert book["id"] == "vsb-mbe-2024.1+scenario:more-mbes"
    assert "more-mbes" in book["description"]
    assert {"mbe": NEW, "from": "2024-01-01", "to": None, "full": "2500.00"}.items() <= next(
        t for t in book["billing"]["tariffs"] if t["mbe"] == NEW
    ).items()
    assert main(["rules"]) == 0
    assert f"  {NEW}  " not in capsys.readouterr().out  # without it: the packaged rulebook


def test_vsb_rules_with_a_broken_overlay_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "overlay.toml"
    path.write_text(_overlay().text().replace('"1250.00"', '"-1.00"'), encoding="utf-8")
    assert main(["rules", "--rulebook-overlay", str(path)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"vsb rules: error: {path}: billing.tariffs[0].reduced: must be an")
    assert "\n" not in error
