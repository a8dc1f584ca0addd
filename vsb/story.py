"""`vsb run`: play a story of messages and staff decisions through the reference application.

A story is JSON Lines; each line is one step with the moment it happens (`at`) and one of
`send` (a message from MBE software, a shipment included), `decide` (a staff decision on the
message with that `messageId`), `sign` (zorgkas staff sign the shipment sent with that
`messageId`), `pay` (a staff member records that the zorgkas paid the payment order of that
shipment; by the rulebook's separation of duties not its signer) or `note` (text to print).
A step may carry `expect`: the outcome and, for a refusal or review, the requirement id;
`vsb run` reports every step that does not meet it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsb.cli import command
from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.resources import fixtures


class StoryError(ValueError):
    """A story line that is not a valid step; names the file, line and field."""


@dataclass(frozen=True)
class StepResult:
    """What one step produced, and whether it met its expectation."""

    line: int
    at: str
    what: str
    outcome: str
    detail: str
    expected: str | None
    met: bool


_REQUIRED = {
    "decide": ("zorgkas", "staff", "messageId", "outcome"),
    "sign": ("zorgkas", "staff", "messageId"),
    "pay": ("zorgkas", "staff", "messageId"),
}


SAMPLE_STORY = Path("samples") / "story.jsonl"
"""Where a fixtures folder keeps its story: the one `vsb run` plays without --story."""


def _check_fields(path: Path, number: int, step: dict[str, Any]) -> None:
    for action, fields in _REQUIRED.items():
        if action not in step:
            continue
        order = step[action]
        missing = [f for f in fields if not isinstance(order, dict) or f not in order]
        if missing:
            raise StoryError(
                f"{path}:{number}: {action} needs {', '.join(fields)}; missing {', '.join(missing)}"
            )


def _load(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise StoryError(
            f"--story {path}: no such file; a story is JSON Lines (see {fixtures() / SAMPLE_STORY})"
        )
    steps = []
    for number, text in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            step = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StoryError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(step, dict) or not (set(_ACTIONS) & set(step)):
            raise StoryError(f"{path}:{number}: a step needs one of {', '.join(_ACTIONS)}")
        if "note" not in step and not isinstance(step.get("at"), str):
            raise StoryError(f"{path}:{number}: field 'at' (ISO date or date-time) is missing")
        _check_fields(path, number, step)
        steps.append((number, step))
    return steps


def _moment(path: Path, number: int, text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise StoryError(f"{path}:{number}: field 'at': {text!r} is not an ISO date") from None


_ACTIONS = ("send", "decide", "sign", "pay", "note")


def _summary(answer: dict[str, Any]) -> tuple[str, str, str]:
    if answer.get("kind") == "settlement":
        return _settlement_summary(answer)
    if answer.get("kind") == "payment-order":
        return "paid" if answer["paidOn"] else "ordered", f"{answer['amount']} EUR", ""
    outcome = answer.get("outcome") or answer.get("status", "?")
    if answer.get("errors"):
        detail = ", ".join(e["requirement"] for e in answer["errors"])
        requirement = answer["errors"][0]["requirement"]
    elif answer.get("review"):
        detail = f"{answer['review']['requirement']} (zorgkas {answer['review']['zorgkas']})"
        requirement = answer["review"]["requirement"]
    else:
        detail = answer.get("vsbReference", "") or str(answer.get("zorgkas", ""))
        requirement = ""
    return outcome, detail, requirement


def _settlement_summary(settlement: dict[str, Any]) -> tuple[str, str, str]:
    amounts = settlement["amounts"]
    detail = f"{amounts['accepted']} of {amounts['billed']} EUR accepted"
    found = [e["requirement"] for e in settlement["errors"]]
    for invoice in settlement["invoices"]:
        found += [e["requirement"] for e in invoice["errors"]]
        found += [e["requirement"] for line in invoice["lines"] for e in line["errors"]]
    if found:
        detail += "; " + ", ".join(dict.fromkeys(found))
    return settlement["status"], detail, found[0] if found else ""


def _decide(app: CentralApplication, step: dict[str, Any]) -> dict[str, Any]:
    order = step["decide"]
    for item in app.review_queue(order["zorgkas"]):
        if item.message_id == order["messageId"]:
            return app.decide(
                item.id, order["zorgkas"], order["staff"], order["outcome"], order.get("reason", "")
            )
    raise StoryError(f"no message {order['messageId']} in the queue of zorgkas {order['zorgkas']}")


def play(app: CentralApplication, clock: FixedClock, path: Path) -> list[StepResult]:
    """Play every step of a story; returns what each produced."""
    results = []
    answers: dict[str, dict[str, Any]] = {}  # by messageId, and payment orders by shipment
    for number, step in _load(path):
        if "note" in step:
            continue
        clock.set(_moment(path, number, step["at"]))
        answer, what = _act(app, step, answers)
        outcome, detail, requirement = _summary(answer)
        expect = step.get("expect")
        met = expect is None or (
            expect.get("outcome") == outcome
            and expect.get("requirement", requirement) == requirement
        )
        expected = None if expect is None else " ".join(str(v) for v in expect.values())
        results.append(StepResult(number, step["at"], what, outcome, detail, expected, met))
    return results


def _act(
    app: CentralApplication, step: dict[str, Any], answers: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], str]:
    if "send" in step:
        answer = app.handle(step["send"])
        answers[str(step["send"].get("messageId"))] = answer
        return answer, f"{step['send'].get('kind', '?')} {step['send'].get('messageId', '')}"
    if "decide" in step:
        return _decide(app, step), f"decision on {step['decide']['messageId']}"
    order = step.get("sign") or step["pay"]
    shipment = answers.get(order["messageId"])
    if shipment is None or "settlementId" not in shipment:
        raise StoryError(f"no shipment {order['messageId']} was sent earlier in the story")
    if "sign" in step:
        settlement, payment = app.sign(shipment["settlementId"], order["zorgkas"], order["staff"])
        answers[f"order:{order['messageId']}"] = payment
        return settlement, f"signature of {order['messageId']}"
    payment = answers[f"order:{order['messageId']}"]
    paid = app.record_payment(payment["orderId"], order["zorgkas"], clock_day(app), order["staff"])
    return paid, f"payment of {order['messageId']}"


def clock_day(app: CentralApplication) -> dt.date:
    """The application's current day."""
    return app.clock.now().date()


@command("run")
def run(args: argparse.Namespace) -> int:
    """Play the sample story and print the answers."""
    story = args.story or args.fixtures / SAMPLE_STORY
    if args.story is None and not story.is_file():
        raise StoryError(f"--fixtures {args.fixtures}: no {SAMPLE_STORY} there; give --story FILE")
    clock = FixedClock(dt.date(2024, 1, 1))
    app = CentralApplication.from_fixtures(args.fixtures, clock)
    results = play(app, clock, story)
    if args.format == "json":
        print(json.dumps([r.__dict__ for r in results], indent=2))
    else:
        print(f"Reference central application, rulebook {app.rulebook().id}; story {story}\n")
        for r in results:
            mark = "ok " if r.met else "!! "
            print(f"{mark}{r.at:<19} {r.what:<38} {r.outcome:<13} {r.detail}")
        missed = [r for r in results if not r.met]
        print(
            f"\n{len(results)} steps, {len(results) - len(missed)} as expected, {len(missed)} not"
        )
    return 1 if any(not r.met for r in results) else 0
