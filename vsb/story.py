"""`vsb run`: play a story of messages and staff decisions through the reference application.

A story is JSON Lines; each line is one step with the moment it happens (`at`) and one of
`send` (a message from MBE software), `decide` (a staff decision on the message with that
`messageId`) or `note` (text to print). A step may carry `expect`: the outcome and, for a
refusal or review, the requirement id; `vsb run` reports every step that does not meet it.
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


def _load(path: Path) -> list[tuple[int, dict[str, Any]]]:
    steps = []
    for number, text in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            step = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StoryError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(step, dict) or not ({"send", "decide", "note"} & set(step)):
            raise StoryError(f"{path}:{number}: a step needs one of send, decide, note")
        if "note" not in step and not isinstance(step.get("at"), str):
            raise StoryError(f"{path}:{number}: field 'at' (ISO date or date-time) is missing")
        steps.append((number, step))
    return steps


def _moment(path: Path, number: int, text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise StoryError(f"{path}:{number}: field 'at': {text!r} is not an ISO date") from None


def _summary(answer: dict[str, Any]) -> tuple[str, str, str]:
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
    for number, step in _load(path):
        if "note" in step:
            continue
        clock.set(_moment(path, number, step["at"]))
        if "send" in step:
            answer = app.handle(step["send"])
            what = f"{step['send'].get('kind', '?')} {step['send'].get('messageId', '')}"
        else:
            answer = _decide(app, step)
            what = f"decision on {step['decide']['messageId']}"
        outcome, detail, requirement = _summary(answer)
        expect = step.get("expect")
        met = expect is None or (
            expect.get("outcome") == outcome
            and expect.get("requirement", requirement) == requirement
        )
        expected = None if expect is None else " ".join(str(v) for v in expect.values())
        results.append(StepResult(number, step["at"], what, outcome, detail, expected, met))
    return results


@command("run")
def run(args: argparse.Namespace) -> int:
    """Play the sample story and print the answers."""
    story = args.story or args.fixtures / "samples" / "story.jsonl"
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
