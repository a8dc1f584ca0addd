"""The JSON bodies of the HTTP driver interface, as JSON Schema 2020-12, and their check.

One definition: the OpenAPI document (`driver_openapi`) publishes these schemas and the driver
server (`driver_server`) refuses a body that breaks them, naming every field. Unknown members
are allowed, so that a later contract may add one without breaking older drivers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError


def _text(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description, **more}


def _nullable(description: str) -> dict[str, Any]:
    return {"type": ["string", "null"], "description": description}


def _object(properties: dict[str, Any], required: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_COUNT = {"type": "integer", "minimum": 0}
_CODE = "a code of the rulebook's code lists (`vsb rules --format json`)"

SCHEMAS: dict[str, Any] = {
    "Insz": {"type": "string", "pattern": "^[0-9]{11}$", "description": "An INSZ: 11 digits"},
    "Empty": {"type": "object", "description": "No data (the harness sends `{}`)"},
    "Session": _object(
        {
            "hco": {"type": "string", "pattern": "^[0-9]{11}$", "description": "HCO number"},
            "centralUrl": _nullable("Base URL of the harness's central application"),
            "certificatePem": _nullable("The MBE's certificate (PEM) for client assertions"),
            "keyPem": _nullable("Its private key (PEM, PKCS#8, unencrypted)"),
            "audience": _text("The `aud` of client assertions", default="vsb-central"),
        },
        ["hco", "centralUrl", "certificatePem", "keyPem", "audience"],
        "Who the software is and where the central application is",
    ),
    "Clock": _object(
        {"now": _text("ISO 8601 date-time; without an offset, Belgian time", format="date-time")},
        ["now"],
        "The moment it is now for the software",
    ),
    "Patient": _object(
        {"insz": _ref("Insz"), "firstName": _text("First name"), "lastName": _text("Last name")},
        ["insz", "firstName", "lastName"],
        "A patient as the software's user types them in",
    ),
    "Medical": _object(
        {
            "gpName": _text("The prescribing GP"),
            "gpRiziv": _text("The GP's RIZIV number (11 digits)"),
            "diagnosis": _text(f"Diagnosis: {_CODE}"),
            "referral": _text(f"Who referred the patient: {_CODE}"),
            "origin": _text(f"Where the patient comes from: {_CODE}"),
        },
        ["gpName", "gpRiziv", "diagnosis", "referral", "origin"],
        "The medical data of a begeleiding",
    ),
    "Contact": _object(
        {"name": _text("The contact person"), "phone": _nullable("Their phone number")},
        ["name"],
        "The MBE's contact person for a begeleiding",
    ),
    "Start": _object(
        {
            "insz": _ref("Insz"),
            "prescriptionDate": _text("The GP's prescription: the start", format="date"),
            "medical": _ref("Medical"),
            "contact": _ref("Contact"),
            "accidentCode": _text(f"Accident code: {_CODE}", default="none"),
        },
        ["insz", "prescriptionDate", "medical", "contact"],
        "A begeleiding that starts",
    ),
    "AccidentCode": _object(
        {"code": _text(f"The new accident code: {_CODE}")}, ["code"], "An accident code"
    ),
    "Intervention": _object(
        {"type": _text(f"Intervention type: {_CODE}"), "count": _COUNT},
        ["type", "count"],
        "How many interventions of a type the MBE made",
    ),
    "FirstLineContact": _object(
        {
            "providerType": _text(f"First-line provider: {_CODE}"),
            "interventionType": _text(f"Intervention type: {_CODE}"),
            "count": _COUNT,
        },
        ["providerType", "interventionType", "count"],
        "How many contacts with a first-line provider",
    ),
    "StopReport": _object(
        {
            "day": _text("The last day of the begeleiding", format="date"),
            "reason": _text(f"Reason of the end: {_CODE}"),
            "placeOfDeath": _nullable(f"Place of death (reason death): {_CODE}"),
            "nonBillingReason": _nullable(f"Why the begeleiding is not to be billed: {_CODE}"),
            "interventions": {"type": "array", "items": _ref("Intervention")},
            "firstLineContacts": {"type": "array", "items": _ref("FirstLineContact")},
        },
        ["day", "reason"],
        "What the MBE records about the end of a begeleiding",
    ),
    "HealthInsurerBilling": _object(
        {"insz": {"type": "array", "items": _ref("Insz")}},
        ["insz"],
        "The patients the software billed to the health insurer under the old procedure",
    ),
    "DriverInfo": _object(
        {
            "name": _text("The software (and driver) name"),
            "version": _text("Its version"),
            "contract": {"const": "vsb-mbe-driver/1", "description": "The contract implemented"},
        },
        ["name", "version", "contract"],
        "Which software this is",
    ),
    "Problem": _object(
        {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string", "description": "The action and what went wrong"},
            "instance": {"type": "string"},
            "action": {"type": "string", "description": "The MbeDriver method (snake_case)"},
            "error": {"type": "string", "description": "The exception's class, e.g. DriverError"},
            "errors": {
                "type": "array",
                "items": _object(
                    {
                        "pointer": {"type": "string"},
                        "rule": {"type": "string"},
                        "message": {"type": "string"},
                    },
                    ["pointer", "rule", "message"],
                    "One field at fault",
                ),
            },
        },
        ["type", "title", "status", "detail"],
        "An RFC 9457 problem: why an action was not performed",
    ),
}
"""Every body and answer of the interface, by component name."""


@dataclass(frozen=True)
class FieldProblem:
    """One way a body breaks its schema: where (JSON pointer), which keyword, what is wrong."""

    pointer: str
    rule: str
    message: str


def _iso_date(text: object) -> bool:
    if not isinstance(text, str):
        return True
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _iso_datetime(text: object) -> bool:
    if not isinstance(text, str):
        return True
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return "T" in text


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date")(_iso_date)
_FORMATS.checks("date-time")(_iso_datetime)


@cache
def _validator(name: str) -> Draft202012Validator:
    root = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": SCHEMAS}}
    return Draft202012Validator(root, format_checker=_FORMATS)


def violations(name: str, instance: object) -> list[FieldProblem]:
    """How `instance` breaks the schema `name` (empty when it fits), sorted by pointer."""
    validator = _validator(name)
    found = {p for error in validator.iter_errors(instance) for p in _describe(error)}
    return sorted(found, key=lambda p: (p.pointer, p.rule, p.message))


def _describe(error: ValidationError) -> list[FieldProblem]:
    pointer = "".join(f"/{part}" for part in error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [n for n in error.validator_value if n not in error.instance]
        return [FieldProblem(f"{pointer}/{n}", "required", f"{n} is missing") for n in missing]
    return [
        FieldProblem(pointer, str(error.validator), f"{pointer or 'the body'}: {error.message}")
    ]
