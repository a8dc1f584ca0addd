"""The message schemas bundled into the OpenAPI document (vsb.serve.bundle): the document
resolves alone, and the bundled schemas judge every message as the schema files do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from vsb._schema_fast import format_checker
from vsb.schemas import load_schemas
from vsb.serve.bundle import BundleError, bundled_schemas, merge_components
from vsb.serve.openapi import build_document

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "fixtures" / "messages").glob("*/*/*.json"))
DOCUMENT = build_document(True, True, control_token=True)


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def _resolve(pointer: str) -> Any:
    node: Any = DOCUMENT
    for step in pointer.removeprefix("#/").split("/"):
        step = step.replace("~1", "/").replace("~0", "~")
        node = node[int(step)] if isinstance(node, list) else node[step]
    return node


def test_every_reference_in_the_document_points_inside_it_and_resolves() -> None:
    references = set(_references(DOCUMENT))
    assert "#/components/schemas/request" in references
    for reference in references:
        assert reference.startswith("#/"), reference
        assert isinstance(_resolve(reference), dict), reference


def test_no_bundled_schema_keeps_an_id_that_would_change_the_base_uri() -> None:
    assert '"$id"' not in json.dumps(DOCUMENT)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parts[-3]}/{p.parts[-2]}/{p.stem}")
def test_the_bundled_schema_judges_each_example_as_the_schema_file_does(path: Path) -> None:
    name = path.parts[-3]
    message = json.loads(path.read_text("utf-8"))
    root = {"$ref": f"#/components/schemas/{name}", "components": DOCUMENT["components"]}
    bundled = Draft202012Validator(root, format_checker=format_checker())
    assert bundled.is_valid(message) == load_schemas().is_valid(name, message)
    assert bundled.is_valid(message) == (path.parts[-2] == "valid")


def test_a_reference_to_no_schema_file_is_a_bundling_error() -> None:
    class Broken:
        names = ("request",)

        def schema(self, name: str) -> dict[str, Any]:
            if name == "common":
                return {"$defs": {}}
            return {"$id": "x", "properties": {"a": {"$ref": "https://elsewhere.example/a.json"}}}

    with pytest.raises(BundleError, match="names no schema file"):
        bundled_schemas(Broken())  # type: ignore[arg-type]


def test_a_component_name_used_twice_is_a_bundling_error() -> None:
    with pytest.raises(BundleError, match="request"):
        merge_components({"request": {}}, bundled_schemas())
