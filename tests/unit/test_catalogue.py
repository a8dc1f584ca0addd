"""The requirement catalogue (vsb/data/requirements.toml, vsb.catalogue)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vsb.catalogue import CatalogueError, load_catalogue, parse_catalogue

ROOT = Path(__file__).resolve().parents[2]
AREAS = (
    "insurance",
    "request",
    "change",
    "stop",
    "transition",
    "message",
    "mbe",
    "identifier",
    "review",
)

GOOD = """
[[requirement]]
id = "REQ-X-ONE"
area = "request"
text = "One."
source = "seed"
actor = "central"
automated = true
outcome = "refused"
"""


def test_catalogue_has_at_least_25_engine_requirements_with_text_source_actor() -> None:
    engine = [r for r in load_catalogue().requirements if r.area in AREAS]
    assert len(engine) >= 25
    assert {r.area for r in engine} == set(AREAS)
    for requirement in engine:
        assert requirement.text.strip() and requirement.source.strip(), requirement.id
        assert requirement.actor in ("central", "mbe", "both")


def test_catalogue_ids_are_unique_and_well_formed() -> None:
    ids = load_catalogue().ids()
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"REQ-[A-Z0-9-]+", i) for i in ids)


def test_every_requirement_id_named_in_the_sources_is_in_the_catalogue() -> None:
    catalogue = load_catalogue()
    used = {
        m
        for path in (ROOT / "vsb").rglob("*.py")
        for m in re.findall(r'"(REQ-[A-Z0-9-]+)"', path.read_text("utf-8"))
    }
    assert len(used) >= 25
    assert sorted(used - set(catalogue.ids())) == []


def test_every_rulebook_parameter_names_a_catalogue_requirement() -> None:
    from vsb.rulebook import default_rulebook

    catalogue = load_catalogue()
    assert all(p.requirement in catalogue for p in default_rulebook().parameters.values())


def test_lookup_by_id_and_membership() -> None:
    catalogue = load_catalogue()
    assert catalogue["REQ-RQ-DEADLINE"].area == "request"
    assert "REQ-RQ-DEADLINE" in catalogue and "REQ-NOPE" not in catalogue
    with pytest.raises(KeyError, match="REQ-NOPE"):
        catalogue["REQ-NOPE"]


def test_as_dict_carries_every_field() -> None:
    data = load_catalogue()["REQ-BL-THRESHOLD"].as_dict()
    assert set(data) == {
        "id",
        "area",
        "text",
        "source",
        "actor",
        "automated",
        "outcome",
        "error_type",
    }
    assert "error_type" not in load_catalogue()["REQ-RQ-DEADLINE"].as_dict()


def test_a_well_formed_entry_parses() -> None:
    (requirement,) = parse_catalogue(GOOD).requirements
    assert (requirement.id, requirement.outcome, requirement.error_type) == (
        "REQ-X-ONE",
        "refused",
        None,
    )


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        ('text = "One."\n', "", "text"),
        ('actor = "central"', 'actor = "everyone"', "actor"),
        ('outcome = "refused"', 'outcome = "maybe"', "outcome"),
        ("automated = true", 'automated = "yes"', "automated"),
        ('outcome = "refused"', 'outcome = "refused"\nerror_type = "Z"', "error_type"),
        ('outcome = "refused"', 'outcome = "refused"\ncolour = "red"', "colour"),
    ],
)
def test_a_malformed_entry_is_an_error_naming_the_entry_and_field(
    old: str, new: str, names: str
) -> None:
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(GOOD.replace(old, new))
    assert "REQ-X-ONE" in str(raised.value) and names in str(raised.value)


def test_an_entry_without_id_is_named_by_its_position() -> None:
    with pytest.raises(CatalogueError, match="entry 0"):
        parse_catalogue(GOOD.replace('id = "REQ-X-ONE"\n', ""))


def test_an_id_without_the_req_prefix_is_an_error() -> None:
    with pytest.raises(CatalogueError, match="X-ONE"):
        parse_catalogue(GOOD.replace('"REQ-X-ONE"', '"X-ONE"'))


def test_an_id_used_twice_is_an_error() -> None:
    with pytest.raises(CatalogueError, match=r"REQ-X-ONE.*twice"):
        parse_catalogue(GOOD + GOOD)


def test_a_requirement_that_is_not_automated_must_say_why() -> None:
    entry = (
        '[[requirement]]\nid = "REQ-X"\narea = "a"\ntext = "t"\nsource = "s"\n'
        'actor = "mbe"\nautomated = false\noutcome = "none"\n'
    )
    with pytest.raises(CatalogueError, match="manual_reason"):
        parse_catalogue(entry)
    assert parse_catalogue(entry + 'manual_reason = "paper only"\n').requirements[0].manual_reason
