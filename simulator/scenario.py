"""Scenario files: every figure and behaviour of a simulation run, loaded from TOML and validated.

The format is described key by key in docs/simulator.md. A scenario may name another one in
``scenario.extends``: its tables are the base, and this file's tables replace key by key, so
that two scenarios differ only where their files differ.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.faults import BILLING_FAULTS, INVOICE_FAULTS, SHIPMENT_FAULTS
from simulator.growth import read_growth
from simulator.scenario_reader import Reader, ScenarioError, ScenarioErrors
from vsb.billing.rules import billing_rules
from vsb.mbes import Mbe, MbeFileError, load_mbes
from vsb.membership import CannotAffiliateReason
from vsb.rulebook import Rulebook, RulebookOverlay, default_rulebook

__all__ = [
    "AgeBand",
    "Central",
    "Durations",
    "Faults",
    "Outcomes",
    "Population",
    "Scenario",
    "ScenarioError",
    "Sector",
    "Software",
    "Staff",
    "Targets",
    "calendar_day",
    "calendar_day_text",
    "load_scenario",
]

ZORGKASSEN = ("180", "280", "380", "480", "580", "680")
REGIONS = ("flanders", "brussels", "wallonia", "abroad")
LOCALES = ("nl_BE", "fr_BE")
CANNOT_AFFILIATE: tuple[CannotAffiliateReason, ...] = (
    "asylum-seeker-not-recognised",
    "struck-from-register",
    "international-official",
    "temporary-non-eu-student",
)
TARGET_PLACES = ("home", "hospital", "care-home", "other")
Triangle = tuple[float, float, float]
Span = tuple[float, float]


@dataclass(frozen=True)
class AgeBand:
    """Ages from `low` to `high` (inclusive) at the start of care, with a relative weight."""

    low: int
    high: int
    weight: float


@dataclass(frozen=True)
class Population:
    """Who the patients are: names, identifiers, ages, regions, zorgkas and insurance situation."""

    locales: dict[str, float]
    bis_share: float
    age_bands: tuple[AgeBand, ...]
    regions: dict[str, float]
    zorgkas_share: dict[int, float]
    administrative: float
    can_affiliate: float
    cannot_affiliate: float
    unknown_person: float
    foreign_insured: float
    cannot_affiliate_reasons: dict[str, float]


@dataclass(frozen=True)
class Durations:
    """The right-skewed duration of a begeleiding: a log-normal in days, clipped."""

    median_days: float
    sigma: float
    min_days: int
    max_days: int


@dataclass(frozen=True)
class Outcomes:
    """How begeleidingen end, what they carry, and what follows them."""

    death_share: float
    place_of_death: dict[str, float]
    other_stop_reasons: dict[str, float]
    restart_share: float
    restart_reasons: tuple[str, ...]
    restart_gap_days: Span
    continuation_gap_days: Span
    max_begeleidingen_per_patient: int
    cancel_share: float
    non_billing_share: float
    admin_change_share: float
    late_change_share: float
    mistaken_stop_share: float
    interventions_per_week: dict[str, float]
    contacts_per_week: dict[str, float]
    diagnosis: dict[str, float]
    referral: dict[str, float]
    origin: dict[str, float]
    accident_code: dict[str, float]


@dataclass(frozen=True)
class Software:
    """How MBE software behaves when it is right: delays, checks, billing habits."""

    status_query_share: float
    request_delay_days: Span
    stop_delay_days: Span
    cancel_delay_days: Span
    late_change_delay_days: Span
    resend_delay_days: Span
    billing_day: Span
    bill_ongoing_after_days: int
    cancel_stop_delay_days: Span
    reduced_forfait_below_days: int
    reduced_forfait_share: float
    credit_share: float


@dataclass(frozen=True)
class Faults:
    """How often MBE software gets it wrong, per opportunity (ground truth is recorded)."""

    late_request: float
    wrong_request_type: float
    change_while_under_review: float
    invoice: dict[str, float]
    shipment: dict[str, float]
    billing: dict[str, float]


@dataclass(frozen=True)
class Staff:
    """The staff of one zorgkas for MBE files: how many, when they work, how long things take,
    and how many hours a week the rest of their VSB work takes (the background load)."""

    count: int
    hours: Span
    workdays: tuple[int, ...]
    review_minutes: Triangle
    line_review_minutes: Triangle
    sign_minutes: Triangle
    pay_minutes: Triangle
    accept_share: float
    background_hours_per_week: float


@dataclass(frozen=True)
class Central:
    """The central application: how many messages it processes at once, and for how long."""

    answer_minutes: Triangle
    shipment_minutes: Triangle
    workers: int


@dataclass(frozen=True)
class Sector:
    """Another sector on the central application: its messages load the central processing
    and, for the share that needs a person, the zorgkas staff (per zorgkas by zorgkas_share)."""

    name: str
    messages_per_year: float
    central_minutes: Triangle
    review_share: float
    review_minutes: Triangle


@dataclass(frozen=True)
class Targets:
    """The calibrated figures of domain.md §9, reported beside what a run produced."""

    values: dict[str, float]
    tolerance: float


@dataclass(frozen=True)
class Scenario:
    """One validated scenario."""

    name: str
    description: str
    source: str
    start_date: dt.date
    mbes: tuple[Mbe, ...]
    growth: float
    arrivals_per_year: float
    seasonality: tuple[float, ...]
    population: Population
    durations: Durations
    outcomes: Outcomes
    software: Software
    faults: Faults
    staff: dict[int, Staff]
    central: Central
    sectors: tuple[Sector, ...]
    targets: Targets
    rulebook_overlay: RulebookOverlay | None = None
    """The tariffs of the `[growth]` MBEs (None without them): the central application of
    the run and of its replay (`vsb audit`) read the rulebook extended by it."""

    def rulebook(self) -> Rulebook:
        """The newest rulebook as the run's central application reads it (with the overlay)."""
        book = default_rulebook()
        return book if self.rulebook_overlay is None else self.rulebook_overlay.extend(book)

    def day(self, now: float) -> dt.date:
        """The calendar day of simulated time `now` (days since the start date)."""
        return calendar_day(self.start_date, int(now))

    def moment(self, now: float) -> dt.datetime:
        """The moment of simulated time `now`."""
        start = dt.datetime.combine(self.start_date, dt.time())
        return start + dt.timedelta(days=now)


