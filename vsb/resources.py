"""Where the packaged data are, so that `vsb` works from any folder once installed.

The root folders `fixtures/` and `features/` are the single source of the data: pyproject.toml
maps them to the packages `vsb.fixtures` and `conformance.feature_files` (`package-dir`), so a
wheel carries them and an editable install reads them where they are. Every default path of
the command line comes from here; a flag still takes a folder or file of one's own.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["FIXTURES_PACKAGE", "ResourceError", "default_scenario", "fixtures", "package_folder"]

FIXTURES_PACKAGE = "vsb.fixtures"
"""The package whose data are `fixtures/`: MBEs, test persons, registry, samples, scenarios."""


class ResourceError(RuntimeError):
    """Packaged data that cannot be read as files (an installation that is not a folder)."""


def package_folder(package: str) -> Path:
    """The folder of an installed data package as a file-system path.

    Raises:
        ResourceError: the package is missing or not installed as a folder (e.g. in a zip).
    """
    try:
        folder = resources.files(package)
    except ModuleNotFoundError:
        raise ResourceError(f"{package}: not installed; reinstall vsb-harness") from None
    if not isinstance(folder, Path):
        raise ResourceError(f"{package}: installed as {folder}, not as a folder of files")
    return folder


def fixtures() -> Path:
    """The packaged fixtures folder (registry/, mbes.toml, persons.toml, samples/, scenarios/)."""
    return package_folder(FIXTURES_PACKAGE)


def default_scenario() -> Path:
    """The calibrated default scenario of `vsb simulate` (Flanders at 2024 volumes)."""
    return fixtures() / "scenarios" / "flanders-2024.toml"
