"""The schemas' date format remembers its answers (`_schema_fast.is_date`): what it answers
for a text is what working the answer out gives, whatever was asked before."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from vsb._schema_fast import is_date

worked_out = is_date.__wrapped__

date_like = st.builds(
    lambda year, month, day: f"{year:04d}-{month:02d}-{day:02d}",
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
)
texts = date_like | st.text(alphabet="0123456789-+ T:\n\u0660", max_size=12) | st.text(max_size=12)


@settings(max_examples=500, deadline=None)
@given(st.lists(texts, min_size=1, max_size=20))
def test_a_remembered_date_answer_is_the_answer_worked_out(asked: list[str]) -> None:
    for text in [*asked, *reversed(asked)]:  # each asked at least twice: remembered the second
        assert is_date(text) is worked_out(text)


@given(st.dates())
def test_every_calendar_date_in_iso_form_is_a_date(day: dt.date) -> None:
    assert is_date(day.isoformat())


def test_texts_that_are_not_calendar_dates_are_not_dates() -> None:
    for text in (
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-1-01",
        "2024-01-01\n",
        "٢٠٢٤-01-01",
    ):
        assert not is_date(text)
        assert not is_date(text)  # and not once remembered either
