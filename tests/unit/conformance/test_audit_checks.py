"""The audit's core rule and its cross-message checks, on hand-made recorded streams."""

from __future__ import annotations

from pathlib import Path

from conformance.audit.checks import CHECKS, coverage
from conformance.audit.render import summary
from conformance.audit.run import AuditOptions, AuditReport, audit
from tests.unit.conformance.audit_streams import (
    MBE,
    PATIENT,
    REFERENCE,
    Line,
    answer,
    decision,
    invoice,
    query,
    request,
    settlement,
    shipment,
    status,
    write,
)
from vsb.catalogue import load_catalogue

CHECK = "REQ-INS-MBE-CHECKS-BEFORE-BILLING"


def at(moment: str) -> str:
    """ "MM-DD HH:MM" in 2024, Brussels time."""
    day, time = moment.split()
    return f"2024-{day}T{time}:00+01:00"


def _audit(tmp_path: Path, lines: list[Line]) -> AuditReport:
    return audit(AuditOptions([write(tmp_path / "traffic.jsonl", lines)], recorded=True))


def _found(report: AuditReport) -> list[tuple[str, str]]:
    return [v.key() for v in report.violations]


# -- the core rule: what the central application's answers name -----------------------------


def test_a_refusal_naming_a_requirement_that_binds_mbe_software_is_a_violation(
    tmp_path: Path,
) -> None:
    late = ("REQ-RQ-DEADLINE", "/begeleiding/startDate", "the request came 45 days after")
    report = _audit(
        tmp_path,
        [
            (at("04-15 10:00"), request("rq-1")),
            (at("04-15 10:01"), answer("rq-1", "refused", [late])),
        ],
    )
    [violation] = report.violations
    assert violation.key() == ("rq-1", "REQ-RQ-DEADLINE")
    assert violation.mbe == MBE and violation.kind == "request"
    assert violation.at == "2024-04-15T10:00:00+01:00"
    assert violation.why == load_catalogue()["REQ-RQ-DEADLINE"].text
    assert violation.detail == "refused at /begeleiding/startDate: the request came 45 days after"
    assert report.exit_code == 1


def test_accepted_messages_and_requirements_of_the_central_application_are_no_violation(
    tmp_path: Path,
) -> None:
    report = _audit(
        tmp_path,
        [
            (at("03-02 10:00"), request("rq-1")),
            (at("03-02 10:01"), answer("rq-1", reference=REFERENCE)),
            (at("03-03 10:00"), request("rq-2", "90070706515")),
            (
                at("03-03 10:01"),
                answer("rq-2", "refused", [("REQ-INS-UNKNOWN-PERSON", "/insz", "unknown")]),
            ),
            (at("03-04 10:00"), {**request("ch-1"), "kind": "admin-change"}),
            (
                at("03-04 10:01"),
                answer("ch-1", "under-review", review=("REQ-CH-LATE-WINDOW", "late")),
            ),
        ],
    )
    assert report.violations == [] and report.exit_code == 0


def test_under_review_naming_a_requirement_of_both_sides_is_listed_as_under_review(
    tmp_path: Path,
) -> None:
    reason = "the patient can affiliate; the MBE urges the patient to affiliate"
    report = _audit(
        tmp_path,
        [
            (at("03-02 10:00"), request("rq-1", "90070706515")),
            (
                at("03-02 10:01"),
                answer("rq-1", "under-review", review=("REQ-INS-CAN-AFFILIATE", reason)),
            ),
            (
                at("03-04 09:00"),
                decision(
                    "rq-1", "refused", [("REQ-INS-CAN-AFFILIATE", "refused by the zorgkas: no")]
                ),
            ),
        ],
    )
    [violation] = report.violations  # the review and the final refusal: one violation
    assert violation.outcome == "under review" and violation.detail == f"under review: {reason}"


