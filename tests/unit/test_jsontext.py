"""JSON text in pieces: the same text as `json.dumps`, and arrays that carry theirs."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vsb import jsontext

DOCUMENT = {
    "kind": "settlement",
    "invoices": [{"n": i, "text": 'é\u2028"', "lines": [1, 2.5, None, True]} for i in range(1234)],
    "nested": {"numbers": list(range(2000)), "none": None},
    "empty": [],
}


@pytest.mark.parametrize("sort_keys", [False, True])
def test_the_text_is_json_dumps_text(sort_keys: bool) -> None:
    assert jsontext.dumps(DOCUMENT, sort_keys=sort_keys) == json.dumps(
        DOCUMENT, sort_keys=sort_keys
    )


def test_an_encoded_array_is_spliced_in_and_gives_the_same_text() -> None:
    array = jsontext.encoded_array(DOCUMENT["invoices"])  # type: ignore[arg-type]
    carrying = {**DOCUMENT, "invoices": array}
    assert array == DOCUMENT["invoices"]
    assert jsontext.dumps(carrying) == json.dumps(DOCUMENT)
    assert jsontext.text_of(array) == json.dumps(DOCUMENT["invoices"])
    assert jsontext.holds_large(carrying) and not jsontext.holds_large({"a": [1]})


def test_values_json_cannot_encode_fail_as_with_json_dumps() -> None:
    with pytest.raises(TypeError):
        jsontext.dumps({"a": [object()] * 1000})
    assert jsontext.dumps({"a": [object()]}, default=lambda _: "x") == '{"a": ["x"]}'


def test_grouped_pieces_join_to_the_same_text_each_at_least_the_size_but_the_last() -> None:
    strings = [str(n) * (n % 7 + 1) for n in range(500)]
    pieces = jsontext.grouped(strings, size=100)
    assert "".join(pieces) == "".join(strings)
    assert all(len(piece) >= 100 for piece in pieces[:-1]) and len(pieces) > 5


def test_pieces_of_a_document_join_to_its_text() -> None:
    carrying = {**DOCUMENT, "invoices": jsontext.encoded_array(DOCUMENT["invoices"])}  # type: ignore[arg-type]
    assert "".join(jsontext.pieces_of(carrying)) == json.dumps(DOCUMENT)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 2 * jsontext.CALL_WEIGHT), max_size=60))
@example([jsontext.CALL_WEIGHT // 2] * 2 + [1])  # a call that weighs CALL_WEIGHT exactly
@example([2] * 500)  # one-line invoices: 110 a call
def test_an_array_encoded_by_weight_is_json_text_each_call_within_its_weight(
    weights: list[int],
) -> None:
    items = [{"n": index, "lines": [None] * heavy} for index, heavy in enumerate(weights)]
    weight = lambda item: len(item["lines"])  # noqa: E731
    array = jsontext.encoded_array(items, weight)
    assert jsontext.text_of(array) == json.dumps(items)
    calls: list[list[Any]] = []

    def encode(value: list[Any]) -> str:
        calls.append(value)
        return json.dumps(value)

    assert "".join(jsontext._weighed(items, encode, weight)) == json.dumps(items)
    assert [item for call in calls for item in call] == items
    for call in calls:
        assert len(call) == 1 or sum(map(weight, call)) <= jsontext.CALL_WEIGHT
    for call, after in itertools.pairwise(calls):  # no call could have taken one more item
        assert sum(map(weight, call)) + weight(after[0]) > jsontext.CALL_WEIGHT
