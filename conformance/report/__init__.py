"""The HTML report of a conformance run: the one page a certifier reads and files as evidence.

It is written from `results.json` (see `conformance.plugin`) and the requirement catalogue:
a summary with the overall verdict, a coverage table with one verdict per requirement, and per
requirement a section with every scenario that tests it, its steps and the exchanges with the
system under test. A failed scenario names the rule broken in the catalogue's words, the field
at fault and what was expected against what came back.

The page is self-contained (inline CSS, no script, no external address) and prints legibly.
Everything taken from the results is escaped: it holds text from the system under test.

`verdicts` holds the data (what the run concluded), `page`, `summary` and `scenarios` the
markup, `style` the CSS.
"""

from conformance.report.page import REPORT, render_html, write_html
from conformance.report.verdicts import (
    VERDICTS,
    RequirementVerdict,
    RunMeta,
    Verdict,
    overall_verdict,
    requirement_verdicts,
    scenario_requirements,
)

__all__ = [
    "REPORT",
    "VERDICTS",
    "RequirementVerdict",
    "RunMeta",
    "Verdict",
    "overall_verdict",
    "render_html",
    "requirement_verdicts",
    "scenario_requirements",
    "write_html",
]