def test_a_final_refusal_naming_another_requirement_is_a_violation_of_its_own(
    tmp_path: Path,
) -> None:
    report = _audit(
        tmp_path,
        [
            (at("03-02 10:00"), request("rq-1", "90070706515")),
            (
                at("03-02 10:01"),
                answer("rq-1", "under-review", review=("REQ-INS-CAN-AFFILIATE", "r")),
            ),
            (
                at("03-04 09:00"),
                decision("rq-1", "refused", [("REQ-RQ-ONE-OPEN", "open elsewhere")]),
            ),
        ],
    )
    assert _found(report) == [("rq-1", "REQ-INS-CAN-AFFILIATE"), ("rq-1", "REQ-RQ-ONE-OPEN")]
    assert report.violations[1].outcome == "refused by the zorgkas"


def test_a_settlement_gives_one_violation_per_wrong_invoice_and_line_not_the_threshold(
    tmp_path: Path,
) -> None:
    report = _audit(
        tmp_path,
        [
            (at("04-10 10:00"), shipment("s-1", invoice("F-1"), invoice("F-2"), invoice("F-3"))),
            (
                at("04-10 10:30"),
                settlement(
                    "s-1",
                    [
                        ("F-1", ["REQ-BL-MEMBER"], []),
                        ("F-2", [], ["REQ-BL-TARIFF"]),
                        ("F-3", [], []),
                    ],
                    "refused",
                    ["REQ-BL-THRESHOLD"],
                ),
            ),
        ],
    )
    member, tariff = report.violations
    assert (member.requirement, member.invoice, member.line) == ("REQ-BL-MEMBER", "F-1", None)
    assert member.outcome == "invoice rejected"
    assert (tariff.requirement, tariff.invoice, tariff.line) == ("REQ-BL-TARIFF", "F-2", 1)
    assert summary(report.violations) == {
        MBE: {
            "REQ-BL-MEMBER": {"violations": 1, "messages": 1},
            "REQ-BL-TARIFF": {"violations": 1, "messages": 1},
        }
    }


def test_a_requirement_the_catalogue_does_not_know_is_a_note_not_a_violation(
    tmp_path: Path,
) -> None:
    report = _audit(
        tmp_path,
        [
            (at("03-02 10:00"), request("rq-1")),
            (at("03-02 10:01"), answer("rq-1", "refused", [("REQ-NOPE", "", "?")])),
        ],
    )
    assert report.violations == []
    assert any("REQ-NOPE" in note for note in report.notes)


# -- REQ-INS-MBE-CHECKS-BEFORE-BILLING -------------------------------------------------------


def _billing(*, query_at: str | None, reference: str = REFERENCE) -> list[Line]:
    lines: list[Line] = []
    if query_at is not None:
        lines += [(query_at, query("q-1")), (query_at.replace(":00+", ":30+"), status("q-1"))]
    return [
        *lines,
        (at("03-02 10:00"), request("rq-1")),
        (at("03-02 10:01"), answer("rq-1", reference=REFERENCE)),
        (at("04-10 10:00"), shipment("s-1", invoice("F-1", reference))),
        (at("04-10 10:30"), settlement("s-1", [("F-1", [], [])])),
    ]


def test_an_invoice_after_an_answered_status_query_passes_the_check(tmp_path: Path) -> None:
    assert _audit(tmp_path, _billing(query_at="2024-03-01T10:00:00+01:00")).violations == []


def test_an_invoice_without_a_status_query_before_it_breaks_the_check(tmp_path: Path) -> None:
    [violation] = _audit(tmp_path, _billing(query_at=None)).violations
    assert violation.key() == ("s-1", CHECK) and violation.invoice == "F-1"
    assert violation.outcome == "cross-message check"
    assert (
        PATIENT in violation.detail and "no answer to an insurance-status query" in violation.detail
    )


def test_a_status_query_answered_only_after_the_shipment_does_not_count(tmp_path: Path) -> None:
    [violation] = _audit(tmp_path, _billing(query_at="2024-04-11T10:00:00+01:00")).violations
    assert violation.key() == ("s-1", CHECK)
    assert "the first answer came at 2024-04-11T10:00:30+01:00" in violation.detail


def test_an_invoice_of_a_begeleiding_not_accepted_in_the_traffic_is_not_judged_by_the_check(
    tmp_path: Path,
) -> None:
    report = _audit(tmp_path, _billing(query_at=None, reference="VSB-2023-0000042"))
    assert report.violations == []


