"""What one scenario knows: its patients, its MBEs, its begeleidingen and the last reply.

Every scenario starts from an empty central application (`reset`) and builds its own world
from its Givens, so that scenarios run in any order and alone. Patients get a valid INSZ
made from their place in the scenario; nothing here decides what the system should answer.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field, replace
from typing import Any

from conformance.adapters.base import CentralUnderTest, Reply
from vsb.identifiers import make_rrn
from vsb.mbes import Mbe
from vsb.membership import Affiliation, AffiliationType, Person, Region, RegistrySnapshot
from vsb.rulebook import Rulebook, rulebook_for

_FIRST_BIRTH = dt.date(1938, 2, 3)


class DeferredRegistry:
    """The system under test, with registry loads held back until something else is called.

    A scenario's Givens name one patient after another; loading the whole registry after each
    would cost a round trip per Given over HTTP. The last snapshot is loaded once, before the
    first call that could read it; every other call passes straight through.
    """

    def __init__(self, central: CentralUnderTest) -> None:
        self._central = central
        self._pending: RegistrySnapshot | None = None

    def load_registry(self, snapshot: RegistrySnapshot) -> None:
        """Keep the snapshot until the registry is needed."""
        self._pending = snapshot

    @property
    def inner(self) -> CentralUnderTest:
        """The system under test itself (load the held-back registry first: `flush`)."""
        return self._central

    def flush(self) -> None:
        """Load the registry held back, if any."""
        if self._pending is not None:
            snapshot, self._pending = self._pending, None
            self._central.load_registry(snapshot)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._central, name)
        if callable(attribute):
            self.flush()
        return attribute


STAFF = "s1"
"""The staff id the suite acts under for a zorgkas (the sandbox's test staff member)."""


class SetupFailed(AssertionError):
    """A Given could not be brought about: the scenario cannot test what it is about."""


@dataclass
class Begeleiding:
    """A begeleiding the scenario started: at which MBE, from when, under which reference."""

    patient: str
    mbe: str
    start: dt.date
    reference: str | None = None
    request_id: str | None = None


@dataclass
class World:
    """The state of one scenario; steps read and extend it."""

    central: CentralUnderTest
    """The system under test (registry loads deferred: see `DeferredRegistry`)."""
    persons: dict[str, Person] = field(default_factory=dict)
    affiliations: list[Affiliation] = field(default_factory=list)
    mbes: dict[str, Mbe] = field(default_factory=dict)
    begeleidingen: dict[tuple[str, str], Begeleiding] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    last: Reply | None = None
    last_message: dict[str, Any] | None = None
    notes: dict[str, Any] = field(default_factory=dict)
    day: dt.date = dt.date(2024, 1, 1)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        if not isinstance(self.central, DeferredRegistry):
            self.central = DeferredRegistry(self.central)

    # -- identities ----------------------------------------------------------------------------

    def message_id(self, prefix: str) -> str:
        """A message id not used before in this scenario."""
        return f"{prefix}-{next(self._ids)}"

    def hco(self, mbe: str) -> str:
        """The HCO number of an MBE the scenario named."""
        try:
            return self.mbes[mbe].hco
        except KeyError:
            raise SetupFailed(
                f"MBE {mbe} was not introduced; add 'Given MBE {mbe} with HCO number ... is "
                "recognised' to the Background"
            ) from None

    def insz(self, patient: str) -> str:
        """The INSZ of a patient the scenario named (made up on first mention)."""
        if patient not in self.persons:
            self.persons[patient] = self._person(patient)
            self.notes.setdefault("unregistered", set()).add(patient)
        return self.persons[patient].insz

    def _person(self, name: str) -> Person:
        index = len(self.persons)
        birth = _FIRST_BIRTH + dt.timedelta(days=97 * index)
        return Person(
            insz=make_rrn(birth, 1 + 2 * index),
            last_name="Conformance",
            first_name=name,
            birth_date=birth,
            sex="M",
            region="flanders",
            postal_code="9000",
            health_insurer=None,
            death_date=None,
            cannot_affiliate=None,
            foreign_insured=False,
            increased_allowance_years=frozenset(),
            vzv25_years=frozenset(),
        )

    def today(self) -> dt.date:
        """The day the scenario last set the clock to."""
        return self.day

    def rulebook(self, day: dt.date) -> Rulebook:
        """The rulebook in force on `day`: where expected values that the text leaves to the
        rulebook (tariffs, terms) come from."""
        return rulebook_for(day)

    # -- the registry --------------------------------------------------------------------------

    def register(self, patient: str, **changes: Any) -> Person:
        """Put a patient in the national register (with changes) and load the registry."""
        self.insz(patient)
        self.notes.get("unregistered", set()).discard(patient)
        person = replace(self.persons[patient], **changes)
        self.persons[patient] = person
        self._load_registry()
        return person

    def affiliate(
        self,
        patient: str,
        zorgkas: int,
        since: dt.date,
        until: dt.date | None = None,
        kind: AffiliationType = "official",
        region: Region = "flanders",
    ) -> None:
        """Register a patient and affiliate them with a zorgkas from `since` (until `until`)."""
        insurer = self.rulebook(since).zorgkassen[zorgkas]["health_insurer"]
        self.register(patient, region=region, health_insurer=insurer)
        self.affiliations.append(Affiliation(self.insz(patient), zorgkas, kind, since, until))
        self._load_registry()

    def _load_registry(self) -> None:
        unregistered = self.notes.get("unregistered", set())
        persons = tuple(p for name, p in self.persons.items() if name not in unregistered)
        self.central.load_registry(RegistrySnapshot(persons, tuple(self.affiliations)))

    def introduce_mbe(self, name: str, hco: str, cot: bool, recognised: bool = True) -> None:
        """Name an MBE; load it into the central application unless it is not recognised."""
        mbe = Mbe(hco, f"MBE {name}", f"Netwerk {name}", "", 1, cot)
        self.mbes[name] = mbe
        if recognised:
            self.central.load_mbes([mbe])

    # -- messages ------------------------------------------------------------------------------

    def at(self, day: dt.date) -> None:
        """Set the application's clock to 09:00 of `day`."""
        self.day = day
        self.central.set_clock(dt.datetime.combine(day, dt.time(9, 0)))

    def send(self, mbe: str, message: dict[str, Any], label: str | None = None) -> Reply:
        """Send a message as an MBE; the reply becomes the scenario's last one."""
        self.last_message = message
        if label is not None:
            self.messages[label] = message
        self.last = self.central.send(self.hco(mbe), message)
        return self.last

    def reply(self) -> Reply:
        """The last reply; fails plainly when no message was sent yet."""
        if self.last is None:
            raise SetupFailed("no message was sent yet in this scenario")
        return self.last

    def begeleiding(self, patient: str, mbe: str) -> Begeleiding:
        """The begeleiding of a patient at an MBE that the scenario started."""
        try:
            return self.begeleidingen[(patient, mbe)]
        except KeyError:
            raise SetupFailed(
                f"{patient} has no begeleiding at MBE {mbe} in this scenario"
            ) from None

    def reference(self, patient: str, mbe: str) -> str:
        """The VSB reference of an accepted begeleiding."""
        reference = self.begeleiding(patient, mbe).reference
        if reference is None:
            raise SetupFailed(f"the begeleiding of {patient} at MBE {mbe} has no VSB reference")
        return reference
