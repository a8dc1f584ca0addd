"""What the simulator's sub-commands share: checking an output folder, and printing every error
of a scenario or of the flags, one line each."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from simulator.scenario_reader import ScenarioError, ScenarioErrors

__all__ = ["report_errors", "writable_folder"]


def writable_folder(folder: Path, flag: str = "--out") -> None:
    """Create `folder` (and its parents) and check that files can be written in it.

    Raises:
        ScenarioError: naming `flag`, when the folder cannot be created or written to.
    """
    try:
        if folder.exists() and not folder.is_dir():
            raise ScenarioError(flag, f"{folder} is a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ScenarioError(flag, f"cannot write to the folder {folder}: {reason}") from None


def report_errors(command: str, error: ScenarioError) -> int:
    """Print each error of `error` as one line on stderr; the exit status of a refused run."""
    errors = error.errors if isinstance(error, ScenarioErrors) else [error]
    for one in errors:
        print(f"vsb {command}: error: {one}", file=sys.stderr)
    return 2
