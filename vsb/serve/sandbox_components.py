"""How the OpenAPI document declares sandboxes per vendor: their operations, the second server
(`/sandboxes/{sandbox}`) and the schemas, with those of a generated patient pool.

The schemas are part of `components/schemas` (`vsb.serve.components`); request bodies are
self-contained.
"""

from __future__ import annotations

from typing import Any

from vsb.serve.config import DEFAULT_MAX_GENERATED_PERSONS

PREFIX = "/sandboxes"
"""The path under which each sandbox's API lives: `/sandboxes/{name}/...`."""

NAME_PATTERN = "^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$"
"""A sandbox name: 1 to 32 lowercase letters, digits and inner hyphens (it names a file and a
path segment, the same on every file system)."""

MAX_IDENTITIES = 100
"""The most MBEs, and the most staff members, one sandbox is given."""

_ZORGKASSEN = [180, 280, 380, 480, 580, 680]
_HCO = {"type": "string", "pattern": "^[0-9]{11}$"}
_STAFF = {
    "type": "string",
    "pattern": "^(180|280|380|480|580|680):[A-Za-z0-9._-]{1,64}$",
    "description": "<zorgkas>:<id>, the staff member of certificate staff:<zorgkas>:<id>",
}
_NAME = {
    "type": "string",
    "pattern": NAME_PATTERN,
    "minLength": 1,
    "maxLength": 32,
    "description": "1 to 32 lowercase letters, digits and inner hyphens",
}
_MOMENT = {"type": "string", "format": "date-time"}


def _object(properties: dict[str, Any], required: list[str], **more: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **more,
    }


def _identities(items: dict[str, Any], minimum: int) -> dict[str, Any]:
    return {
        "type": "array",
        "items": items,
        "minItems": minimum,
        "maxItems": MAX_IDENTITIES,
        "uniqueItems": True,
    }


NEW_SANDBOX = _object(
    {
        "name": _NAME,
        "mbes": {
            **_identities(_HCO, 1),
            "description": "HCO numbers of the MBEs that may call this sandbox",
        },
        "staff": {**_identities(_STAFF, 0), "description": "staff members that may call it"},
        "clock": {
            "anyOf": [
                {
                    "type": "string",
                    "format": "date",
                    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                },
                _MOMENT,
                {"type": "null"},
            ],
            "description": "a fixed clock at this date (09:00 Brussels) or date-time, settable "
            "through the sandbox's test control; absent or null: the real clock until set",
        },
        "fixtures": {
            "type": "boolean",
            "default": True,
            "description": "load the service's fixtures (registry, MBEs) into the sandbox",
        },
    },
    ["name", "mbes"],
)

SANDBOX = _object(
    {
        "name": {"type": "string"},
        "mbes": {"type": "array", "items": {"type": "string"}},
        "staff": {"type": "array", "items": {"type": "string"}},
        "fixtures": {"type": "boolean"},
        "clock": {"enum": ["real", "fixed"]},
        "now": _MOMENT,
        "base": {"type": "string", "description": "the path prefix of the sandbox's API"},
    },
    ["name", "mbes", "staff", "fixtures", "clock", "now", "base"],
)

SANDBOXES = _object(
    {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Sandbox"}},
        "limit": {"type": "integer", "description": "--max-sandboxes"},
    },
    ["items", "limit"],
)

GENERATE = _object(
    {
        "persons": {
            "type": "integer",
            "minimum": 1,
            "maximum": DEFAULT_MAX_GENERATED_PERSONS,
            "description": "how many (at most --max-generated-persons)",
        },
        "seed": {
            "type": "integer",
            "minimum": 0,
            "maximum": 2**63 - 1,
            "default": 0,
            "description": "the same seed and registry give the same persons",
        },
        "zorgkassen": {
            "type": "array",
            "items": {"enum": _ZORGKASSEN},
            "minItems": 1,
            "uniqueItems": True,
            "description": "the zorgkassen to spread the persons over (default all six)",
        },
    },
    ["persons"],
)

GENERATED = _object(
    {
        "generated": {"type": "integer", "minimum": 1},
        "seed": {"type": "integer"},
        "registryPersons": {"type": "integer", "description": "persons in the registry now"},
        "persons": {
            "type": "array",
            "items": _object(
                {
                    "insz": {"type": "string"},
                    "lastName": {"type": "string"},
                    "firstName": {"type": "string"},
                    "birthDate": {"type": "string", "format": "date"},
                    "sex": {"enum": ["M", "F"]},
                    "zorgkas": {"enum": _ZORGKASSEN},
                    "healthInsurer": {"type": "integer"},
                },
                ["insz", "lastName", "firstName", "birthDate", "sex", "zorgkas", "healthInsurer"],
            ),
        },
    },
    ["generated", "seed", "registryPersons", "persons"],
)

SANDBOX_COMPONENTS: dict[str, dict[str, Any]] = {
    "NewSandbox": NEW_SANDBOX,
    "Sandbox": SANDBOX,
    "Sandboxes": SANDBOXES,
    "GenerateRegistry": GENERATE,
    "GeneratedRegistry": GENERATED,
}


def sandbox_operations() -> list[Any]:
    """The OpenAPI operations that manage sandboxes (each one's API is the second server)."""
    from vsb.serve.control import RESET_DONE
    from vsb.serve.openapi import Operation

    def component(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    name = {
        "name": "sandbox",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": NAME_PATTERN, "maxLength": 32},
    }
    tag, one = "test-control", "/test/sandboxes/{sandbox}"
    sandbox, done = component("Sandbox"), RESET_DONE
    return [
        Operation(
            "/test/sandboxes",
            "get",
            "listSandboxes",
            tag,
            "The sandboxes per vendor",
            component("Sandboxes"),
        ),
        Operation(
            "/test/sandboxes",
            "post",
            "createSandbox",
            tag,
            "Create a sandbox: its own store, clock, registry and MBEs, for the identities given",
            sandbox,
            component("NewSandbox"),
            (409, 507),
            description="409 when the name is taken or --max-sandboxes are open; 507 when its "
            "manifest cannot be written (nothing is created). Its API is "
            "then under /sandboxes/{name} (the second server), for its MBEs and staff only.",
        ),
        Operation(one, "get", "getSandbox", tag, "One sandbox", sandbox, None, (), (name,)),
        Operation(
            one,
            "delete",
            "deleteSandbox",
            tag,
            "Delete a sandbox and its files; answers what it was",
            sandbox,
            None,
            (),
            (name,),
        ),
        Operation(
            f"{one}/reset",
            "post",
            "resetSandbox",
            tag,
            "Forget everything of one sandbox; reload the fixtures if it has them",
            done,
            component("Reset"),
            (),
            (name,),
        ),
    ]


SERVERS = [
    {"url": "/", "description": "the default sandbox, open to every identity"},
    {
        "url": PREFIX + "/{sandbox}",
        "description": "a sandbox per vendor (test control), for the identities given to it",
        "variables": {"sandbox": {"default": "my-sandbox", "description": "its name"}},
    },
]


def declare_servers(document: dict[str, Any]) -> None:
    """Declare the two servers (the default sandbox, a sandbox per vendor) on `document`;
    the operations that manage sandboxes live on the first only."""
    document["servers"] = SERVERS
    for path, item in document["paths"].items():
        if path.startswith("/test/sandboxes"):
            for operation in item.values():
                operation["servers"] = SERVERS[:1]
