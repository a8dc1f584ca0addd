"""Where the suite's feature files are."""

from __future__ import annotations

import os
from pathlib import Path

FEATURES_ENV = "VSB_FEATURES"


def features_dir() -> Path:
    """The feature folder: `$VSB_FEATURES` when set, else the project's `features/`."""
    chosen = os.environ.get(FEATURES_ENV)
    return Path(chosen) if chosen else Path(__file__).resolve().parents[1] / "features"


def suite_dir() -> Path:
    """The folder holding the pytest module that binds the features."""
    return Path(__file__).resolve().parent / "suite"
