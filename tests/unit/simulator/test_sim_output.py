"""The streams' writer: the same text as the standard library would give, written in batches."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from simulator.output import BATCH, Recorder, dumps, stamp
from vsb.clock import BRUSSELS

# What the streams' documents are made of: text (any, also non-ASCII and control characters),
# whole numbers, booleans and null, in objects and arrays (the schemas have no number type).
_SCALARS = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text()
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), _DOCUMENTS, max_size=6))
def test_dumps_gives_the_standard_librarys_sorted_compact_text(document: dict[str, Any]) -> None:
    expected = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert dumps(document) == expected


def test_the_recorder_writes_every_line_in_order_across_batches(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path)
    moment = dt.datetime(2024, 3, 1, 10, 30)
    count = 2 * BATCH + 3
    for i in range(count):
        recorder.write("messages", moment, {"messageId": f"m-{i}"})
    assert len(recorder.lines("messages")) == count  # read back before closing: flushed
    recorder.close()
    lines = (tmp_path / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["body"]["messageId"] for line in lines] == [
        f"m-{i}" for i in range(count)
    ]
    assert json.loads(lines[0])["at"] == "2024-03-01T10:30:00+01:00"


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)))
def test_a_moment_is_stamped_to_the_second_in_brussels_winter_time(moment: dt.datetime) -> None:
    assert stamp(moment) == moment.replace(microsecond=0, tzinfo=BRUSSELS).isoformat()


@given(
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dictionaries(st.text(), _DOCUMENTS, max_size=6),
)
def test_a_line_is_the_sorted_compact_text_of_its_envelope(
    moment: dt.datetime, body: dict[str, Any]
) -> None:
    recorder = Recorder(None)
    recorder.write("answers", moment, body)
    recorder.write("answers", moment, {"same": "moment"})  # the envelope's head made once
    expected = [
        json.dumps(
            {"at": stamp(moment), "body": document},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for document in (body, {"same": "moment"})
    ]
    assert recorder.lines("answers") == expected
