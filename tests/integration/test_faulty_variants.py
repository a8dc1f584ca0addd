"""The suite tests itself: every deliberately faulty variant of the reference fails it, and the
report names the requirement the variant breaks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine_support import ROOT
from tests.faulty.variants import BROKEN

CERTIFY = [sys.executable, "-c", "import sys; from vsb.cli import main; sys.exit(main())"]


def certify(
    report: Path, *options: str, direction: str = "central"
) -> subprocess.CompletedProcess[str]:
    """`vsb certify central` (or `mbe`) in a process of its own, from the repository root."""
    return subprocess.run(
        [*CERTIFY, "certify", direction, "--quiet", "--report", str(report), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
@pytest.mark.parametrize("variant", sorted(BROKEN))
def test_the_suite_fails_a_faulty_variant_naming_the_broken_requirement(
    variant: str, tmp_path: Path
) -> None:
    requirement = BROKEN[variant]
    run = certify(tmp_path, "--app", f"tests.faulty.variants:{variant}")
    assert run.returncode == 1, run.stdout + run.stderr
    results = json.loads((tmp_path / "results.json").read_text("utf-8"))
    failed = [s for s in results["scenarios"] if s["status"] == "failed"]
    named = {s["error"].get("requirement") for s in failed if s["error"]}
    tagged = {r for s in failed for r in s["requirements"]}
    assert requirement in tagged, f"{variant}: failed scenarios test {sorted(tagged)}"
    assert requirement in named | tagged
    html = (tmp_path / "report.html").read_text("utf-8")
    assert requirement in html and "NOT CONFORMANT" in html
