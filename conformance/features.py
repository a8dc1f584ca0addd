"""Where the suite's feature files are."""

from __future__ import annotations

import os
from pathlib import Path

from vsb.resources import package_folder

FEATURES_ENV = "VSB_FEATURES"
FEATURES_PACKAGE = "conformance.feature_files"
"""The package whose data are the root folder `features/` (pyproject.toml, package-dir)."""


def features_dir() -> Path:
    """The feature folder: `$VSB_FEATURES` when set, else the packaged `features/`."""
    chosen = os.environ.get(FEATURES_ENV)
    return Path(chosen) if chosen else package_folder(FEATURES_PACKAGE)


def suite_dir() -> Path:
    """The folder holding the pytest module that binds the features."""
    return Path(__file__).resolve().parent / "suite"
