"""docs/conformance.md lists every step of the suite."""

from __future__ import annotations

from conformance.vocabulary import BEGIN, END, markdown, steps
from tests.engine_support import ROOT


def test_the_documented_vocabulary_is_the_suites() -> None:
    text = (ROOT / "docs" / "conformance.md").read_text("utf-8")
    documented = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert documented == markdown(), "run: python -m conformance.vocabulary, paste into the doc"


def test_every_step_has_a_keyword_and_a_pattern() -> None:
    listed = steps()
    assert len(listed) > 50
    assert {s.keyword for s in listed} <= {"Given", "When", "Then"}
