"""The store's transactions and counters: numbers kept in memory, written as a transaction
commits, forgotten when it rolls back, read again when another connection wrote them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vsb.store import Store


def _stored(store: Store, counter: str) -> int | None:
    row = store.db.execute("SELECT value FROM counters WHERE name = ?", (counter,)).fetchone()
    return None if row is None else int(row[0])


def test_numbers_are_written_when_the_transaction_commits() -> None:
    store = Store()
    with store.transaction():
        assert [store.next_value("answer") for _ in range(3)] == [1, 2, 3]
        assert _stored(store, "answer") is None  # not yet: once, at the commit
    assert _stored(store, "answer") == 3


def test_a_number_taken_outside_a_transaction_is_stored_at_once() -> None:
    store = Store()
    assert store.next_value("feed") == 1
    assert _stored(store, "feed") == 1
    assert not store.in_transaction()


def test_a_rolled_back_transaction_gives_its_numbers_again() -> None:
    store = Store()
    with store.transaction():
        store.next_value("answer")
    with pytest.raises(RuntimeError), store.transaction():
        assert store.next_value("answer") == 2
        raise RuntimeError("the message broke the engine")
    assert _stored(store, "answer") == 1
    with store.transaction():
        assert store.next_value("answer") == 2


def test_a_nested_transaction_joins_the_outer_one_and_rolls_back_with_it() -> None:
    store = Store()
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction():
            store.next_value("answer")
        assert store.in_transaction()
        raise RuntimeError("after the inner one ended")
    assert _stored(store, "answer") is None
    assert not store.in_transaction()


def test_numbers_another_connection_took_are_not_taken_again(tmp_path: Path) -> None:
    path = tmp_path / "central.sqlite"
    first, second = Store(path), Store(path)
    assert first.next_value("answer") == 1
    assert second.next_value("answer") == 2
    assert first.next_value("answer") == 3  # it read the value again: not 2
    first.close()
    second.close()
    assert Store(path).next_value("answer") == 4


def test_emptying_the_store_starts_the_counters_again() -> None:
    store = Store()
    store.next_value("answer")
    store.empty()
    assert _stored(store, "answer") is None
    assert store.next_value("answer") == 1


@given(st.lists(st.tuples(st.sampled_from(["answer", "feed"]), st.booleans()), max_size=30))
def test_committed_numbers_count_every_number_of_a_committed_transaction(
    steps: list[tuple[str, bool]],
) -> None:
    """Each step takes one number in its own transaction, which commits or rolls back: the
    stored counter is the count of committed steps, and numbers never repeat once committed."""
    store = Store()
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
        assert _stored(store, counter) == (len(numbers) or None)
