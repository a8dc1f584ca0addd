"""JSON text of large documents, made in pieces so that no single call holds the interpreter.

`json.dumps` encodes in C without ever letting another thread run: a 35 MB settlement takes
about a second, during which the service's event loop and every other worker thread stand
still, whatever lock the caller holds or does not hold. `dumps` gives the same text (same
options as `json.dumps`) but encodes a long array a few items at a time (`PIECE`).

An array can also carry its text (`EncodedArray`): a settlement's invoices are encoded once,
outside the engine's lock, and every later `dumps` of a document holding them (the store, the
message log, the HTTP answer) splices that text in instead of encoding them again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

PIECE = 10
"""Array items encoded in one call: up to 60 kB of a settlement (10 invoices of 21 lines),
well under a millisecond. Shorter calls matter more than fewer: a thread that waits for the
interpreter (the event loop, a status query under the engine's lock) waits for the call in
progress to end, at each of the dozens of hand-overs one request makes."""


class EncodedArray(list[Any]):
    """A list that also holds its JSON text in `dumps`'s default format.

    Build it with `encoded_array` once its items are final: the text is not kept in step with
    later changes (the settlement's invoices are not changed once checked).
    """

    pieces: list[str]
    """The text in pieces of about `GROUP` characters, never joined: joining (or encoding) tens
    of megabytes is one call that holds the interpreter for tens of milliseconds."""
    key: str | None = None
    """Where the store keeps `text` in pieces (`Store.put_piece`), when it was written there
    ahead of the document: `dumps(..., refer=True)` then writes `TEXT_REF + key` instead."""


GROUP = 1_000_000
"""Characters of an EncodedArray's text kept in one piece."""

TEXT_REF = "@text:"
"""The prefix of a string that stands for a long text kept in pieces by the store."""


CALL_WEIGHT = 220
"""What one call of `encoded_array(items, weight)` encodes: items whose weights add up to no
more than this (one at least). A settlement's invoice weighs one and one per line: ten
invoices of 21 lines (about 60 kB, as `PIECE` of them), or 110 one-line invoices, a call."""


def encoded_array(items: list[Any], weight: Callable[[Any], int] | None = None) -> EncodedArray:
    """`items` as an EncodedArray, its text made now (in pieces): `PIECE` items a call, or
    with `weight`, as many as weigh `CALL_WEIGHT` together (fewer, longer calls for small
    items: each call costs the same few microseconds beside its text)."""
    array = EncodedArray(items)
    encode = json.JSONEncoder().encode
    texts = _pieces(items, encode, False) if weight is None else _weighed(items, encode, weight)
    array.pieces = grouped(texts)
    return array


def _weighed(
    items: list[Any], encode: Callable[[Any], str], weight: Callable[[Any], int]
) -> Iterator[str]:
    """The text of a list, each call encoding the items that weigh `CALL_WEIGHT` together."""
    if not items:
        yield encode(items)
        return
    yield "["
    start = load = 0
    for end, item in enumerate(items):
        heavy = weight(item)
        if end > start and load + heavy > CALL_WEIGHT:
            if start:
                yield ", "
            yield encode(items[start:end])[1:-1]
            start, load = end, 0
        load += heavy
    if start:
        yield ", "
    yield encode(items[start:])[1:-1]
    yield "]"


def text_of(array: EncodedArray) -> str:
    """An EncodedArray's text, whole (one long call for a long text: not in the service)."""
    return "".join(array.pieces)


def grouped(strings: Iterable[str], size: int = GROUP) -> list[str]:
    """`strings` joined into pieces of at least `size` characters (the last may be shorter),
    each joined on its own."""
    pieces: list[str] = []
    group: list[str] = []
    length = 0
    for string in strings:
        group.append(string)
        length += len(string)
        if length >= size:
            pieces.append("".join(group))
            group, length = [], 0
    if group:
        pieces.append("".join(group))
    return pieces


def compact(value: Any, *, sort_keys: bool = False) -> str:
    """The compact JSON text of a small document, made by orjson (about 15 times faster than
    `json.dumps`). Not for large documents (one call holds the interpreter; use `dumps`).

    Raises:
        TypeError: what orjson does not encode (orjson.JSONEncodeError): a key that is not
            text, an integer beyond 64 bits, a value of another type, a cycle.
    """
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0).decode()


def loads(text: str | bytes) -> Any:
    """The document a JSON text holds (orjson)."""
    return orjson.loads(text)


def dumps(
    value: Any,
    *,
    sort_keys: bool = False,
    default: Callable[[Any], Any] | None = None,
    refer: bool = False,
) -> str:
    """`json.dumps(value, sort_keys=sort_keys, default=default)`, in pieces (see module).
    With `refer`, an EncodedArray whose text the store already holds is written as a
    reference to it (what the store keeps; `Store.document` reads it back whole)."""
    encoder = json.JSONEncoder(sort_keys=sort_keys, default=default)
    return "".join(_pieces(value, encoder.encode, sort_keys, refer))


def pieces_of(value: Any) -> list[str]:
    """The text of `dumps(value)` in its pieces, not joined: what a caller writes out piece by
    piece (an HTTP answer) needs no copy of the whole (tens of megabytes: one long call)."""
    return list(_pieces(value, json.JSONEncoder().encode, False))


def _pieces(
    value: Any, encode: Callable[[Any], str], sort_keys: bool, refer: bool = False
) -> Iterator[str]:
    if isinstance(value, EncodedArray) and refer and value.key is not None:
        yield encode(TEXT_REF + value.key)
    elif isinstance(value, EncodedArray) and not sort_keys:
        yield from value.pieces
    elif isinstance(value, list) and len(value) > PIECE:
        yield "["
        for start in range(0, len(value), PIECE):
            if start:
                yield ", "
            yield encode(value[start : start + PIECE])[1:-1]
        yield "]"
    elif isinstance(value, dict) and holds_large(value):
        yield "{"
        items = sorted(value.items()) if sort_keys else value.items()
        for index, (key, item) in enumerate(items):
            yield f"{', ' if index else ''}{encode(key)}: "
            yield from _pieces(item, encode, sort_keys, refer)
        yield "}"
    else:
        yield encode(value)


def holds_large(document: dict[Any, Any]) -> bool:
    """Whether an object (with text keys) holds a long array or one with text already: then
    `dumps` encodes it in pieces."""
    return all(isinstance(key, str) for key in document) and any(
        (isinstance(item, list) and (len(item) > PIECE or isinstance(item, EncodedArray)))
        or (isinstance(item, dict) and holds_large(item))
        for item in document.values()
    )
