"""Binds every feature file of the suite: one pytest test per scenario (and per example)."""

from __future__ import annotations

from pytest_bdd import scenarios

from conformance.features import features_dir

scenarios(str(features_dir()))
