"""Builders shared by the engine tests: messages, the named persons and the MBEs of fixtures/."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from vsb.schemas import load_schemas
from vsb.synthetic import SAMPLE_GP, sample_request

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"

GP_RIZIV = SAMPLE_GP
"""A valid physician's RIZIV number (mod 97)."""

NO_COT_MBE = "76999984930"
"""The test MBE without a Circle-of-Trust declaration."""

_ids = itertools.count(1)


def next_id(prefix: str = "m") -> str:
    """A message id never used before in this test process."""
    return f"{prefix}-{next(_ids)}"


def _iso(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


@cache
def _persons() -> dict[str, dict[str, str]]:
    data = tomllib.loads((FIXTURES / "persons.toml").read_text("utf-8"))
    return {entry["key"]: entry for entry in data["person"]}


def persons() -> dict[str, str]:
    """Named test person (key of fixtures/persons.toml) -> INSZ."""
    return {key: entry["insz"] for key, entry in _persons().items()}


def situation(key: str) -> str:
    """The situation text of a named person."""
    return _persons()[key]["situation"]


@cache
def _mbes() -> tuple[dict[str, Any], ...]:
    data = tomllib.loads((FIXTURES / "mbes.toml").read_text("utf-8"))
    return tuple(data["mbe"])


def mbes() -> list[str]:
    """The HCO numbers of the MBEs with a CoT declaration, in file order."""
    return [m["hco"] for m in _mbes() if m["cot_declaration"]]


MBE_A, MBE_B, MBE_C = mbes()[:3]


def request(
    mbe: str,
    insz: str,
    start: dt.date | str,
    request_type: str = "new",
    message_id: str | None = None,
    **begeleiding: Any,
) -> dict[str, Any]:
    """A schema-valid request; keyword arguments replace fields of `begeleiding`."""
    return sample_request(
        mbe, insz, start, message_id or next_id("rq"), request_type, **begeleiding
    )


def with_gp(message: dict[str, Any], riziv: str) -> dict[str, Any]:
    """The request with another GP RIZIV number."""
    message["begeleiding"]["medical"]["gp"]["riziv"] = riziv
    return message


def stop(
    mbe: str,
    reference: str,
    day: dt.date | str,
    reason: str = "death",
    place_of_death: str | None = "home",
    message_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A schema-valid stop; a place of death only when given (default home for death)."""
    body: dict[str, Any] = {
        "date": _iso(day),
        "reason": reason,
        "nonBillingReason": None,
        "interventions": [{"type": "home-visit", "count": 6}],
        "firstLineContacts": [
            {"providerType": "gp", "interventionType": "consultation", "count": 3}
        ],
    }
    if place_of_death is not None:
        body["placeOfDeath"] = place_of_death
    body.update(fields)
    return {
        "kind": "stop",
        "messageId": message_id or next_id("st"),
        "mbe": mbe,
        "vsbReference": reference,
        "stop": body,
    }


def cancel_request(mbe: str, reference: str, message_id: str | None = None) -> dict[str, Any]:
    """A cancel-request."""
    return {
        "kind": "cancel-request",
        "messageId": message_id or next_id("cr"),
        "mbe": mbe,
        "vsbReference": reference,
    }


def cancel_stop(mbe: str, reference: str, message_id: str | None = None) -> dict[str, Any]:
    """A cancel-stop."""
    return {
        "kind": "cancel-stop",
        "messageId": message_id or next_id("cs"),
        "mbe": mbe,
        "vsbReference": reference,
    }


def admin_change(
    mbe: str,
    reference: str,
    message_id: str | None = None,
    contact_name: str | None = "Bart Wouters",
    accident_code: str | None = None,
) -> dict[str, Any]:
    """An admin-change of the contact person and/or the accident code."""
    message: dict[str, Any] = {
        "kind": "admin-change",
        "messageId": message_id or next_id("ac"),
        "mbe": mbe,
        "vsbReference": reference,
    }
    if contact_name is not None:
        message["contactPerson"] = {"name": contact_name}
    if accident_code is not None:
        message["accidentCode"] = accident_code
    return message


def status_query(
    mbe: str, insz: str, day: dt.date | str, message_id: str | None = None
) -> dict[str, Any]:
    """An insurance-status-query."""
    return {
        "kind": "insurance-status-query",
        "messageId": message_id or next_id("isq"),
        "mbe": mbe,
        "insz": insz,
        "date": _iso(day),
    }


# -- answers -----------------------------------------------------------------------------------


def requirements(answer: dict[str, Any]) -> list[str]:
    """The requirement ids of a refused answer's errors, in order."""
    return [e["requirement"] for e in answer.get("errors", ())]


def pointers(answer: dict[str, Any]) -> list[str]:
    """The pointers of a refused answer's errors, in order."""
    return [e["pointer"] for e in answer.get("errors", ())]


def assert_valid(name: str, document: dict[str, Any]) -> None:
    """The document satisfies schema `name`."""
    violations = load_schemas().validate(name, document)
    assert violations == (), f"{name} breaks its schema: {violations}\n{json.dumps(document)}"


def assert_refused(answer: dict[str, Any], requirement: str, pointer: str | None = None) -> None:
    """The answer is a schema-valid refusal whose first error is `requirement` (at `pointer`)."""
    assert_valid("answer", answer)
    assert answer["outcome"] == "refused", answer
    assert requirements(answer)[0] == requirement, answer
    if pointer is not None:
        assert answer["errors"][0]["pointer"] == pointer, answer


def assert_accepted(answer: dict[str, Any]) -> str | None:
    """The answer is a schema-valid acceptance; returns its VSB reference."""
    assert_valid("answer", answer)
    assert answer["outcome"] == "accepted", answer
    assert "errors" not in answer and "review" not in answer, answer
    return answer.get("vsbReference")


def assert_under_review(
    answer: dict[str, Any], requirement: str, zorgkas: int | None = None
) -> None:
    """The answer is a schema-valid under-review answer for `requirement` (at `zorgkas`)."""
    assert_valid("answer", answer)
    assert answer["outcome"] == "under-review", answer
    assert answer["review"]["requirement"] == requirement, answer
    if zorgkas is not None:
        assert answer["review"]["zorgkas"] == zorgkas, answer


def table(app: Any, name: str) -> list[tuple[Any, ...]]:
    """Every row of a store table, ordered, for before/after comparisons."""
    rows = app.store.db.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
    return [tuple(row) for row in rows]


def open_begeleiding(
    app: Any, mbe: str, insz: str, start: dt.date | str = "2024-03-01", request_type: str = "new"
) -> str:
    """Send a request that must be accepted; returns its VSB reference."""
    reference = assert_accepted(app.handle(request(mbe, insz, start, request_type)))
    assert reference is not None
    return reference


def stop_begeleiding(
    app: Any, mbe: str, reference: str, day: dt.date | str, reason: str = "stabilised"
) -> None:
    """Send a stop (no place of death unless the reason is death) that must be accepted."""
    place = "home" if reason == "death" else None
    assert_accepted(app.handle(stop(mbe, reference, day, reason, place)))
