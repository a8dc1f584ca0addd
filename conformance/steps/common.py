"""Givens every area shares: MBEs, the day, and patients in the national register."""

from __future__ import annotations

import datetime as dt

from pytest_bdd import given

from conformance.steps.types import step
from conformance.world import SetupFailed, World
from vsb.membership import Region

# -- MBEs ------------------------------------------------------------------------------------


@given(
    step("MBE {mbe:Name} with HCO number {hco:N} is recognised with a Circle-of-Trust declaration")
)
def mbe_with_cot(world: World, mbe: str, hco: int) -> None:
    world.introduce_mbe(mbe, f"{hco:011d}", cot=True)


@given(
    step(
        "MBE {mbe:Name} with HCO number {hco:N} is recognised without a Circle-of-Trust declaration"
    )
)
def mbe_without_cot(world: World, mbe: str, hco: int) -> None:
    world.introduce_mbe(mbe, f"{hco:011d}", cot=False)


@given(step("MBE {mbe:Name} with HCO number {hco:N} is not recognised"))
def mbe_unknown(world: World, mbe: str, hco: int) -> None:
    world.introduce_mbe(mbe, f"{hco:011d}", cot=True, recognised=False)


# -- the day ---------------------------------------------------------------------------------


@given(step("today is {day:Date}"))
def today_is(world: World, day: dt.date) -> None:
    world.at(day)


# -- patients --------------------------------------------------------------------------------


@given(step("{patient:Name} is affiliated with zorgkas {zorgkas:N} since {since:Date}"))
def affiliated(world: World, patient: str, zorgkas: int, since: dt.date) -> None:
    world.affiliate(patient, zorgkas, since)


@given(
    step(
        "{patient:Name} is affiliated with zorgkas {zorgkas:N} from {since:Date} until {until:Date}"
    )
)
def affiliated_until(
    world: World, patient: str, zorgkas: int, since: dt.date, until: dt.date
) -> None:
    world.affiliate(patient, zorgkas, since, until)


@given(
    step(
        "{patient:Name} is affiliated administratively with zorgkas {zorgkas:N} since {since:Date}"
    )
)
def affiliated_administratively(world: World, patient: str, zorgkas: int, since: dt.date) -> None:
    world.affiliate(patient, zorgkas, since, kind="administrative")


@given(
    step(
        "{patient:Name} lives in {region:Words} and is affiliated with zorgkas {zorgkas:N} "
        "since {since:Date}"
    )
)
def affiliated_elsewhere(
    world: World, patient: str, region: str, zorgkas: int, since: dt.date
) -> None:
    regions: dict[str, Region] = {
        "flanders": "flanders",
        "brussels": "brussels",
        "wallonia": "wallonia",
        "abroad": "abroad",
    }
    if region.lower() not in regions:
        raise SetupFailed(f"unknown region {region!r}; one of {sorted(regions)}")
    world.affiliate(patient, zorgkas, since, region=regions[region.lower()])


@given(step("{patient:Name} is not affiliated but can affiliate, insured by health insurer {vi:N}"))
def can_affiliate_with_insurer(world: World, patient: str, vi: int) -> None:
    world.register(patient, health_insurer=vi)


@given(step("{patient:Name} is not affiliated but can affiliate and has no known health insurer"))
def can_affiliate_no_insurer(world: World, patient: str) -> None:
    world.register(patient, health_insurer=None)


@given(step("{patient:Name} cannot affiliate, being {reason:Words}"))
def cannot_affiliate(world: World, patient: str, reason: str) -> None:
    codes = {
        "a non-recognised asylum seeker": "asylum-seeker-not-recognised",
        "struck ex officio from the national register": "struck-from-register",
        "an international official": "international-official",
        "a temporary non-eu student": "temporary-non-eu-student",
    }
    if reason.lower() not in codes:
        raise SetupFailed(f"unknown reason {reason!r}; one of {sorted(codes)}")
    world.register(patient, cannot_affiliate=codes[reason.lower()])


@given(step("{patient:Name} is unknown to the national register"))
def unknown_person(world: World, patient: str) -> None:
    world.insz(patient)


@given(step("{patient:Name} died on {day:Date}"))
def died(world: World, patient: str, day: dt.date) -> None:
    world.register(patient, death_date=day)
