"""Unit tests of vsb.membership: the committed registry fixture and every load refusal."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from vsb.identifiers import make_bis, make_rrn, validate_insz
from vsb.membership import Affiliation, Person, RegistryFileError, load_registry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REGISTER_HEADER = (
    "insz,last_name,first_name,birth_date,sex,region,postal_code,health_insurer,register_status"
)
ANNA = make_rrn(date(1950, 3, 14), 2)
BERT = make_rrn(date(1945, 1, 30), 3)
STRANGER = make_rrn(date(1960, 1, 1), 5)


@pytest.fixture(scope="module")
def persons_toml() -> dict[str, str]:
    with (FIXTURES / "persons.toml").open("rb") as handle:
        entries = tomllib.load(handle)["person"]
    return {entry["key"]: entry["insz"] for entry in entries}


@pytest.fixture(scope="module")
def registry() -> tuple[dict[str, Person], list[Affiliation]]:
    snapshot = load_registry(FIXTURES / "registry")
    return {p.insz: p for p in snapshot.persons}, list(snapshot.affiliations)


def _person(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str], key: str
) -> tuple[Person, list[Affiliation]]:
    persons, affiliations = registry
    insz = persons_toml[key]
    return persons[insz], [a for a in affiliations if a.insz == insz]


def _open_at(affiliations: list[Affiliation], day: date) -> list[Affiliation]:
    return [a for a in affiliations if a.start <= day and (a.end is None or day <= a.end)]


# --- the committed fixture ------------------------------------------------------------------


def test_every_person_of_persons_toml_has_a_valid_insz_and_is_in_the_registry(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    assert 25 <= len(persons_toml) <= 35
    assert len(set(persons_toml.values())) == len(persons_toml)
    for insz in persons_toml.values():
        assert validate_insz(insz).number == insz
        assert insz in registry[0]
    assert set(registry[0]) == set(persons_toml.values())


def test_persons_toml_gives_every_person_a_situation() -> None:
    with (FIXTURES / "persons.toml").open("rb") as handle:
        entries = tomllib.load(handle)["person"]
    assert all(entry["situation"].strip() for entry in entries)


@pytest.mark.parametrize("zorgkas", [180, 280, 380, 480, 580, 680])
def test_each_zorgkas_has_three_official_members_on_2024_01_01(
    registry: tuple[dict[str, Person], list[Affiliation]],
    persons_toml: dict[str, str],
    zorgkas: int,
) -> None:
    for suffix in ("", "_2", "_3"):
        _, affiliations = _person(registry, persons_toml, f"affiliated_{zorgkas}_official{suffix}")
        (current,) = _open_at(affiliations, date(2024, 1, 1))
        assert (current.zorgkas, current.type) == (zorgkas, "official")


def test_fixture_has_an_administrative_affiliation_of_a_walloon_at_680(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    person, affiliations = _person(registry, persons_toml, "wallonia_affiliated_680_administrative")
    assert person.region == "wallonia"
    assert [(a.zorgkas, a.type, a.start) for a in affiliations] == [
        (680, "administrative", date(2024, 1, 1))
    ]


def test_fixture_has_a_brussels_resident_affiliated_officially(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    person, affiliations = _person(registry, persons_toml, "brussels_affiliated_voluntary")
    assert person.region == "brussels"
    assert _open_at(affiliations, date(2024, 1, 1))[0].type == "official"


def test_fixture_has_a_fleming_on_vzv25_without_affiliation(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    person, affiliations = _person(registry, persons_toml, "not_affiliated_vzv25")
    assert (person.region, person.cannot_affiliate, affiliations) == ("flanders", None, [])
    assert {2024, 2025} <= person.vzv25_years


def test_fixture_has_a_foreign_insured_person_who_can_affiliate(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    person, affiliations = _person(registry, persons_toml, "not_affiliated_foreign_insured")
    assert person.foreign_insured
    assert (person.cannot_affiliate, affiliations) == (None, [])


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("cannot_affiliate_asylum_seeker", "asylum-seeker-not-recognised"),
        ("cannot_affiliate_struck_from_register", "struck-from-register"),
        ("cannot_affiliate_international_official", "international-official"),
        ("cannot_affiliate_temporary_student", "temporary-non-eu-student"),
    ],
)
def test_fixture_has_a_person_who_cannot_affiliate_for_each_reason(
    registry: tuple[dict[str, Person], list[Affiliation]],
    persons_toml: dict[str, str],
    key: str,
    reason: str,
) -> None:
    person, affiliations = _person(registry, persons_toml, key)
    assert (person.cannot_affiliate, affiliations) == (reason, [])


def test_fixture_has_an_affiliated_person_who_died_on_2024_05_10(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    person, affiliations = _person(registry, persons_toml, "deceased_affiliated")
    assert person.death_date == date(2024, 5, 10)
    assert _open_at(affiliations, date(2024, 5, 10))


def test_fixture_has_affiliated_bis_persons_one_without_birth_date(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    for key in ("bis_affiliated", "bis_unknown_birth_date_affiliated"):
        person, affiliations = _person(registry, persons_toml, key)
        assert validate_insz(person.insz).kind == "bis"
        assert _open_at(affiliations, date(2024, 1, 1))
    unknown, _ = _person(registry, persons_toml, "bis_unknown_birth_date_affiliated")
    assert (unknown.birth_date, unknown.sex) == (None, "U")


def test_fixture_has_a_person_with_increased_allowance(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    person, _ = _person(registry, persons_toml, "increased_allowance_affiliated")
    assert person.increased_allowance_years == frozenset({2024, 2025})


def test_fixture_has_an_affiliation_ending_2024_06_30(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    _, affiliations = _person(registry, persons_toml, "affiliation_ended")
    assert [a.end for a in affiliations] == [date(2024, 6, 30)]
    assert not _open_at(affiliations, date(2024, 7, 1))


def test_fixture_has_a_person_affiliated_only_from_2025(
    registry: tuple[dict[str, Person], list[Affiliation]], persons_toml: dict[str, str]
) -> None:
    person, affiliations = _person(registry, persons_toml, "affiliated_from_2025")
    assert [a.start for a in affiliations] == [date(2025, 1, 1)]
    assert person.vzv25_years == frozenset({2025})


# --- refusals ---------------------------------------------------------------------------------


def _register_row(insz: str, birth: str = "1950-03-14", sex: str = "F", **over: str) -> str:
    values = {"region": "flanders", "postal_code": "9000", "insurer": "100", "status": "registered"}
    values |= over
    return (
        f"{insz},Peeters,Anna,{birth},{sex},{values['region']},{values['postal_code']},"
        f"{values['insurer']},{values['status']}"
    )


def _write(directory: Path, files: dict[str, list[str]]) -> Path:
    """Write a registry directory: Anna and Bert registered, plus the given files."""
    register = [
        REGISTER_HEADER,
        _register_row(ANNA),
        _register_row(BERT, "1945-01-30", "M"),
    ]
    contents = {"national-register.csv": register} | files
    for name, lines in contents.items():
        (directory / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def _refusal(directory: Path) -> RegistryFileError:
    with pytest.raises(RegistryFileError) as caught:
        load_registry(directory)
    return caught.value


def _assert_refused(
    directory: Path, file: str, line: int, field: str, rule: str
) -> RegistryFileError:
    error = _refusal(directory)
    assert (error.file, error.line, error.field, error.rule) == (file, line, field, rule)
    assert file in str(error) and f"line {line}" in str(error) and rule in str(error)
    return error


def test_minimal_directory_with_only_the_national_register_loads(tmp_path: Path) -> None:
    snapshot = load_registry(_write(tmp_path, {}))
    assert [p.insz for p in snapshot.persons] == [ANNA, BERT]
    assert snapshot.affiliations == ()
    assert snapshot.persons[0].health_insurer == 100


def test_missing_national_register_is_refused(tmp_path: Path) -> None:
    _assert_refused(tmp_path, "national-register.csv", 0, "", "missing")


def test_wrong_header_is_refused_naming_the_first_wrong_column(tmp_path: Path) -> None:
    bad = REGISTER_HEADER.replace("last_name", "surname")
    _write(tmp_path, {"national-register.csv": [bad, _register_row(ANNA)]})
    _assert_refused(tmp_path, "national-register.csv", 1, "last_name", "header")


def test_wrong_header_of_an_optional_file_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"deaths.csv": ["insz,date", f"{ANNA},2024-01-01"]})
    _assert_refused(tmp_path, "deaths.csv", 1, "death_date", "header")


def test_row_with_too_few_values_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"affiliations.csv": ["insz,zorgkas,type,start,end", f"{ANNA},180"]})
    _assert_refused(tmp_path, "affiliations.csv", 2, "type", "columns")


def test_invalid_insz_is_refused_with_the_identifier_reason(tmp_path: Path) -> None:
    wrong = ANNA[:-1] + str((int(ANNA[-1]) + 1) % 10)
    _write(tmp_path, {"national-register.csv": [REGISTER_HEADER, _register_row(wrong)]})
    error = _assert_refused(tmp_path, "national-register.csv", 2, "insz", "insz")
    assert "checksum" in str(error)


def test_bad_birth_date_is_refused(tmp_path: Path) -> None:
    row = _register_row(ANNA, birth="14/03/1950")
    _write(tmp_path, {"national-register.csv": [REGISTER_HEADER, row]})
    _assert_refused(tmp_path, "national-register.csv", 2, "birth_date", "date")


def test_birth_date_other_than_the_insz_encodes_is_refused(tmp_path: Path) -> None:
    row = _register_row(ANNA, birth="1950-03-15")
    _write(tmp_path, {"national-register.csv": [REGISTER_HEADER, row]})
    _assert_refused(tmp_path, "national-register.csv", 2, "birth_date", "insz-mismatch")


def test_sex_other_than_the_insz_serial_encodes_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"national-register.csv": [REGISTER_HEADER, _register_row(ANNA, sex="M")]})
    _assert_refused(tmp_path, "national-register.csv", 2, "sex", "insz-mismatch")


def test_empty_birth_date_is_accepted_for_a_bis_person(tmp_path: Path) -> None:
    bis = make_bis(None, 9, sex_known=False)
    row = _register_row(bis, birth="", sex="U", region="abroad", postal_code="NL-4611")
    _write(tmp_path, {"national-register.csv": [REGISTER_HEADER, row]})
    assert load_registry(tmp_path).persons[0].birth_date is None


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"region": "vlaanderen"}, "region"),
        ({"insurer": "700"}, "health_insurer"),
        ({"status": "removed"}, "register_status"),
    ],
)
def test_unknown_enum_value_in_the_national_register_is_refused(
    tmp_path: Path, over: dict[str, str], field: str
) -> None:
    _write(tmp_path, {"national-register.csv": [REGISTER_HEADER, _register_row(ANNA, **over)]})
    _assert_refused(tmp_path, "national-register.csv", 2, field, "enum")


def test_non_belgian_postal_code_of_a_resident_is_refused(tmp_path: Path) -> None:
    row = _register_row(ANNA, postal_code="NL-4611")
    _write(tmp_path, {"national-register.csv": [REGISTER_HEADER, row]})
    _assert_refused(tmp_path, "national-register.csv", 2, "postal_code", "postal-code")


def test_empty_last_name_is_refused(tmp_path: Path) -> None:
    row = _register_row(ANNA).replace("Peeters", "")
    _write(tmp_path, {"national-register.csv": [REGISTER_HEADER, row]})
    _assert_refused(tmp_path, "national-register.csv", 2, "last_name", "required")


def test_duplicate_insz_in_the_national_register_is_refused_on_the_second_line(
    tmp_path: Path,
) -> None:
    rows = [REGISTER_HEADER, _register_row(ANNA), _register_row(ANNA)]
    _write(tmp_path, {"national-register.csv": rows})
    _assert_refused(tmp_path, "national-register.csv", 3, "insz", "duplicate")


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (
            "affiliations.csv",
            ["insz,zorgkas,type,start,end", f"{STRANGER},180,official,2024-01-01,"],
        ),
        ("vzv25.csv", ["year,insz", f"2024,{STRANGER}"]),
        ("a415.csv", ["insz,country,insured_from,insured_to", f"{STRANGER},NL,2020-01-01,"]),
        ("increased-allowance.csv", ["year,insz", f"2024,{STRANGER}"]),
        ("deaths.csv", ["insz,death_date", f"{STRANGER},2024-05-10"]),
        ("excluded.csv", ["insz,reason", f"{STRANGER},international-official"]),
    ],
)
def test_row_naming_a_person_not_in_the_national_register_is_refused(
    tmp_path: Path, name: str, lines: list[str]
) -> None:
    _write(tmp_path, {name: lines})
    _assert_refused(tmp_path, name, 2, "insz", "unknown-person")


def test_unknown_zorgkas_is_refused(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"affiliations.csv": ["insz,zorgkas,type,start,end", f"{ANNA},190,official,2024-01-01,"]},
    )
    _assert_refused(tmp_path, "affiliations.csv", 2, "zorgkas", "enum")


def test_unknown_affiliation_type_is_refused(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"affiliations.csv": ["insz,zorgkas,type,start,end", f"{ANNA},180,voluntary,2024-01-01,"]},
    )
    _assert_refused(tmp_path, "affiliations.csv", 2, "type", "enum")


def test_affiliation_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    row = f"{ANNA},180,official,2024-01-01,2023-12-31"
    _write(tmp_path, {"affiliations.csv": ["insz,zorgkas,type,start,end", row]})
    _assert_refused(tmp_path, "affiliations.csv", 2, "end", "period")


def test_overlapping_affiliations_of_one_person_are_refused_on_the_later_line(
    tmp_path: Path,
) -> None:
    rows = [
        "insz,zorgkas,type,start,end",
        f"{ANNA},180,official,2020-01-01,2024-01-01",
        f"{BERT},280,official,2020-01-01,",
        f"{ANNA},680,official,2024-01-01,",
    ]
    _write(tmp_path, {"affiliations.csv": rows})
    _assert_refused(tmp_path, "affiliations.csv", 4, "start", "overlap")


def test_consecutive_affiliations_of_one_person_load(tmp_path: Path) -> None:
    rows = [
        "insz,zorgkas,type,start,end",
        f"{ANNA},680,official,2020-01-01,2023-12-31",
        f"{ANNA},180,administrative,2024-01-01,",
    ]
    snapshot = load_registry(_write(tmp_path, {"affiliations.csv": rows}))
    assert [(a.zorgkas, a.type) for a in snapshot.affiliations] == [
        (680, "official"),
        (180, "administrative"),
    ]


def test_death_before_birth_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"deaths.csv": ["insz,death_date", f"{ANNA},1949-12-31"]})
    _assert_refused(tmp_path, "deaths.csv", 2, "death_date", "death-before-birth")


def test_bad_death_date_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"deaths.csv": ["insz,death_date", f"{ANNA},2024-02-30"]})
    _assert_refused(tmp_path, "deaths.csv", 2, "death_date", "date")


def test_affiliation_of_a_person_struck_from_the_register_is_refused(tmp_path: Path) -> None:
    register = [REGISTER_HEADER, _register_row(ANNA, status="struck-ex-officio")]
    affiliations = ["insz,zorgkas,type,start,end", f"{ANNA},180,official,2024-01-01,"]
    _write(tmp_path, {"national-register.csv": register, "affiliations.csv": affiliations})
    _assert_refused(tmp_path, "affiliations.csv", 2, "insz", "cannot-affiliate")


def test_affiliation_of_an_excluded_person_is_refused(tmp_path: Path) -> None:
    excluded = ["insz,reason", f"{BERT},temporary-non-eu-student"]
    affiliations = ["insz,zorgkas,type,start,end", f"{BERT},280,official,2024-01-01,"]
    _write(tmp_path, {"excluded.csv": excluded, "affiliations.csv": affiliations})
    _assert_refused(tmp_path, "affiliations.csv", 2, "insz", "cannot-affiliate")


def test_unknown_exclusion_reason_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"excluded.csv": ["insz,reason", f"{ANNA},diplomat"]})
    _assert_refused(tmp_path, "excluded.csv", 2, "reason", "enum")


def test_bad_year_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, {"vzv25.csv": ["year,insz", f"24,{ANNA}"]})
    _assert_refused(tmp_path, "vzv25.csv", 2, "year", "year")


def test_a415_with_a_bad_country_code_is_refused(tmp_path: Path) -> None:
    _write(
        tmp_path, {"a415.csv": ["insz,country,insured_from,insured_to", f"{ANNA},nl,2020-01-01,"]}
    )
    _assert_refused(tmp_path, "a415.csv", 2, "country", "country")


def test_duplicate_death_of_one_person_is_refused(tmp_path: Path) -> None:
    rows = ["insz,death_date", f"{ANNA},2024-05-10", f"{ANNA},2024-05-11"]
    _write(tmp_path, {"deaths.csv": rows})
    _assert_refused(tmp_path, "deaths.csv", 3, "insz", "duplicate")


def test_registry_flows_are_merged_into_the_person(tmp_path: Path) -> None:
    files = {
        "deaths.csv": ["insz,death_date", f"{ANNA},2024-05-10"],
        "a415.csv": ["insz,country,insured_from,insured_to", f"{BERT},NL,2020-01-01,"],
        "vzv25.csv": ["year,insz", f"2024,{ANNA}", f"2025,{ANNA}"],
        "increased-allowance.csv": ["year,insz", f"2024,{BERT}"],
    }
    anna, bert = load_registry(_write(tmp_path, files)).persons
    assert (anna.death_date, anna.vzv25_years) == (date(2024, 5, 10), frozenset({2024, 2025}))
    assert (bert.foreign_insured, bert.increased_allowance_years) == (True, frozenset({2024}))


def test_registry_file_error_is_a_value_error_with_a_fix_hint(tmp_path: Path) -> None:
    _write(tmp_path, {"deaths.csv": ["insz,death_date", f"{ANNA},10/05/2024"]})
    error = _refusal(tmp_path)
    assert isinstance(error, ValueError)
    assert "YYYY-MM-DD" in str(error)


def test_snapshot_problems_finds_the_rules_the_files_enforce_in_a_built_snapshot() -> None:
    from vsb.membership import RegistrySnapshot, snapshot_problems

    born = date(1960, 5, 1)
    insz = make_rrn(born, 33)
    person = Person(
        insz=insz,
        last_name="A",
        first_name="B",
        birth_date=born,
        sex="M",
        region="flanders",
        postal_code="9000",
        health_insurer=100,
        death_date=date(1950, 1, 1),
        cannot_affiliate=None,
        foreign_insured=False,
        increased_allowance_years=frozenset(),
        vzv25_years=frozenset(),
    )
    first = Affiliation(insz, 180, "official", date(2024, 1, 1), None)
    overlapping = Affiliation(insz, 680, "official", date(2024, 6, 1), None)
    backwards = Affiliation(insz, 280, "official", date(2023, 6, 1), date(2023, 1, 1))
    snapshot = RegistrySnapshot((person, person), (first, overlapping, backwards))
    rules = [(group, index, rule) for group, index, (_, rule, _) in snapshot_problems(snapshot)]
    assert rules == [
        ("persons", 0, "death-before-birth"),
        ("persons", 1, "duplicate"),
        ("affiliations", 1, "overlap"),
        ("affiliations", 2, "period"),
    ]


def test_snapshot_problems_is_empty_for_the_fixture_registry() -> None:
    from vsb.membership import snapshot_problems

    assert snapshot_problems(load_registry(FIXTURES / "registry")) == []
