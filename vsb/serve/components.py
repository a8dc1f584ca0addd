"""The schemas of what is not a VSB message: problems, staff actions, feed pages, test control.

They appear under `components/schemas` in the OpenAPI document and are what the service
checks these bodies against. Request-body schemas are self-contained (no `$ref`).
"""

from __future__ import annotations

from typing import Any

from vsb.serve.bundle import COMPONENTS_POINTER, component_name
from vsb.serve.content import FREE_TEXT_PATTERN, TEXT_PATTERN
from vsb.serve.sandbox_components import SANDBOX_COMPONENTS

_DATE = {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_INSZ = {"type": "string", "pattern": "^[0-9]{11}$"}
_ZORGKAS = {"enum": [180, 280, 380, 480, 580, 680]}
_TEXT = {"type": "string", "pattern": TEXT_PATTERN}
"""One-line text, as the door (`vsb.serve.content`) accepts it."""


def message_ref(name: str) -> dict[str, str]:
    """A reference to one of the project's message schemas, bundled into the document
    (`vsb.serve.bundle`)."""
    return {"$ref": f"{COMPONENTS_POINTER}{component_name(name)}"}


def _object(properties: dict[str, Any], required: list[str], **more: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **more,
    }


PROBLEM = _object(
    {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "requirement": {"type": "string", "pattern": "^REQ-[A-Z0-9-]+$"},
        "errors": {
            "type": "array",
            "items": _object(
                {
                    "pointer": {
                        "type": "string",
                        "description": "JSON pointer into the body; "
                        "/query/<name> for a query parameter, /path/<name> for a path "
                        'parameter; "" for the whole request',
                    },
                    "rule": {
                        "type": "string",
                        "description": "the JSON Schema keyword or named rule",
                    },
                    "message": {"type": "string"},
                },
                ["pointer", "rule", "message"],
            ),
        },
    },
    ["type", "title", "status", "detail", "instance"],
    description="RFC 9457 problem details, with the broken rules in `errors`.",
)

DECISION = _object(
    {
        "outcome": {"enum": ["accepted", "refused"]},
        "reason": {
            "type": "string",
            "maxLength": 2000,
            "pattern": FREE_TEXT_PATTERN,
            "description": "why; required (not blank) for a refusal; may run over lines",
        },
    },
    ["outcome"],
    **{
        "if": {"properties": {"outcome": {"const": "refused"}}},
        "then": {"required": ["reason"], "properties": {"reason": {"pattern": "\\S"}}},
    },
)

REVIEW_ITEM = _object(
    {
        "reviewId": {"type": "integer"},
        "zorgkas": _ZORGKAS,
        "mbe": {"type": "string"},
        "messageId": {"type": "string"},
        "kind": {"type": "string"},
        "requirement": {"type": "string"},
        "reason": {"type": "string"},
        "receivedAt": {"type": "string"},
        "message": {"type": "object"},
    },
    [
        "reviewId",
        "zorgkas",
        "mbe",
        "messageId",
        "kind",
        "requirement",
        "reason",
        "receivedAt",
        "message",
    ],
)

CLOCK = _object(
    {
        "now": {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 date-time with offset",
        }
    },
    ["now"],
)

RESET = _object(
    {
        "fixtures": {
            "type": "boolean",
            "default": True,
            "description": "reload the server's fixtures after emptying",
        }
    },
    [],
)

PERSON = _object(
    {
        "insz": _INSZ,
        "lastName": {**_TEXT, "maxLength": 100},
        "firstName": {**_TEXT, "maxLength": 100},
        "birthDate": {"oneOf": [_DATE, {"type": "null"}]},
        "sex": {"enum": ["M", "F", "U"]},
        "region": {"enum": ["flanders", "brussels", "wallonia", "abroad"]},
        "postalCode": {"type": "string", "pattern": "^[0-9A-Z -]{0,10}$"},
        "healthInsurer": {"enum": [100, 200, 300, 400, 500, 600, None]},
        "deathDate": {"oneOf": [_DATE, {"type": "null"}]},
        "cannotAffiliate": {
            "enum": [
                "asylum-seeker-not-recognised",
                "struck-from-register",
                "international-official",
                "temporary-non-eu-student",
                None,
            ]
        },
        "foreignInsured": {"type": "boolean"},
    },
    ["insz", "lastName", "firstName", "sex", "region"],
)

AFFILIATION = _object(
    {
        "insz": _INSZ,
        "zorgkas": _ZORGKAS,
        "type": {"enum": ["official", "administrative"]},
        "start": _DATE,
        "end": {"oneOf": [_DATE, {"type": "null"}]},
    },
    ["insz", "zorgkas", "type", "start"],
)

REGISTRY = _object(
    {
        "persons": {"type": "array", "items": PERSON, "maxItems": 100000},
        "affiliations": {"type": "array", "items": AFFILIATION, "maxItems": 100000},
    },
    ["persons", "affiliations"],
)

MBE = _object(
    {
        "hco": {"type": "string", "pattern": "^[0-9]{11}$"},
        "name": {**_TEXT, "minLength": 1, "maxLength": 200},
        "network": {**_TEXT, "maxLength": 200},
        "province": {**_TEXT, "maxLength": 100},
        "population": {"type": "integer", "minimum": 1, "maximum": 100_000_000},
        "cotDeclaration": {"type": "boolean"},
    },
    ["hco", "name", "cotDeclaration"],
)

MBES = _object({"mbes": {"type": "array", "items": MBE, "minItems": 1, "maxItems": 1000}}, ["mbes"])

PAYMENT = _object({"paidOn": {**_DATE, "description": "the day the zorgkas paid"}}, ["paidOn"])

LINE_REVIEW_ITEM = _object(
    {
        "reviewId": {"type": "integer"},
        "settlementId": {"type": "string"},
        "mbe": {"type": "string"},
        "invoiceNumber": {"type": "string"},
        "lineNumber": {"type": "integer"},
        "requirement": {"type": "string"},
        "reason": {"type": "string"},
    },
    ["reviewId", "settlementId", "mbe", "invoiceNumber", "lineNumber", "requirement", "reason"],
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "Payment": PAYMENT,
    "LineReviewItem": LINE_REVIEW_ITEM,
    "Problem": PROBLEM,
    "Decision": DECISION,
    "ReviewItem": REVIEW_ITEM,
    "Clock": CLOCK,
    "Reset": RESET,
    "Registry": REGISTRY,
    "Mbes": MBES,
    **SANDBOX_COMPONENTS,
}
