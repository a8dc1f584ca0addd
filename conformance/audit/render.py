"""The audit report for people (text) and for machines (JSON)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from conformance.audit.run import AuditReport
from conformance.audit.verdicts import Violation

__all__ = ["as_json", "as_text", "summary"]


def summary(violations: list[Violation]) -> dict[str, dict[str, dict[str, int]]]:
    """Per MBE and requirement: how many violations, in how many messages."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for violation in violations:
        found[violation.mbe][violation.requirement].append(violation.message_id)
    return {
        mbe: {
            requirement: {"violations": len(ids), "messages": len(set(ids))}
            for requirement, ids in sorted(per_requirement.items())
        }
        for mbe, per_requirement in sorted(found.items())
    }


def as_json(report: AuditReport) -> dict[str, Any]:
    """The report as JSON-ready data (docs/audit.md describes every key)."""
    return {
        "files": report.files,
        "verdicts": report.verdicts,
        "replayed": report.replayed,
        "messages": report.messages,
        "period": {"from": report.period[0], "to": report.period[1]} if report.period else None,
        "violations": [v.as_dict() for v in report.violations],
        "summary": summary(report.violations),
        "totals": {
            "violations": len(report.violations),
            "messages": len({(v.mbe, v.message_id) for v in report.violations}),
            "mbes": len({v.mbe for v in report.violations}),
        },
        "disagreements": [d.as_dict() for d in report.disagreements],
        "checked": report.checked,
        "notChecked": report.not_checked,
        "notes": report.notes,
        "exitCode": report.exit_code,
    }


def _violation(v: Violation) -> list[str]:
    where = f"  invoice {v.invoice}" if v.invoice else ""
    where += f" line {v.line}" if v.line is not None else ""
    return [
        f"{v.requirement}  MBE {v.mbe}  {v.kind} {v.message_id}{where}  sent {v.at}",
        f"    rule: {v.why}",
        f"    why:  {v.detail}",
    ]


def _summary(report: AuditReport) -> list[str]:
    lines = ["", "SUMMARY per MBE and requirement"]
    for mbe, per_requirement in summary(report.violations).items():
        lines.append(f"MBE {mbe}")
        width = max(len(r) for r in per_requirement)
        for requirement, counts in per_requirement.items():
            lines.append(
                f"  {requirement:<{width}}  {counts['violations']:>6} violations in "
                f"{counts['messages']} messages"
            )
    if not report.violations:
        lines.append("  no violation")
    return lines


def _disagreements(report: AuditReport) -> list[str]:
    title = "DISAGREEMENTS between the recorded answers and the reference application"
    if not report.replayed:
        return ["", f"{title}: not looked for (not replayed)"]
    lines = ["", f"{title}: {len(report.disagreements)}"]
    for d in report.disagreements:
        lines.append(
            f"  {d.kind} {d.message_id} (MBE {d.mbe}, sent {d.at}), {d.document} {d.field}: "
            f"recorded {d.recorded}, reference {d.reference}"
        )
    return lines


def _coverage(report: AuditReport) -> list[str]:
    lines = ["", f"CHECKED for MBE software: {len(report.checked)} requirements"]
    for requirement, how in report.checked.items():
        lines.append(f"  {requirement}: {how}")
    lines += ["", f"NOT CHECKED: {len(report.not_checked)} requirements"]
    for requirement, why in report.not_checked.items():
        lines.append(f"  {requirement}: {why}")
    return lines


def as_text(report: AuditReport) -> str:
    """The report for people: every violation, the summary, disagreements, coverage."""
    period = f", {report.period[0]} to {report.period[1]}" if report.period else ""
    lines = [
        f"vsb audit: {report.messages} messages{period}",
        f"files: {', '.join(report.files)}",
        f"verdicts: {report.verdicts}",
        "",
        f"VIOLATIONS by MBE software: {len(report.violations)}",
    ]
    for violation in report.violations:
        lines += _violation(violation)
    lines += _summary(report)
    lines += _disagreements(report)
    lines += _coverage(report)
    if report.notes:
        lines += ["", "NOTES"] + [f"  {note}" for note in report.notes]
    verdict = (
        f"{len(report.violations)} violations by MBE software (exit 1)"
        if report.violations
        else "no violation by MBE software (exit 0)"
    )
    lines += ["", f"RESULT: {verdict}"]
    return "\n".join(lines)
