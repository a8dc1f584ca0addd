"""Every example of the docs is a file of docs/examples/ that the sandbox answers as the doc
says: each walkthrough is sent, in the documented order and at the documented moments, to a
fresh in-process sandbox on the fixtures, and each answer must be the one the doc shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from conformance.mbe.driver_bodies import start_from, stop_from
from tests.docs_examples import (
    EXAMPLES,
    ROOT,
    doc_of,
    read_json,
    sandbox,
    shown_examples,
    steps,
    walkthroughs,
)

DOCS = sorted((ROOT / "docs").glob("*.md"))


def test_the_messages_billing_and_serve_docs_have_walkthroughs() -> None:
    assert {doc_of(folder).name for folder in walkthroughs()} >= {
        "messages.md",
        "billing.md",
        "serve.md",
    }


@pytest.mark.parametrize("folder", walkthroughs(), ids=lambda folder: folder.name)
def test_the_sandbox_gives_every_documented_answer_in_the_documented_order(folder: Path) -> None:
    walk = steps(folder)
    with sandbox(walk[0].at) as box:
        for step in walk:
            status, body = box.play(step)
            expected = read_json(step.answer)
            assert status == step.status, f"{step.name()}: {body}"
            assert body == expected, (
                f"{step.name()}: the sandbox answers {body}, "
                f"{step.answer.relative_to(EXAMPLES)} says {expected}"
            )


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_example_a_doc_shows_is_the_file_it_names(doc: Path) -> None:
    for name, text in shown_examples(doc).items():
        path = EXAMPLES / name
        assert path.is_file(), f"{doc.name} shows {name}, which is not in docs/examples/"
        assert text == path.read_text("utf-8"), (
            f"{doc.name}: the block of {name} differs from the file; "
            "run python -m tests.docs_examples"
        )


def test_every_message_and_answer_of_a_walkthrough_is_shown_in_a_doc() -> None:
    shown = {name for doc in DOCS for name in shown_examples(doc)}
    for folder in walkthroughs():
        for step in steps(folder):
            for path in (step.body, step.answer):
                if path is not None:
                    name = path.relative_to(EXAMPLES).as_posix()
                    assert name in shown, f"{name} ({step.name()}) is shown in no doc"


def test_every_file_of_a_walkthrough_folder_is_sent_or_answered_in_a_walkthrough() -> None:
    used = {
        path
        for folder in walkthroughs()
        for step in steps(folder)
        for path in (step.body, step.answer)
        if path is not None
    }
    files = {
        p.resolve()
        for folder in walkthroughs()
        for p in folder.glob("*.json")
        if p.name != "steps.json"
    }
    assert files - used == set(), "example files that no walkthrough sends or expects"


DRIVER_BODIES = {"session.json": "Session", "start.json": "Start", "stop-report.json": "StopReport"}


@pytest.mark.parametrize(("name", "component"), sorted(DRIVER_BODIES.items()))
def test_every_driver_body_of_driver_md_fits_its_schema_in_the_driver_contract(
    name: str, component: str
) -> None:
    contract = json.loads((ROOT / "docs" / "driver-openapi.json").read_text("utf-8"))
    registry = Registry().with_resource("urn:driver", DRAFT202012.create_resource(contract))
    schema = {"$ref": f"urn:driver#/components/schemas/{component}"}
    body = read_json(EXAMPLES / "driver" / name)
    errors = [e.message for e in Draft202012Validator(schema, registry=registry).iter_errors(body)]
    assert errors == [], f"driver/{name} against {component}"
    assert f"driver/{name}" in shown_examples(ROOT / "docs" / "driver.md")


def test_the_driver_server_reads_the_documented_start_and_stop_report() -> None:
    start = start_from(read_json(EXAMPLES / "driver" / "start.json"))
    assert (start.insz, start.prescription_date.isoformat()) == ("38020300142", "2024-03-01")
    assert start.medical.diagnosis == "onco-lung" and start.contact.name == "An Peeters"
    stop = stop_from(read_json(EXAMPLES / "driver" / "stop-report.json"))
    assert (stop.day.isoformat(), stop.reason, stop.place_of_death) == (
        "2024-03-20",
        "death",
        "home",
    )
    assert stop.interventions == (("home-visit", 4),)
    assert stop.first_line_contacts == (("gp", "consultation", 2),)