@functools.lru_cache(maxsize=8192)
def calendar_day(start: dt.date, day: int) -> dt.date:
    """The date `day` days after `start`: made once per day of a run (asked for every message,
    staff task and planned patient), not once per question."""
    return start + dt.timedelta(days=day)


@functools.lru_cache(maxsize=8192)
def calendar_day_text(start: dt.date, day: int) -> str:
    """The ISO text of `calendar_day(start, day)`, made once per day."""
    return calendar_day(start, day).isoformat()


def _read_toml(path: Path, key: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(key, f"file {path} does not exist") from None
    except IsADirectoryError:
        raise ScenarioError(key, f"{path} is a folder: give a scenario file (.toml)") from None
    except PermissionError:
        raise ScenarioError(key, f"file {path} cannot be read (permission denied)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(key, f"{path} is not valid TOML: {exc}") from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolved(path: Path, seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The scenario document with its `extends` chain merged in (paths made absolute)."""
    document = _read_toml(path, "scenario" if not seen else "scenario.extends")
    head = document.get("scenario", {})
    if isinstance(head, dict) and isinstance(head.get("mbes"), str):
        head["mbes"] = str((path.parent / head["mbes"]).resolve())
    parent = head.pop("extends", None) if isinstance(head, dict) else None
    if parent is None:
        return document
    if not isinstance(parent, str):
        raise ScenarioError("scenario.extends", "must be a file name", parent)
    base_path = (path.parent / parent).resolve()
    if base_path in seen or base_path == path.resolve():
        raise ScenarioError("scenario.extends", "must not extend itself", parent)
    return _merge(_resolved(base_path, (*seen, path.resolve())), document)


def load_scenario(path: Path, overrides: Mapping[str, object] | None = None) -> Scenario:
    """Load, merge and validate a scenario file, with `overrides` (dotted key -> value, each
    key already in the file, e.g. ``staff.180.count``) replacing values before validation.

    Raises:
        ScenarioError: a key is missing, unknown or breaks its rule; the message names the key
            path and the rule (e.g. ``mbes.arrivals.seasonality[3]: must be a number > 0``);
            `ScenarioErrors` holds every error of the file at once.
    """
    document = _resolved(path)
    for key, value in (overrides or {}).items():
        _override(document, key, value)
    root = Reader(document, "")
    try:
        scenario = _scenario(root, str(path))
    except (ArithmeticError, ValueError, IndexError, KeyError):
        if not root.errors:  # a stand-in value broke a later check: the errors say why
            raise
    root.done()
    if root.errors:
        raise ScenarioErrors(root.errors)
    return scenario


def _override(document: dict[str, Any], key: str, value: object) -> None:
    """Set a dotted key that the document has (a sweep changes values, never adds keys)."""
    *tables, name = key.split(".")
    table: Any = document
    for part in tables:
        table = table.get(part) if isinstance(table, dict) else None
    if not isinstance(table, dict) or name not in table or isinstance(table[name], dict):
        raise ScenarioError(
            key,
            "is not a value of the scenario (give a dotted key such as "
            "staff.180.count or scenario.growth)",
        )
    table[name] = value


def _scenario(root: Reader, source: str) -> Scenario:
    head = root.sub("scenario")
    mbes_section = root.sub("mbes")
    arrivals = mbes_section.sub("arrivals")
    name = head.text("name")
    mbes = _mbes(head, mbes_section)
    extra: tuple[Mbe, ...] = ()
    overlay: RulebookOverlay | None = None
    if root.has("growth"):  # optional: a scenario without it has the MBEs of its file
        extra, overlay = read_growth(root.sub("growth"), mbes, name)
    scenario = Scenario(
        name=name,
        description=head.text("description"),
        source=source,
        start_date=head.date("start_date"),
        mbes=mbes + extra,
        growth=head.number("growth", 0.0, strict=True),
        arrivals_per_year=arrivals.number("per_year", 0.0, strict=True),
        seasonality=arrivals.numbers("seasonality", 12, 0.0, strict=True),
        population=_population(root.sub("population")),
        durations=_durations(root.sub("durations")),
        outcomes=_outcomes(root.sub("outcomes")),
        software=_software(root.sub("mbe_software"), mbes_section),
        faults=_faults(root.sub("faults")),
        staff=_staff(root.sub("staff")),
        central=_central(root.sub("central")),
        sectors=_sectors(root.sub("sectors")),
        targets=_targets(root.sub("targets")),
        rulebook_overlay=overlay,
    )
    for reader in (head, arrivals, mbes_section):
        reader.done()
    return scenario


def _mbes(head: Reader, section: Reader) -> tuple[Mbe, ...]:
    path = Path(head.text("mbes"))
    only_with_cot = section.raw("only_with_cot")
    if not isinstance(only_with_cot, bool):
        section.fail(
            ScenarioError(section.key("only_with_cot"), "must be true or false", only_with_cot)
        )
    try:
        mbes = load_mbes(path)
    except MbeFileError as exc:
        head.fail(ScenarioError("scenario.mbes", str(exc)))
        return ()
    except (FileNotFoundError, IsADirectoryError):
        head.fail(ScenarioError("scenario.mbes", f"file {path} does not exist"))
        return ()
    if only_with_cot is True:
        mbes = tuple(m for m in mbes if m.cot_declaration)
    if not mbes:
        head.fail(ScenarioError("scenario.mbes", "names no MBE that may exchange data"))
    _tariffs_known(head, mbes)
    return mbes


def _tariffs_known(head: Reader, mbes: tuple[Mbe, ...]) -> None:
    """Every MBE of the run needs its forfait tariffs in the rulebook (REQ-BL-TARIFF): the
    tariffs are rulebook data per MBE, so an MBE without them could not bill at all. More
    MBEs than the rulebook knows come from `[growth]` (an overlay with the tariffs of an MBE
    it knows) or need a rulebook version with their tariffs (docs/planning.md)."""
    book = default_rulebook()
    tariffs = billing_rules(book).tariffs
    for mbe in mbes:
        if not tariffs.get(mbe.hco):
            head.fail(
                ScenarioError(
                    "scenario.mbes",
                    f"MBE {mbe.hco} ({mbe.name}) has no forfait tariff in rulebook {book.id} "
                    "(REQ-BL-TARIFF: tariffs are rulebook data per MBE; its forfaits could not "
                    "be billed)",
                )
            )


def _population(p: Reader) -> Population:
    insurance = p.sub("insurance")
    bands = p.raw("age_bands")
    if not isinstance(bands, list) or not bands:
        if bands is not None:
            p.fail(ScenarioError(p.key("age_bands"), "must be a non-empty array of tables"))
        bands = [{"min": 0, "max": 110, "weight": 1.0}]
    population = Population(
        locales=p.weights("locales", LOCALES),
        bis_share=p.share("bis_share"),
        age_bands=tuple(
            _age_band(b, f"{p.key('age_bands')}[{i}]", p.errors) for i, b in enumerate(bands)
        ),
        regions=p.weights("regions", REGIONS),
        zorgkas_share={int(k): v for k, v in p.weights("zorgkas_share", ZORGKASSEN, 1.0).items()},
        administrative=insurance.share("administrative"),
        can_affiliate=insurance.share("can_affiliate"),
        cannot_affiliate=insurance.share("cannot_affiliate"),
        unknown_person=insurance.share("unknown_person"),
        foreign_insured=insurance.share("foreign_insured"),
        cannot_affiliate_reasons=p.weights("cannot_affiliate_reasons", CANNOT_AFFILIATE),
    )
    special = population.can_affiliate + population.cannot_affiliate + population.unknown_person
    if special > 1:
        insurance.fail(
            ScenarioError(
                insurance.key("can_affiliate"),
                "can_affiliate + cannot_affiliate + unknown_person must not exceed 1",
                special,
            )
        )
    insurance.done()
    p.done()
    return population


def _age_band(table: object, key: str, errors: list[ScenarioError]) -> AgeBand:
    band = Reader(table, key, errors)
    low, high = band.integer("min", 0, 110), band.integer("max", 0, 110)
    if high < low:
        band.fail(ScenarioError(band.key("max"), "must be >= min", high))
        high = low
    result = AgeBand(low, high, band.number("weight"))
    band.done()
    return result


def _durations(d: Reader) -> Durations:
    durations = Durations(
        median_days=d.number("median_days", 0.0, strict=True),
        sigma=d.number("sigma", 0.0, strict=True, high=5.0),
        min_days=d.integer("min_days", 0),
        max_days=d.integer("max_days", 1),
    )
    if durations.max_days < durations.min_days:
        d.fail(ScenarioError(d.key("max_days"), "must be >= min_days", durations.max_days))
    d.done()
    return durations


def _outcomes(o: Reader) -> Outcomes:
    lists = default_rulebook().codelists
    reasons = [code for code in lists["stop_reason"] if code != "death"]
    restart = o.raw("restart_reasons")
    if not isinstance(restart, list) or any(r not in reasons for r in restart):
        if restart is not None:
            o.fail(
                ScenarioError(
                    o.key("restart_reasons"), f"must be a list of codes from {reasons}", restart
                )
            )
        restart = reasons[:1]
    outcomes = Outcomes(
        death_share=o.share("death_share"),
        place_of_death=o.weights("place_of_death", lists["place_of_death"]),
        other_stop_reasons=o.weights("other_stop_reasons", reasons),
        restart_share=o.share("restart_share"),
        restart_reasons=tuple(restart),
        restart_gap_days=o.span("restart_gap_days"),
        continuation_gap_days=o.span("continuation_gap_days"),
        max_begeleidingen_per_patient=o.integer("max_begeleidingen_per_patient", 1, 20),
        cancel_share=o.share("cancel_share"),
        non_billing_share=o.share("non_billing_share"),
        admin_change_share=o.share("admin_change_share"),
        late_change_share=o.share("late_change_share"),
        mistaken_stop_share=o.share("mistaken_stop_share"),
        interventions_per_week=o.weights("interventions_per_week", lists["intervention_type"]),
        contacts_per_week=o.weights("contacts_per_week", lists["provider_type"]),
        diagnosis=o.weights("diagnosis", lists["diagnosis"]),
        referral=o.weights("referral", lists["referral"]),
        origin=o.weights("origin", lists["origin"]),
        accident_code=o.weights("accident_code", lists["accident_code"]),
    )
    o.done()
    return outcomes


def _software(s: Reader, mbes: Reader) -> Software:
    billing_day = mbes.span("billing_day", 1.0)
    if billing_day[1] > 28:
        mbes.fail(
            ScenarioError(mbes.key("billing_day"), "must lie within 1..28", list(billing_day))
        )
    software = Software(
        status_query_share=s.share("status_query_share"),
        request_delay_days=s.span("request_delay_days"),
        stop_delay_days=s.span("stop_delay_days"),
        cancel_delay_days=s.span("cancel_delay_days"),
        late_change_delay_days=s.span("late_change_delay_days"),
        resend_delay_days=s.span("resend_delay_days"),
        billing_day=billing_day,
        bill_ongoing_after_days=s.integer("bill_ongoing_after_days", 0),
        cancel_stop_delay_days=s.span("cancel_stop_delay_days"),
        reduced_forfait_below_days=s.integer("reduced_forfait_below_days", 0),
        reduced_forfait_share=s.share("reduced_forfait_share"),
        credit_share=s.share("credit_share"),
    )
    window = int(default_rulebook().value("late_change_window_days"))
    if software.cancel_stop_delay_days[1] > window:
        s.fail(
            ScenarioError(
                s.key("cancel_stop_delay_days"),
                f"must stay within the late-change window ({window} days): a stop reported by "
                "mistake is cancelled within a few days",
                list(software.cancel_stop_delay_days),
            )
        )
    deadline = int(default_rulebook().value("request_deadline_days"))
    if software.request_delay_days[1] + software.resend_delay_days[1] > deadline:
        s.fail(
            ScenarioError(
                s.key("request_delay_days"),
                "the longest delay plus the longest "
                f"resend delay must stay within the request deadline ({deadline} "
                "days); late requests are a fault (faults.late_request)",
            )
        )
    s.done()
    return software


def _faults(f: Reader) -> Faults:
    faults = Faults(
        late_request=f.share("late_request"),
        wrong_request_type=f.share("wrong_request_type"),
        change_while_under_review=f.share("change_while_under_review"),
        invoice=_rates(f.sub("invoice"), INVOICE_FAULTS),
        shipment=_rates(f.sub("shipment"), SHIPMENT_FAULTS),
        billing=_rates(f.sub("billing"), BILLING_FAULTS),
    )
    f.done()
    return faults


def _rates(table: Reader, known: dict[str, Any]) -> dict[str, float]:
    for name in table.table:
        if name not in known:
            table.fail(ScenarioError(table.key(name), f"is not one of {sorted(known)}"))
    return {name: table.share(name) for name in sorted(table.table)}


def _staff(table: Reader) -> dict[int, Staff]:
    staff: dict[int, Staff] = {}
    for code in ZORGKASSEN:
        s = table.sub(code)
        days = s.raw("workdays")
        if not isinstance(days, list) or not days or any(d not in range(1, 8) for d in days):
            if days is not None:
                s.fail(
                    ScenarioError(s.key("workdays"), "must list ISO weekdays 1 (Monday) to 7", days)
                )
            days = [1]
        staff[int(code)] = Staff(
            count=s.integer("count", 1),
            hours=s.span("hours"),
            workdays=tuple(sorted(set(days))),
            review_minutes=s.triangle("review_minutes"),
            line_review_minutes=s.triangle("line_review_minutes"),
            sign_minutes=s.triangle("sign_minutes"),
            pay_minutes=s.triangle("pay_minutes"),
            accept_share=s.share("accept_share"),
            background_hours_per_week=s.number("background_hours_per_week"),
        )
        if staff[int(code)].hours[1] > 24 or staff[int(code)].hours[0] == staff[int(code)].hours[1]:
            s.fail(ScenarioError(s.key("hours"), "must be [start, end] hours within 0..24"))
        s.done()
    table.done()
    return staff


def _central(c: Reader) -> Central:
    central = Central(
        c.triangle("answer_minutes"), c.triangle("shipment_minutes"), c.integer("workers", 1)
    )
    c.done()
    return central


# The sectors the VSB brought onto the zorgkassen's processes before or beside the MBEs
# (seed 002: 2019 to 2024); which of them a scenario loads is its choice.
SECTORS = (
    "residentiele-ouderenzorg",
    "mobiliteitshulpmiddelen",
    "revalidatieziekenhuizen",
    "mdo",
    "revalidatieovereenkomsten",
    "pvt",
    "ibw",
)


def _sectors(table: Reader) -> tuple[Sector, ...]:
    sectors = []
    for name in sorted(table.table):
        if name not in SECTORS:
            table.raw(name)
            table.fail(ScenarioError(table.key(name), f"is not one of {list(SECTORS)}"))
            continue
        s = table.sub(name)
        sectors.append(
            Sector(
                name=name,
                messages_per_year=s.number("messages_per_year"),
                central_minutes=s.triangle("central_minutes"),
                review_share=s.share("review_share"),
                review_minutes=s.triangle("review_minutes"),
            )
        )
        s.done()
    table.done()
    return tuple(sectors)


TARGET_KEYS = (
    "begeleidingen_per_year",
    "mbes",
    "duration_median_days",
    "duration_mean_days",
    "duration_p90_days",
    "death_share",
    "cancelled_request_share",
    "members",
    "deaths_belgium_per_year",
)


def _targets(t: Reader) -> Targets:
    values = {key: t.number(key, 0.0) for key in TARGET_KEYS}
    places = t.weights("place_of_death", TARGET_PLACES, 1.0)
    values.update({f"place_of_death.{k}": v for k, v in places.items()})
    targets = Targets(values, t.number("tolerance", 0.0, strict=True, high=1.0))
    t.done()
    return targets
