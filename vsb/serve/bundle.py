"""The project's message schemas bundled into the OpenAPI document, so that it resolves alone.

Each message schema file `<name>.schema.json` becomes the component `<name>` (its `$id` and
`$schema` dropped) and each `$defs` member `X` of `common.schema.json` the component
`common.X`; every `$ref` between the files becomes a pointer inside the document
(`#/components/schemas/...`). Generic tools (Schemathesis, code generators, validators) then
need nothing but the document: the files' `$id` URLs do not resolve (their host does not
exist), and a tool that does not know that an embedded `$id` changes the base URI would
resolve a bundled file's relative `$ref`s wrongly.

The components are derived from the files on every build, never copied by hand: the schema
files stay the one definition of a message.
"""

from __future__ import annotations

from typing import Any

from vsb.schemas import COMMON, SCHEMA_BASE_URI, MessageSchemas, load_schemas

COMPONENTS_POINTER = "#/components/schemas/"
_SUFFIX = ".schema.json"


class BundleError(ValueError):
    """A schema file holds a `$ref` the bundle cannot point inside the document (a packaging
    bug, not a caller's error), or its names collide with another component."""


def component_name(schema: str) -> str:
    """The component that holds message schema `schema` (`request`, `answer`, ...)."""
    return schema


def common_component(definition: str) -> str:
    """The component that holds `$defs/<definition>` of `common.schema.json`."""
    return f"{COMMON}.{definition}"


def _target(reference: str, home: str) -> str:
    """The in-document pointer for `reference`, written in the file of schema `home`.

    Raises:
        BundleError: the reference names no project schema file.
    """
    base, _, fragment = reference.removeprefix(SCHEMA_BASE_URI).partition("#")
    if base:
        if not base.endswith(_SUFFIX) or "/" in base:
            raise BundleError(f"{home}{_SUFFIX}: $ref {reference!r} names no schema file")
        home = base.removesuffix(_SUFFIX)
    if fragment and not fragment.startswith("/"):
        raise BundleError(f"{home}{_SUFFIX}: $ref {reference!r} is not a JSON pointer")
    if home != COMMON:
        return f"{COMPONENTS_POINTER}{component_name(home)}{fragment}"
    steps = fragment.split("/")
    if len(steps) < 3 or steps[1] != "$defs":
        raise BundleError(f"{home}{_SUFFIX}: $ref {reference!r} points outside common's $defs")
    rest = "/".join(steps[3:])
    return f"{COMPONENTS_POINTER}{common_component(steps[2])}" + (f"/{rest}" if rest else "")


def _rewrite(node: Any, home: str) -> Any:
    """A copy of `node` with every `$ref` pointing inside the document."""
    if isinstance(node, list):
        return [_rewrite(item, home) for item in node]
    if not isinstance(node, dict):
        return node
    copied: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            copied[key] = _target(value, home)
        else:
            copied[key] = _rewrite(value, home)
    return copied


def bundled_schemas(schemas: MessageSchemas | None = None) -> dict[str, dict[str, Any]]:
    """Every message schema and every shared definition, as OpenAPI components.

    Raises:
        BundleError: a `$ref` that names no project schema file or points outside it.
    """
    schemas = schemas or load_schemas()
    components: dict[str, dict[str, Any]] = {}
    definitions = schemas.schema(COMMON).get("$defs", {})
    if not isinstance(definitions, dict):
        raise BundleError(f"{COMMON}{_SUFFIX}: $defs is not an object")
    for name, definition in definitions.items():
        components[common_component(name)] = _rewrite(definition, COMMON)
    for name in schemas.names:
        document = _rewrite(schemas.schema(name), name)
        document.pop("$id", None)
        document.pop("$schema", None)
        components[component_name(name)] = document
    return components


def merge_components(
    own: dict[str, dict[str, Any]], bundled: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The service's own components and the bundled ones in one table.

    Raises:
        BundleError: a name that both define.
    """
    clash = sorted(set(own) & set(bundled))
    if clash:
        raise BundleError(f"components defined twice: {', '.join(clash)}")
    return {**own, **bundled}
