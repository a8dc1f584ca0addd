"""Score an audit against the simulator's ground truth: precision and recall.

The ground truth (`ground-truth.jsonl`, docs/simulator.md) records which message breaks which
requirement. The faults of MBE software are those whose requirement binds MBE software (actor
`mbe` or `both`); the others (an unknown person, a late change the zorgkas reviews) are the
patient's situation or the central application's procedure. Audit and truth are matched on
(message id, requirement).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from conformance.audit.verdicts import BINDS_MBE, Violation
from vsb.catalogue import load_catalogue

__all__ = ["Score", "mbe_faults", "score"]

Pair = tuple[str, str]


@dataclass(frozen=True)
class Score:
    """How the audit's findings match the ground truth."""

    found: frozenset[Pair]
    truth: frozenset[Pair]

    @property
    def true_positives(self) -> int:
        """Faults found."""
        return len(self.found & self.truth)

    @property
    def false_alarms(self) -> frozenset[Pair]:
        """Findings the ground truth does not record."""
        return self.found - self.truth

    @property
    def missed(self) -> frozenset[Pair]:
        """Faults the audit did not find."""
        return self.truth - self.found

    @property
    def precision(self) -> float:
        """Share of findings that are recorded faults (1.0 when nothing was found)."""
        return self.true_positives / len(self.found) if self.found else 1.0

    @property
    def recall(self) -> float:
        """Share of recorded faults that were found (1.0 when there are none)."""
        return self.true_positives / len(self.truth) if self.truth else 1.0

    def line(self) -> str:
        """One line for people."""
        return (
            f"precision {self.precision:.4f}  recall {self.recall:.4f}  "
            f"({self.true_positives} of {len(self.truth)} faults of MBE software found, "
            f"{len(self.false_alarms)} false alarms, {len(self.missed)} missed)"
        )


def mbe_faults(ground_truth: Path) -> frozenset[Pair]:
    """(message id, requirement) of every fault of MBE software in a ground-truth file."""
    catalogue = load_catalogue()
    found: set[Pair] = set()
    for line in ground_truth.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)["body"]
            if catalogue[record["requirement"]].actor in BINDS_MBE:
                found.add((record["messageId"], record["requirement"]))
    return frozenset(found)


def score(violations: Iterable[Violation], ground_truth: Path) -> Score:
    """The audit's violations against the ground truth's faults of MBE software."""
    return Score(frozenset(v.key() for v in violations), mbe_faults(ground_truth))
