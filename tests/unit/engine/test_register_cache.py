"""The register rows a store keeps in memory (`Store.register`) never tell an older state than
the registry holds: after a death, a rollback, another connection's change or new persons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.engine_support import FIXTURES, persons
from vsb.identifiers import make_rrn
from vsb.insurance import insurance_status
from vsb.membership import load_registry
from vsb.population import generate_persons
from vsb.serve.population import add_generated
from vsb.store import Store

DAY = dt.date(2024, 3, 1)
PERSON = persons()["affiliated_180_official"]
UNKNOWN = make_rrn(dt.date(1980, 1, 1), 123)


def _store(path: Path | str = ":memory:") -> Store:
    store = Store(path)
    store.load_registry(load_registry(FIXTURES / "registry"))
    return store


def test_a_recorded_death_shows_in_the_next_status() -> None:
    store = _store()
    assert insurance_status(store, PERSON, DAY).death_date is None  # read, and kept
    store.record_deaths([(PERSON, dt.date(2024, 3, 5))])
    assert insurance_status(store, PERSON, DAY).death_date == dt.date(2024, 3, 5)


def test_a_death_rolled_back_is_not_remembered() -> None:
    store = _store()
    with pytest.raises(KeyError), store.transaction():
        store.record_deaths([(PERSON, dt.date(2024, 3, 5))])
        assert insurance_status(store, PERSON, DAY).death_date == dt.date(2024, 3, 5)
        store.record_deaths([(UNKNOWN, dt.date(2024, 3, 5))])  # not in the registry
    assert insurance_status(store, PERSON, DAY).death_date is None


def test_another_connections_change_is_seen_in_the_next_transaction(tmp_path: Path) -> None:
    path = tmp_path / "central.sqlite"
    first = _store(path)
    second = Store(path)
    with first.transaction():
        assert insurance_status(first, PERSON, DAY).death_date is None
    second.record_deaths([(PERSON, dt.date(2024, 3, 5))])
    with first.transaction():
        assert insurance_status(first, PERSON, DAY).death_date == dt.date(2024, 3, 5)


def test_persons_added_to_the_registry_are_known_at_once() -> None:
    store = _store()
    taken = frozenset(persons().values())
    newcomer = generate_persons(3, 1, [180], taken).persons[0].insz  # whom add_generated adds
    assert insurance_status(store, newcomer, DAY).status == "unknown-person"  # and kept so
    generated = add_generated(store, 3, seed=1, zorgkassen=[180])
    assert generated.snapshot.persons[0].insz == newcomer
    assert insurance_status(store, newcomer, DAY).status == "affiliated"


def test_an_unknown_person_asked_before_being_added_is_then_known() -> None:
    store = _store()
    snapshot = load_registry(FIXTURES / "registry")
    first = snapshot.persons[0].insz
    store.db.execute("DELETE FROM affiliations WHERE insz = ?", (first,))
    store.db.execute("DELETE FROM persons WHERE insz = ?", (first,))
    store.forget_registry()
    assert insurance_status(store, first, DAY).status == "unknown-person"
    store.load_registry(snapshot)
    assert insurance_status(store, first, DAY).status != "unknown-person"


@pytest.fixture(scope="module")
def file_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Store]:
    """A file store (its rows kept in memory within transactions) and a reader of the same
    file (which keeps nothing: every status read from SQLite)."""
    path = tmp_path_factory.mktemp("register") / "central.sqlite"
    return _store(path), Store.reader(path)


@settings(max_examples=60, deadline=None)
@given(
    person=st.sampled_from([*sorted(persons().values()), UNKNOWN]),
    day=st.dates(dt.date(1995, 1, 1), dt.date(2026, 12, 31)),
    cached_first=st.booleans(),
)
def test_the_kept_rows_give_the_status_the_register_gives(
    file_store: tuple[Store, Store], person: str, day: dt.date, cached_first: bool
) -> None:
    """Whether read from memory or from SQLite, a person's status on any day is the same."""
    store, reader = file_store
    with store.transaction():
        if not cached_first:
            store.forget_registry()
        kept = insurance_status(store, person, day)
        assert store.register(person) is store.register(person)  # kept, not read again
    assert kept == insurance_status(reader, person, day)