def test_a_request_accepted_after_review_counts_and_credit_notes_are_not_invoicing(
    tmp_path: Path,
) -> None:
    lines: list[Line] = [
        (at("03-02 10:00"), request("rq-1")),
        (at("03-02 10:01"), answer("rq-1", "under-review", review=("REQ-INS-CAN-AFFILIATE", "r"))),
        (at("03-04 09:00"), decision("rq-1", "accepted", reference=REFERENCE)),
        (at("04-10 10:00"), shipment("s-1", invoice("F-1"), invoice("C-1", kind="credit-note"))),
        (at("04-10 10:30"), settlement("s-1", [("F-1", [], []), ("C-1", [], [])])),
    ]
    assert _found(_audit(tmp_path, lines)) == [
        ("rq-1", "REQ-INS-CAN-AFFILIATE"),
        ("s-1", CHECK),  # F-1 only: the credit note bills nothing new
    ]


# -- REQ-BL-NOT-UNDER-REVIEW -----------------------------------------------------------------

REVIEWED = "REQ-BL-NOT-UNDER-REVIEW"


def _late_change(*, decided: str | None, shipped: str) -> list[Line]:
    change = {**request("ch-1"), "kind": "admin-change", "vsbReference": REFERENCE}
    lines: list[Line] = [
        (at("03-01 10:00"), query("q-1")),
        (at("03-01 10:01"), status("q-1")),
        (at("03-02 10:00"), request("rq-1")),
        (at("03-02 10:01"), answer("rq-1", reference=REFERENCE)),
        (at("04-09 10:00"), change),
        (at("04-09 10:01"), answer("ch-1", "under-review", review=("REQ-CH-LATE-WINDOW", "r"))),
    ]
    if decided is not None:
        lines.append((at(decided), decision("ch-1", "accepted", reference=REFERENCE)))
    return [
        *lines,
        (at(shipped), shipment("s-1", invoice("F-1"))),
        (at(shipped.replace(":00", ":30")), settlement("s-1", [("F-1", [], [])])),
    ]


def test_billing_a_begeleiding_while_its_message_is_under_review_breaks_the_check(
    tmp_path: Path,
) -> None:
    late = _late_change(decided="04-11 09:00", shipped="04-10 10:00")
    [violation] = _audit(tmp_path, late).violations
    assert violation.key() == ("s-1", REVIEWED) and violation.invoice == "F-1"
    assert "admin-change ch-1 was under review since 2024-04-09T10:01:00+01:00" in violation.detail
    assert "its final decision came at 2024-04-11T09:00:00+01:00" in violation.detail


def test_billing_with_the_final_decision_still_missing_from_the_traffic_breaks_the_check(
    tmp_path: Path,
) -> None:
    [violation] = _audit(tmp_path, _late_change(decided=None, shipped="04-10 10:00")).violations
    assert (
        violation.key() == ("s-1", REVIEWED)
        and "decision is not in the traffic" in violation.detail
    )


def test_billing_after_the_final_decision_passes_the_check(tmp_path: Path) -> None:
    late = _late_change(decided="04-10 09:00", shipped="04-10 10:00")
    assert _audit(tmp_path, late).violations == []


def test_billing_before_the_answer_said_under_review_passes_the_check(tmp_path: Path) -> None:
    late = _late_change(decided=None, shipped="04-09 10:00")
    assert _audit(tmp_path, late).violations == []


# -- coverage --------------------------------------------------------------------------------


def test_every_requirement_that_binds_mbe_software_is_checked_or_says_why_not() -> None:
    catalogue = load_catalogue()
    checked, not_checked = coverage(catalogue)
    binding = {r.id for r in catalogue.requirements if r.actor in ("mbe", "both")}
    assert set(checked) | set(not_checked) == binding
    assert not set(checked) & set(not_checked)
    assert "no check yet" not in not_checked.values()
    assert set(CHECKS) <= set(checked)
    for requirement_id in CHECKS:
        assert catalogue[requirement_id].outcome == "none"  # else the answers judge it
