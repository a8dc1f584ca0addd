"""The door every body comes through: nesting, text, and numbers in paths and queries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vsb._schema_fast import compiled_pattern
from vsb.schemas import INBOUND_KINDS, load_schemas
from vsb.serve.bodies import parse_json
from vsb.serve.components import COMPONENTS
from vsb.serve.content import FREE_TEXT_PATTERN, MAX_TEXT_ERRORS, TEXT_PATTERN, text_error
from vsb.serve.params import ID_MAX, whole_number
from vsb.serve.problems import FieldError, ProblemError


def _refusal(text: str, max_depth: int = 32) -> tuple[int, list[FieldError]]:
    with pytest.raises(ProblemError) as caught:
        parse_json(text.encode(), max_depth)
    return caught.value.problem.status, list(caught.value.problem.errors)


def _where(text: str) -> list[tuple[str, str]]:
    status, errors = _refusal(text)
    assert status == 422
    return [(e.pointer, e.rule) for e in errors]


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ('{"a": "x\\ud800"}', "/a"),
        ('{"a": ["ok", "\\udfff"]}', "/a/1"),
        ('{"a/b~c": {"d": "\\ud83d"}}', "/a~1b~0c/d"),
        ('{"a": {"\\ud800": 1}}', "/a"),
        ('["\\ude00\\ud83d"]', "/0"),
    ],
)
def test_a_lone_surrogate_is_refused_naming_its_field(body: str, pointer: str) -> None:
    assert _where(body) == [(pointer, "text")]


def test_a_surrogate_pair_is_one_character_and_accepted() -> None:
    assert parse_json(b'{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}


@pytest.mark.parametrize(
    "text",
    ["\\u0000", "\\u001b[2J", "\\u007f", "\\u0085", "\\u202e", "\\u2066", "\\u2069", "\\f", "\\b"],
)
def test_control_characters_and_bidi_overrides_are_refused_everywhere(text: str) -> None:
    for member in ("name", "reason", "medicalReport"):
        assert _where(f'{{"{member}": "A{text}B"}}') == [(f"/{member}", "text")]


def test_raw_c1_and_bidi_characters_are_refused_like_escaped_ones() -> None:
    for char in ("\x9b", "\u202d", "\u2068"):
        assert _where(json.dumps({"name": f"A{char}"}, ensure_ascii=False)) == [("/name", "text")]


def test_line_breaks_and_tabs_are_allowed_only_in_long_free_text() -> None:
    text = "line 1\\r\\nline 2\\n\\tindented"
    for member in ("reason", "medicalReport"):
        assert parse_json(f'{{"{member}": "{text}"}}'.encode()) == {
            member: "line 1\r\nline 2\n\tindented"
        }
    assert _where(f'{{"name": "{text}"}}') == [("/name", "text")]
    assert _where('{"reason": "overwrite\\rme"}') == [("/reason", "text")]


def test_text_that_only_looks_like_an_escape_is_accepted() -> None:
    assert parse_json(b'{"a": "\\\\u0000 \\\\n"}') == {"a": "\\u0000 \\n"}


def test_every_bad_field_is_named_up_to_a_bound_and_the_rest_counted() -> None:
    body = json.dumps({"a": [f"x{i}\x00" for i in range(MAX_TEXT_ERRORS + 5)], "b": "\x01"})
    with pytest.raises(ProblemError) as caught:
        parse_json(body.encode())
    problem = caught.value.problem
    named = {e.pointer for e in problem.errors}
    assert len(named) == MAX_TEXT_ERRORS
    assert named <= {"/b"} | {f"/a/{i}" for i in range(MAX_TEXT_ERRORS + 5)}
    assert "and 6 more not listed" in problem.detail


def test_the_message_names_the_character_without_repeating_the_text() -> None:
    _, errors = _refusal('{"name": "An\\u001b[31m"}')
    assert errors[0].message == "the text contains U+001B (a control character) at character 3"


def test_no_pointer_carries_a_bad_member_name_back() -> None:
    status, errors = _refusal('{"a": {"\\u001b": {"\\u202e": [[[["deep"]]]]}}}', max_depth=3)
    assert (status, [(e.pointer, e.rule) for e in errors]) == (422, [("/a", "text")])


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert parse_json(b"[" * 32 + b"]" * 32) is not None
    assert parse_json(b'{"a": [[{"b": 1}]]}', max_depth=4) == {"a": [[{"b": 1}]]}


@pytest.mark.parametrize("depth", [33, 1_000, 100_000])
def test_nesting_beyond_the_limit_is_a_400_naming_the_depth_rule(depth: int) -> None:
    status, errors = _refusal("[" * depth + "]" * depth)
    assert status == 400 and errors[0].rule == "depth"


def test_the_depth_error_points_at_the_first_container_too_deep() -> None:
    _, errors = _refusal('{"a": [[{"b": []}]]}', max_depth=3)
    assert (errors[0].pointer, errors[0].rule) == ("/a/0/0", "depth")


@pytest.mark.parametrize(
    "text", ["²", "١٢", "+1", " 1", "1 ", "1_000", "0x1", "-1", "", "1.0", "1" * 20]
)
def test_only_ascii_digits_are_whole_numbers(text: str) -> None:
    assert whole_number(text, 0, ID_MAX) is None


def test_whole_numbers_are_bounded() -> None:
    assert whole_number("0042", 0, 100) == 42
    assert whole_number(str(ID_MAX), 1, ID_MAX) == ID_MAX
    assert whole_number(str(ID_MAX + 1), 1, ID_MAX) is None
    assert whole_number("9223372036854775808", 1, ID_MAX) is None


REQUEST_BODIES = ("Decision", "Payment", "Clock", "Reset", "Registry", "Mbes")
TEXT_PATTERNS = (TEXT_PATTERN, FREE_TEXT_PATTERN)


def _strings(node: object, where: str, common: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every string schema under `node`, following references into common.schema.json."""
    if isinstance(node, dict):
        reference = node.get("$ref", "")
        if reference.startswith("common.schema.json#/$defs/"):
            name = reference.rsplit("/", 1)[1]
            yield from _strings(common["$defs"][name], f"{where}->{name}", common)
        if node.get("type") == "string":
            yield where, node
        for key, value in node.items():
            yield from _strings(value, f"{where}/{key}", common)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{where}/{index}", common)


