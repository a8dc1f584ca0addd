"""The insurance standing a shipment reads with the begeleidingen its invoices name is, for
each, the status one query gives of its patient on its start date."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from vsb.insurance import insurance_status, standing
from vsb.membership import Affiliation, Person, RegistrySnapshot
from vsb.store import Store

INSZ = [f"850101{n:03d}{n:02d}" for n in range(1, 7)]  # stored as given: no check digits here
DAY0 = dt.date(2024, 1, 1)

days = st.integers(0, 120).map(lambda n: DAY0 + dt.timedelta(days=n))
persons = st.builds(
    lambda insz, death, cannot, insurer: Person(
        insz,
        "Peeters",
        "An",
        None,
        "F",
        "flanders",
        "9000",
        insurer,
        death,
        cannot,
        False,
        frozenset(),
        frozenset(),
    ),
    st.sampled_from(INSZ),
    st.none() | days,
    st.none() | st.just("struck-from-register"),
    st.none() | st.sampled_from([100, 300]),
)
periods = st.builds(
    lambda insz, zorgkas, kind, start, length: Affiliation(
        insz,
        zorgkas,
        kind,
        start,
        None if length is None else start + dt.timedelta(days=length),
    ),
    st.sampled_from(INSZ),
    st.sampled_from([180, 250, 680]),
    st.sampled_from(["official", "administrative"]),
    days,
    st.none() | st.integers(0, 60),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(persons, max_size=5, unique_by=lambda p: p.insz),
    # one period per person and start: which of two equal starts covers is not defined
    st.lists(periods, max_size=8, unique_by=lambda a: (a.insz, a.start)),
    st.lists(st.tuples(st.sampled_from(INSZ), days), min_size=1, max_size=12),
)
def test_the_standing_read_with_each_begeleiding_is_the_status_one_query_gives(
    people: list[Person], affiliations: list[Affiliation], asked: list[tuple[str, dt.date]]
) -> None:
    store = Store()
    store.load_registry(RegistrySnapshot(tuple(people), tuple(affiliations)))
    asked_once = sorted(set(asked))
    for index, (insz, day) in enumerate(asked_once):
        store.insert_begeleiding(_begeleiding(f"VSB-{index}", insz, day))
    read = store.begeleidingen_by_references(f"VSB-{i}" for i in range(len(asked_once)))
    assert len(read) == len(asked_once)
    for index, (insz, day) in enumerate(asked_once):
        status = insurance_status(store, insz, day)
        expected = (status.status, status.zorgkas, status.death_date)
        assert standing(read[f"VSB-{index}"].register) == expected


def _begeleiding(reference: str, insz: str, start: dt.date) -> dict[str, object]:
    return {
        "reference": reference,
        "insz": insz,
        "mbe": "76310195930",
        "request_type": "new",
        "start_date": start,
        "status": "open",
        "contact": {},
        "medical": {},
        "accident_code": "none",
    }
