"""The versioned rulebook (vsb/data/rulebooks/, vsb.rulebook): §7 parameters, parsing, versions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import vsb.rulebook as rulebook_module
from tests.engine_support import (
    MBE_A,
    admin_change,
    assert_accepted,
    assert_refused,
    assert_under_review,
    open_begeleiding,
    persons,
    request,
    stop_begeleiding,
)
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.rulebook import (
    CODELISTS,
    Rulebook,
    RulebookError,
    default_rulebook,
    load_rulebooks,
    parse_rulebook,
    rulebook_for,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "vsb" / "data" / "rulebooks" / "vsb-mbe-2024.1.toml"
TEXT = SHIPPED.read_text("utf-8")
P = persons()

SECTION_7 = {
    "transition_date": dt.date(2024, 1, 1),
    "first_billing_month": "2024-02",
    "request_deadline_days": 30,
    "late_change_window_days": 5,
    "billing_deadline_after_death_months": 2,
    "shipment_refusal_threshold": 0.05,
    "payment_term_days": 42,
    "review_zorgkas_default": 680,
}


def _with(name: str, value: str, text: str = TEXT) -> str:
    """The rulebook text with parameter `name` set to the TOML literal `value`."""
    pattern = rf"(\[parameters\.{name}\]\nvalue = )[^\n]+"
    changed, count = re.subn(pattern, rf"\g<1>{value}", text)
    assert count == 1, name
    return changed


def _version(book_id: str, effective: str, text: str = TEXT) -> str:
    text = re.sub(r'id = "vsb-mbe-2024.1"', f'id = "{book_id}"', text, count=1)
    return re.sub(r"effective_from = [0-9-]+", f"effective_from = {effective}", text, count=1)


@pytest.mark.parametrize(("name", "value"), sorted(SECTION_7.items()))
def test_every_section_7_parameter_has_its_default(name: str, value: object) -> None:
    book = rulebook_for(dt.date(2024, 1, 1))
    assert book.value(name) == value
    assert book.parameters[name].text and book.parameters[name].requirement.startswith("REQ-")


def test_the_code_lists_of_section_7_are_shipped() -> None:
    book = default_rulebook()
    assert set(CODELISTS) <= set(book.codelists)
    assert {
        "death",
        "hospital-admission",
        "care-home-admission",
        "palliative-unit",
        "stabilised",
        "refusal",
        "moved",
        "other-mbe",
        "other",
    } == set(book.codelists["stop_reason"])
    assert {"home", "care-home", "hospital", "palliative-unit", "other", "unknown"} == set(
        book.codelists["place_of_death"]
    )
    assert len(book.codelists["provider_type"]) == 7


def test_the_six_zorgkassen_are_linked_to_their_health_insurers() -> None:
    book = default_rulebook()
    assert {code: kas["health_insurer"] for code, kas in book.zorgkassen.items()} == {
        180: 100,
        280: 200,
        380: 300,
        480: 400,
        580: 500,
        680: 600,
    }
    assert book.zorgkas_for_insurer(300) == 380
    assert book.zorgkas_for_insurer(None) == 680


def test_every_full_forfait_tariff_lies_between_2300_and_3300_euro() -> None:
    tariffs = default_rulebook().extra["billing"]["tariffs"]
    amounts = [float(t["full"]) for t in tariffs]
    assert len(amounts) >= 15 and all(2300 <= a <= 3300 for a in amounts)


def test_unknown_parameter_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="no_such_thing"):
        default_rulebook().value("no_such_thing")


def test_shipped_rulebooks_are_ordered_by_effective_date() -> None:
    books = load_rulebooks()
    assert [b.effective_from for b in books] == sorted(b.effective_from for b in books)
    assert default_rulebook() is books[-1]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            TEXT.replace('text = "Days after the start date within which', 'note = "Days after'),
            "parameters.request_deadline_days",
        ),
        (
            TEXT.replace('requirement = "REQ-RQ-DEADLINE"', 'requirement = "REQ-NOPE"'),
            "parameters.request_deadline_days",
        ),
        (re.sub(r"\[codelists\.referral\][^\[]+", "", TEXT), "codelists"),
        (re.sub(r"\[codelists\.origin\][^\[]+", "[codelists.origin]\n", TEXT), "codelists.origin"),
        (re.sub(r"\[zorgkassen\.680\]\n[^\n]+\n[^\n]+\n", "", TEXT), "zorgkassen"),
        (TEXT.replace("effective_from = 2024-01-01", 'effective_from = "soon"'), "rulebook"),
        ("this is = = not toml", "<file>"),
    ],
    ids=[
        "parameter-keys",
        "parameter-requirement",
        "codelist-missing",
        "codelist-empty",
        "zorgkassen",
        "effective-from",
        "toml",
    ],
)
def test_a_malformed_rulebook_is_an_error_naming_the_file_and_key(text: str, key: str) -> None:
    with pytest.raises(RulebookError) as raised:
        parse_rulebook(text, "broken.toml")
    assert str(raised.value).startswith(f"broken.toml: {key}:")


def test_rulebook_for_picks_the_version_in_force(monkeypatch: pytest.MonkeyPatch) -> None:
    first = parse_rulebook(TEXT, "a.toml")
    second = parse_rulebook(_version("vsb-mbe-2025.1", "2025-01-01"), "b.toml")
    monkeypatch.setattr(rulebook_module, "load_rulebooks", lambda: (first, second))
    assert rulebook_for(dt.date(2024, 12, 31)).id == "vsb-mbe-2024.1"
    assert rulebook_for(dt.date(2025, 1, 1)).id == "vsb-mbe-2025.1"
    assert rulebook_for(dt.date(2030, 6, 1)).id == "vsb-mbe-2025.1"
    assert rulebook_for(dt.date(2023, 6, 1)).id == "vsb-mbe-2024.1"


# -- the engine reads its policy from the rulebook, not from literals ---------------------------


def _use(monkeypatch: pytest.MonkeyPatch, book: Rulebook) -> None:
    monkeypatch.setattr("vsb.engine.rulebook_for", lambda day: book)


def test_a_shorter_request_deadline_changes_the_engines_verdict(
    app: CentralApplication, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, parse_rulebook(_with("request_deadline_days", "10")))
    clock.set(dt.date(2024, 3, 12))
    assert_accepted(app.handle(request(MBE_A, P["affiliated_180_official"], "2024-03-02")))
    assert_refused(
        app.handle(request(MBE_A, P["affiliated_280_official"], "2024-03-01")), "REQ-RQ-DEADLINE"
    )


def test_a_later_transition_date_changes_the_engines_verdict(
    app: CentralApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, parse_rulebook(_with("transition_date", "2024-03-01")))
    assert_refused(
        app.handle(request(MBE_A, P["affiliated_180_official"], "2024-02-29")), "REQ-TR-BEFORE"
    )
    assert_accepted(app.handle(request(MBE_A, P["affiliated_280_official"], "2024-03-01")))


def test_a_shorter_late_change_window_changes_the_engines_verdict(
    app: CentralApplication, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, parse_rulebook(_with("late_change_window_days", "1")))
    reference = open_begeleiding(app, MBE_A, P["affiliated_380_official"])
    stop_begeleiding(app, MBE_A, reference, "2024-03-09")
    clock.advance(days=2)
    assert_under_review(app.handle(admin_change(MBE_A, reference)), "REQ-CH-LATE-WINDOW", 380)


def test_another_default_review_zorgkas_changes_the_review_queue(
    app: CentralApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, parse_rulebook(_with("review_zorgkas_default", "580")))
    answer = app.handle(request(MBE_A, P["not_affiliated_foreign_insured"], "2024-03-01"))
    assert_under_review(answer, "REQ-INS-CAN-AFFILIATE", 580)


def test_another_code_list_changes_the_engines_verdict(
    app: CentralApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = TEXT.replace('onco-lung = "Oncologisch: long"\n', "")
    _use(monkeypatch, parse_rulebook(text))
    assert_refused(
        app.handle(request(MBE_A, P["affiliated_180_official"], "2024-03-01")),
        "REQ-RQ-CODELIST",
        "/begeleiding/medical/diagnosis",
    )
