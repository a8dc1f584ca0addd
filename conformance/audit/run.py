"""One audit: read the traffic, judge it (replayed, or by the recorded answers), run the
cross-message checks, and gather the findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from conformance.audit.checks import coverage, run_checks
from conformance.audit.compare import Disagreement
from conformance.audit.exchanges import Judged, Traffic, pair
from conformance.audit.replay import replay
from conformance.audit.traffic import TrafficError, input_files, read_traffic
from conformance.audit.verdicts import Violation, violations
from vsb.catalogue import load_catalogue
from vsb.rulebook import OVERLAY_FILE, load_overlay

__all__ = ["AuditOptions", "AuditReport", "audit"]


@dataclass(frozen=True)
class AuditOptions:
    """What to audit and how: the files, and what a replay needs (found beside the first file
    when not given: `registry/` and `mbes.toml`, as `vsb simulate --out` writes them)."""

    files: Sequence[Path]
    registry: Path | None = None
    mbes: Path | None = None
    recorded: bool = False  # judge by the recorded answers, do not replay
    overlay: Path | None = None  # a rulebook overlay to replay with (beside the first file)

    def overlay_file(self) -> Path | None:
        """The rulebook overlay of a replay: `overlay`, or the one `vsb simulate --out` wrote
        beside the first file (a run with `[growth]` MBEs), or None."""
        if self.overlay is not None:
            return self.overlay
        beside = self.files[0].parent / OVERLAY_FILE
        return beside if beside.is_file() else None

    def replay_inputs(self) -> tuple[Path, Path] | None:
        """The registry folder and the MBE file to replay with, or None."""
        if self.recorded:
            return None
        folder = self.files[0].parent
        registry = self.registry or folder / "registry"
        mbes = self.mbes or folder / "mbes.toml"
        if self.registry is None and self.mbes is None and not registry.is_dir():
            return None
        return registry, mbes


@dataclass
class AuditReport:
    """What an audit found."""

    files: list[str]
    verdicts: str  # how the messages were judged, in a sentence
    replayed: bool
    messages: int
    period: tuple[str, str] | None
    violations: list[Violation] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    checked: dict[str, str] = field(default_factory=dict)
    not_checked: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """1 when a violation was found, else 0."""
        return 1 if self.violations else 0


def _recorded(traffic: Traffic) -> list[Judged]:
    return [
        Judged(
            e,
            e.message.body,
            tuple(d.body for d in (e.answer, e.decision, e.signed) if d is not None),
            e.processed_at(),
        )
        for e in traffic.exchanges
    ]


def _notes(traffic: Traffic, unknown: set[str]) -> list[str]:
    notes = []
    if traffic.unpaired:
        first = traffic.unpaired[0]
        notes.append(
            f"{len(traffic.unpaired)} recorded answers reply to no message of the input "
            f"(the first: {first.file} line {first.line})"
        )
    silent = sum(1 for e in traffic.exchanges if e.answer is None)
    if silent:
        notes.append(f"{silent} messages have no recorded answer")
    if unknown:
        notes.append(f"answers name requirements the catalogue does not know: {sorted(unknown)}")
    return notes


def audit(options: AuditOptions) -> AuditReport:
    """Audit the recorded traffic of `options.files`.

    Raises:
        TrafficError: a file or line cannot be read, or there is nothing to judge by.
        RegistryFileError, MbeFileError: the registry or MBE file of a replay is broken.
        RulebookError: the rulebook overlay of a replay is broken.
    """
    traffic = pair(read_traffic(list(options.files)))
    inputs = options.replay_inputs()
    if inputs is not None:
        path = options.overlay_file()
        overlay = load_overlay(path) if path is not None else None
        replayed = replay(traffic, *inputs, overlay)
        judged, disagreements = replayed.judged, replayed.disagreements
        extended = "" if overlay is None else f", rulebook overlay {path} ({overlay.name})"
        verdicts = (
            f"replayed through the reference application (registry {inputs[0]}, "
            f"MBEs {inputs[1]}{extended}); recorded answers compared"
        )
    elif traffic.central_documents == 0 and traffic.exchanges:
        raise TrafficError(
            str(options.files[0]),
            0,
            "",
            "no recorded answers to judge by and no registry to replay with: give the "
            "answers (answers.jsonl, settlements.jsonl) or --registry and --mbes",
        )
    else:
        judged, disagreements = _recorded(traffic), []
        verdicts = "the recorded answers (not replayed: " + (
            "--recorded)" if options.recorded else "no registry/ beside the input, no --registry)"
        )
    catalogue = load_catalogue()
    found: list[Violation] = []
    unknown: set[str] = set()
    for item in judged:
        more, names = violations(item.exchange, item.documents, catalogue)
        found += more
        unknown |= names
    found += run_checks(judged, catalogue)
    found.sort(key=lambda v: (v.at, v.message_id, v.requirement, v.invoice or "", v.line or 0))
    moments = [e.message.at for e in traffic.exchanges]
    checked, not_checked = coverage(catalogue)
    return AuditReport(
        files=[str(p) for p in input_files(list(options.files))],
        verdicts=verdicts,
        replayed=inputs is not None,
        messages=len(traffic.exchanges),
        period=(min(moments).isoformat(), max(moments).isoformat()) if moments else None,
        violations=found,
        disagreements=disagreements,
        checked=checked,
        not_checked=not_checked,
        notes=_notes(traffic, unknown),
    )
