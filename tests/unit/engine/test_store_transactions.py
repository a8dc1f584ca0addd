"""The store's transactions and counters: numbers kept in memory, written as a transaction
commits (a store in memory keeps them in memory), forgotten when it rolls back, read again
when another connection wrote them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vsb.store import Store

Make = Callable[[], Store]


@pytest.fixture(params=["memory", "file"])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Make:
    if request.param == "memory":
        return Store
    return lambda: Store(tmp_path / "central.sqlite")


def _stored(store: Store, counter: str) -> int | None:
    """What another connection reads of a file store's counter."""
    reader = Store.reader(store.path)
    try:
        row = reader.db.execute("SELECT value FROM counters WHERE name = ?", (counter,))
        found = row.fetchone()
        return None if found is None else int(found[0])
    finally:
        reader.close()


def test_numbers_follow_each_other_across_transactions(make: Make) -> None:
    store = make()
    with store.transaction():
        assert [store.next_value("answer") for _ in range(3)] == [1, 2, 3]
    assert store.next_value("answer") == 4  # outside a transaction: one of its own
    with store.transaction():
        assert store.next_value("answer") == 5
        assert store.next_value("feed") == 1


def test_a_file_store_writes_its_numbers_when_the_transaction_commits(tmp_path: Path) -> None:
    store = Store(tmp_path / "central.sqlite")
    with store.transaction():
        assert [store.next_value("answer") for _ in range(3)] == [1, 2, 3]
        assert _stored(store, "answer") is None  # not yet: once, at the commit
    assert _stored(store, "answer") == 3
    assert store.next_value("feed") == 1
    assert _stored(store, "feed") == 1
    assert not store.in_transaction()


def test_a_rolled_back_transaction_gives_its_numbers_again(make: Make) -> None:
    store = make()
    with store.transaction():
        store.next_value("answer")
    with pytest.raises(RuntimeError), store.transaction():
        assert store.next_value("answer") == 2
        raise RuntimeError("the message broke the engine")
    with store.transaction():
        assert store.next_value("answer") == 2


def test_a_nested_transaction_joins_the_outer_one_and_rolls_back_with_it(make: Make) -> None:
    store = make()
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction():
            store.next_value("answer")
        assert store.in_transaction()
        raise RuntimeError("after the inner one ended")
    assert not store.in_transaction()
    assert store.next_value("answer") == 1


def test_numbers_another_connection_took_are_not_taken_again(tmp_path: Path) -> None:
    path = tmp_path / "central.sqlite"
    first, second = Store(path), Store(path)
    assert first.next_value("answer") == 1
    assert second.next_value("answer") == 2
    assert first.next_value("answer") == 3  # it read the value again: not 2
    first.close()
    second.close()
    assert Store(path).next_value("answer") == 4


def test_emptying_the_store_starts_the_counters_again(make: Make) -> None:
    store = make()
    store.next_value("answer")
    store.empty()
    assert store.next_value("answer") == 1


@pytest.mark.parametrize("where", ["memory", "file"])
@given(steps=st.lists(st.tuples(st.sampled_from(["answer", "feed"]), st.booleans()), max_size=30))
def test_committed_numbers_never_repeat_and_leave_no_gap(
    where: str, steps: list[tuple[str, bool]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each step takes one number in its own transaction, which commits or rolls back: the
    committed numbers of a counter are 1, 2, 3, ... (a rolled-back number is given again)."""
    path = tmp_path_factory.mktemp("store") / "central.sqlite" if where == "file" else ":memory:"
    store = Store(path)
    committed: dict[str, list[int]] = {"answer": [], "feed": []}
    for counter, commits in steps:
        try:
            with store.transaction():
                number = store.next_value(counter)
                if not commits:
                    raise LookupError
        except LookupError:
            continue
        committed[counter].append(number)
    for counter, numbers in committed.items():
        assert numbers == list(range(1, len(numbers) + 1))
        if where == "file":
            assert _stored(store, counter) == (len(numbers) or None)
