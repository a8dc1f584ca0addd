"""The HTTP driver interface as an OpenAPI 3.1 document: one table of actions, one of bodies.

The table is the interface: `HttpDriver` (the harness's side) sends these paths and bodies,
`driver_server` (any Python `MbeDriver` behind it) validates against these schemas, and
`docs/driver-openapi.json` is this document, written by
`python -m conformance.mbe.driver_openapi docs/driver-openapi.json` (a unit test checks it is
current). How and when the harness calls each action: `docs/driver.md`.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.mbe.driver_schemas import SCHEMAS

CONTRACT = "vsb-mbe-driver/1"
"""The contract a driver implements; `GET /driver` names it, and it changes only with a break."""

JSON = "application/json"
PROBLEM = "application/problem+json"
TAG = "driver"


@dataclass(frozen=True)
class Action:
    """One action of the contract: its path, the Python method, the body and the answer."""

    path: str
    method: str
    summary: str
    body: str | None = None
    answer: str | None = None
    description: str = ""

    @property
    def operation_id(self) -> str:
        """The OpenAPI operation id: the Python method's name in camelCase."""
        head, *rest = self.method.split("_")
        return head + "".join(word.capitalize() for word in rest)


ACTIONS = (
    Action(
        "/driver/open",
        "open",
        "Start the software as an MBE, talking to the harness's central application",
        "Session",
        description="Called first in every scenario, with a fresh identity. `certificatePem` "
        "and `keyPem` are the MBE's certificate and key for the client assertions of the "
        "central application (docs/serve.md, Identity).",
    ),
    Action("/driver/clock", "set_clock", "It is now this moment for the software", "Clock"),
    Action(
        "/driver/patients",
        "register_patient",
        "The MBE takes on a patient",
        "Patient",
        description="No message needs to follow (the software may query the insurance status).",
    ),
    Action(
        "/driver/begeleidingen",
        "start_begeleiding",
        "A begeleiding starts for a registered patient",
        "Start",
        description="Expected: a request (new or restart) within 30 days of the start, unless "
        "the begeleiding started before 2024-01-01 (billed to the health insurer instead).",
    ),
    Action(
        "/driver/begeleidingen/{insz}/contact",
        "change_contact",
        "The contact person of the patient's current begeleiding changes",
        "Contact",
        description="Expected: an admin change carrying the VSB reference.",
    ),
    Action(
        "/driver/begeleidingen/{insz}/accident-code",
        "change_accident_code",
        "The accident code of the patient's current begeleiding changes",
        "AccidentCode",
        description="Expected: an admin change carrying the VSB reference.",
    ),
    Action(
        "/driver/begeleidingen/{insz}/cancel",
        "cancel",
        "The patient's current begeleiding was entered by mistake",
        "Empty",
        description="Expected: a cancel request carrying the VSB reference.",
    ),
    Action(
        "/driver/begeleidingen/{insz}/stop",
        "stop",
        "The patient's current begeleiding ends",
        "StopReport",
        description="Expected: a complete stop carrying the VSB reference.",
    ),
    Action(
        "/driver/feed/read",
        "read_feed",
        "The software reads its feed and acts on what it finds",
        "Empty",
        description="Final decisions, signed settlements and payments arrive there (GET /v1/feed).",
    ),
    Action(
        "/driver/billing/run",
        "run_monthly_billing",
        "The MBE's billing day",
        "Empty",
        description="Expected: at most one shipment per zorgkas, billing what is due.",
    ),
    Action(
        "/driver/health-insurer-billing",
        "billed_to_health_insurer",
        "Which patients the software billed to the health insurer (old procedure)",
        "Empty",
        "HealthInsurerBilling",
    ),
    Action("/driver/close", "close", "Stop the software; the scenario is over", "Empty"),
)
"""Every POST of the contract, in the order a scenario typically calls them."""


def _problem(text: str) -> dict[str, Any]:
    return {"description": text, "content": {PROBLEM: {"schema": _ref("Problem")}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(action: Action) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": action.operation_id,
        "tags": [TAG],
        "summary": action.summary,
        "description": (action.description + " " if action.description else "")
        + f"Python: `MbeDriver.{action.method}`. Answers once the software has sent its "
        "messages.",
    }
    if "{insz}" in action.path:
        operation["parameters"] = [
            {
                "name": "insz",
                "in": "path",
                "required": True,
                "description": "The patient's INSZ (national register or BIS number)",
                "schema": _ref("Insz"),
            }
        ]
    if action.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": _ref(action.body)}},
        }
    done: dict[str, Any] = (
        {"description": "Done", "content": {JSON: {"schema": _ref(action.answer)}}}
        if action.answer
        else {"description": "Done (any 2xx will do; the body is ignored)"}
    )
    operation["responses"] = {
        "200" if action.answer else "204": done,
        "409": _problem(
            "The software could not perform the action (DriverError), or no software is open"
        ),
        "422": _problem("The body is not JSON or breaks its schema; `errors` names every field"),
        "500": _problem("The driver failed on the action (any other exception)"),
    }
    return operation


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the HTTP driver interface."""
    paths: dict[str, Any] = {
        "/driver": {
            "get": {
                "operationId": "describe",
                "tags": [TAG],
                "summary": "Which software this is and which contract it implements",
                "description": "The harness calls it before a run: a driver that does not "
                "answer 200 cannot be certified.",
                "responses": {
                    "200": {
                        "description": "The software's name and version, and the contract",
                        "content": {JSON: {"schema": _ref("DriverInfo")}},
                    }
                },
            }
        }
    }
    for action in ACTIONS:
        paths[action.path] = {"post": _operation(action)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "VSB MBE software driver",
            "version": CONTRACT,
            "description": "How the conformance harness tells MBE software what happens in "
            "the real world, so that it can judge the messages the software sends to the "
            "central application. Implement it in any language; the contract is "
            "docs/driver.md.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "tags": [{"name": TAG, "description": "The actions of the driver contract"}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }


def write(path: Path) -> None:
    """Write the document to `path` (what `docs/driver-openapi.json` holds)."""
    path.write_text(json.dumps(build_document(), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/driver-openapi.json"))