def _client_strings() -> dict[str, Any]:
    """Every string schema of what a client sends: messages and the other request bodies."""
    schemas = load_schemas()
    common = schemas.schema("common")
    documents = {name: schemas.schema(name) for name in INBOUND_KINDS}
    documents |= {name: COMPONENTS[name] for name in REQUEST_BODIES}
    return {
        where: node
        for name, doc in documents.items()
        for where, node in _strings(doc, name, common)
    }


def test_every_free_text_a_client_sends_carries_the_door_s_text_pattern() -> None:
    for where, node in _client_strings().items():
        assert "pattern" in node or node.get("format") == "date-time", f"{where}: no pattern"
    patterns = {node.get("pattern") for node in _client_strings().values()}
    assert set(TEXT_PATTERNS) <= patterns


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_every_identifier_pattern_admits_only_text_the_door_accepts(data: st.DataObject) -> None:
    for where, node in _client_strings().items():
        pattern = node.get("pattern")
        if isinstance(pattern, str) and pattern not in TEXT_PATTERNS:
            strategy = st.from_regex(compiled_pattern(pattern), fullmatch=True)
            assert text_error(data.draw(strategy, label=where)) is None, where


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2069"])
def test_the_schema_patterns_refuse_what_the_door_refuses(char: str) -> None:
    for pattern in TEXT_PATTERNS:
        assert compiled_pattern(pattern).search(f"A{char}B") is None
    assert compiled_pattern(TEXT_PATTERN).search("line\nbreak") is None
    assert compiled_pattern(FREE_TEXT_PATTERN).search("a\r\nb\n\tc\U0001f600") is not None
    assert compiled_pattern(FREE_TEXT_PATTERN).search("a\rb") is None


def test_lone_surrogates_are_the_door_s_alone() -> None:
    """No portable pattern can name them (engines on Unicode scalars refuse to): the schemas
    leave them out, the door refuses them in every string."""
    assert all("ud800" not in pattern for pattern in TEXT_PATTERNS)
    assert text_error("A\ud800") is not None and text_error("A\udfff", multiline=True) is not None
