"""What a refusal tells one MBE about another MBE's patient: no more than the rule needs.

REQ-RQ-ONE-OPEN refuses a request while the patient has an open or pending begeleiding at any
MBE. The requesting MBE learns that, and that the other MBE must stop first; not which MBE, its
VSB reference, its dates or anything else of that begeleiding.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.engine_support import (
    MBE_A,
    MBE_B,
    _mbes,
    assert_refused,
    assert_under_review,
    open_begeleiding,
    persons,
    request,
)
from vsb.engine import CentralApplication

P = persons()
FIRST, SECOND = P["affiliated_180_official"], P["affiliated_180_official_2"]
CAN = P["not_affiliated_vzv25"]  # can affiliate: a request for them waits under review
NAME_A = next(m["name"] for m in _mbes() if m["hco"] == MBE_A)


def _refusal_elsewhere(app: CentralApplication, insz: str) -> dict[str, Any]:
    answer = app.handle(request(MBE_B, insz, "2024-03-08"))
    assert_refused(answer, "REQ-RQ-ONE-OPEN", "/insz")
    return answer


def test_a_refusal_for_an_open_begeleiding_elsewhere_names_no_mbe_reference_or_date(
    app: CentralApplication,
) -> None:
    sent = request(MBE_A, FIRST, "2024-03-01")
    reference = open_begeleiding(app, MBE_A, FIRST, "2024-03-01")
    answer = _refusal_elsewhere(app, FIRST)
    text = json.dumps(answer, ensure_ascii=False)
    begeleiding = sent["begeleiding"]
    secrets = [
        MBE_A,
        NAME_A,
        reference,
        reference.rsplit("-", 1)[-1],
        "2024-03-01",
        json.dumps(begeleiding["contactPerson"], ensure_ascii=False)[1:-1],
        begeleiding["medical"]["gp"]["riziv"],
    ]
    assert [s for s in secrets if s and s in text] == []
    [error] = answer["errors"]
    assert "another MBE" in error["message"]
    assert not re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|VSB-", error["message"])
    assert set(answer) == {"kind", "answerId", "inReplyTo", "answeredAt", "outcome", "errors"}


def test_the_refusal_is_the_same_whatever_the_other_begeleiding_is(
    app: CentralApplication,
) -> None:
    """Open or pending, started on one day or another: the refusal says the same."""
    open_begeleiding(app, MBE_A, FIRST, "2024-03-01")
    open_begeleiding(app, MBE_A, SECOND, "2024-02-20")
    assert_under_review(app.handle(request(MBE_A, CAN, "2024-03-05")), "REQ-INS-CAN-AFFILIATE")
    errors = [_refusal_elsewhere(app, insz)["errors"] for insz in (FIRST, SECOND, CAN)]
    assert errors[0] == errors[1] == errors[2]
