"""vsb.resources: the packaged data are the root folders fixtures/ and features/, found by name."""

from __future__ import annotations

import pytest

from conformance.features import FEATURES_ENV, features_dir
from tests.engine_support import ROOT
from vsb.resources import ResourceError, default_scenario, fixtures, package_folder


def test_the_packaged_fixtures_are_the_root_fixtures_folder() -> None:
    assert fixtures().resolve() == (ROOT / "fixtures").resolve()
    assert (fixtures() / "mbes.toml").is_file() and (fixtures() / "registry").is_dir()


def test_the_default_scenario_is_the_calibrated_flanders_scenario() -> None:
    assert default_scenario() == fixtures() / "scenarios" / "flanders-2024.toml"
    assert default_scenario().is_file()


def test_the_packaged_features_are_the_root_features_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(FEATURES_ENV, raising=False)
    assert features_dir().resolve() == (ROOT / "features").resolve()
    assert any(features_dir().glob("*.feature"))


def test_a_package_that_is_not_installed_is_a_resource_error_naming_it() -> None:
    with pytest.raises(ResourceError, match=r"vsb\.no_such_data"):
        package_folder("vsb.no_such_data")
