"""The KPI summary of a run: volumes, answer mix, backlog, stop-to-payment, shipments, staff,
and every calibrated figure of domain.md §9 beside its target."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from simulator.waits import WaitLog, WorkingCalendar, payment_share, percentile

if TYPE_CHECKING:
    from simulator.billing import Item
    from simulator.model import Billable
    from simulator.plans import Episode
    from simulator.scenario import Scenario

__all__ = ["STAFF_WORK", "Tally", "table"]

# The kinds of staff work the model has; utilisation counts all of them.
STAFF_WORK = (
    "background",
    "messageReviews",
    "sectorReviews",
    "lineReviews",
    "signatures",
    "payments",
)

PLACE_GROUPS = {
    "home": "home",
    "hospital": "hospital",
    "palliative-unit": "hospital",
    "care-home": "care-home",
    "other": "other",
    "unknown": "other",
}
NOT_MODELLED = {
    "members": "only the patients a run needs are generated (plus their registry rows), not "
    "all VSB members; the figure is shown for reference",
    "deaths_belgium_per_year": "only the deaths of palliative patients are modelled; the "
    "figure is shown for reference",
}


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return float(ordered[index])


def _spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "mean": round(statistics.fmean(values), 2),
        "median": _quantile(values, 0.5),
        "p90": _quantile(values, 0.9),
        "max": max(values),
    }


class Tally:
    """Counts what happens during a run; `summary()` turns it into the KPI document."""

    def __init__(self, scenario: Scenario, days: int) -> None:
        self.scenario, self.days = scenario, days
        self.answers: dict[str, Counter[str]] = defaultdict(Counter)
        self.decisions: Counter[str] = Counter()
        self.per_mbe: dict[str, Counter[str]] = defaultdict(Counter)
        self.per_kas: dict[str, Counter[str]] = defaultdict(Counter)
        self.requested: list[Episode] = []
        self.accepted: list[Episode] = []
        self.cancels = 0
        self.stops: Counter[str] = Counter()
        self.unexpected: list[str] = []
        self.backlogs: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.work: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.tasks: dict[int, Counter[str]] = defaultdict(Counter)  # kind -> count; work: minutes
        self.available: dict[int, float] = defaultdict(float)  # hours
        self.deaths_recorded = 0
        self.invoices: Counter[str] = Counter()
        self.lines: Counter[str] = Counter()
        self.shipment_status: dict[int, Counter[str]] = defaultdict(Counter)
        self.stop_days: dict[str, list[int]] = {}
        self.paying: dict[str, list[Billable]] = {}  # payment order -> the forfaits it pays
        self.billables: list[Billable] = []  # every accepted begeleiding the MBEs may bill
        self.waits = WaitLog()
        self.latency: dict[str, list[float]] = defaultdict(list)  # kind -> minutes
        self.latency_log: list[tuple[float, float]] = []  # (sent at, minutes) of every message
        self.staff_days: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
        self.shipment_log: list[tuple[int, bool]] = []  # (day, refused as a whole)
        self._busy_seen: dict[int, float] = defaultdict(float)
        self.stop_to_payment: list[float] = []
        self.sign_to_payment: list[float] = []

    # -- events ------------------------------------------------------------------------------

    def request_sent(self, episode: Episode) -> None:
        """A begeleiding's (correct) request went out: it started."""
        self.requested.append(episode)
        kas = str(episode.patient.zorgkas or "none")
        self.per_kas[kas]["begeleidingen"] += 1
        self.per_mbe[episode.mbe]["begeleidingen"] += 1

    def answer(self, message: dict[str, Any], answer: dict[str, Any], faulty: bool) -> None:
        """One message and its answer."""
        kind = message["kind"]
        outcome = answer.get("outcome") or answer.get("status") or "?"
        self.answers[kind][outcome] += 1
        self.per_mbe[message["mbe"]]["messages"] += 1
        if kind == "shipment":
            self.shipment_status[message["zorgkas"]][outcome] += 1
            return  # explained invoice by invoice: `settled`
        bad = outcome == "refused" or (outcome == "under-review" and kind != "request")
        if bad and not faulty:
            self.unexpected.append(message["messageId"])

    def settled(self, settlement: dict[str, Any], faulty: set[str], header_fault: bool) -> None:
        """A shipment's settlement: a refusal must be explained by a wrong header or a wrong
        invoice in it, and each rejected invoice of a processed one by its own fault."""
        if settlement["status"] == "refused":
            if not header_fault and not faulty:
                self.unexpected.append(settlement["inReplyTo"])
            return
        for invoice in settlement["invoices"]:
            if invoice["status"] == "rejected" and invoice["invoiceNumber"] not in faulty:
                self.unexpected.append(f"{settlement['inReplyTo']}/{invoice['invoiceNumber']}")

    def decision(self, decision: dict[str, Any]) -> None:
        """A staff decision on a message under review."""
        self.decisions[decision["outcome"]] += 1

    def begeleiding_accepted(self, episode: Episode) -> None:
        """A request was accepted (at once or after review)."""
        self.accepted.append(episode)

    def cancelled(self, episode: Episode) -> None:
        """An accepted request was cancelled."""
        self.cancels += 1

    def stopped(self, episode: Episode) -> None:
        """A stop was accepted."""
        self.stops[episode.stop_reason or "?"] += 1

    def backlog(self, kas: int, what: str, size: int, day: dt.date) -> None:
        """The queue size at the start of a working day."""
        self.backlogs[f"{kas}/{what}"].append((day.isoformat(), size))

    def staff_day(self, kas: int, hours: float, day: int) -> None:
        """The staff of a zorgkas could work `hours` (all members together) on `day`; the work
        planned since the last call is that day's."""
        self.available[kas] += hours
        busy = sum(self.work[kas].values()) / 60
        self.staff_days[kas].append((day, hours, busy - self._busy_seen[kas]))
        self._busy_seen[kas] = busy

    def staff_task(self, kas: int, kind: str, minutes: float, tasks: int = 1) -> None:
        """Staff of a zorgkas did `tasks` tasks of a kind (STAFF_WORK) in `minutes` together."""
        self.work[kas][kind] += minutes
        self.tasks[kas][kind] += tasks

    def central_latency(self, kind: str, minutes: float, sent: float) -> None:
        """A message of `kind` sent at `sent` was answered `minutes` later (queue and
        processing)."""
        self.latency[kind].append(minutes)
        self.latency_log.append((sent, minutes))

    def lost_to_deadline(self, hco: str) -> None:
        """A forfait the MBE can no longer bill: the deadline after death passed."""
        self.per_mbe[hco]["lostToDeadline"] += 1

    def line_decided(self, kas: int, outcome: str) -> None:
        """A line under review was decided."""
        self.lines[outcome] += 1

    def shipment_sent(self, hco: str, kas: int, items: list[Item]) -> None:
        """A shipment went out, with these invoices."""
        self.per_kas[str(kas)]["invoices"] += len(items)
        self.per_mbe[hco]["shipments"] += 1
        for item in items:
            self.invoices[item.role] += 1
            if item.role in ("original", "corrective") and item.fault is None:
                self.invoices[f"code {item.invoice['lines'][0]['code']}"] += 1

    def signed(
        self, settlement: dict[str, Any], order: dict[str, Any], tracking: dict[str, Any]
    ) -> None:
        """A shipment was signed: remember the stop days of the begeleidingen it pays."""
        billables = tracking.get("invoices", {})
        days = [
            billables[i["invoiceNumber"]].stopped_day
            for i in settlement["invoices"]
            if i["status"] in ("accepted", "partly-accepted")
            and i["invoiceNumber"] in billables
            and billables[i["invoiceNumber"]].stopped_day is not None
        ]
        self.stop_days[order["orderId"]] = days
        self.paying[order["orderId"]] = [
            billables[i["invoiceNumber"]]
            for i in settlement["invoices"]
            if i["status"] in ("accepted", "partly-accepted") and i["invoiceNumber"] in billables
        ]

    def paid(self, order: dict[str, Any]) -> None:
        """A payment order was paid."""
        paid = dt.date.fromisoformat(order["paidOn"])
        offset = (paid - self.scenario.start_date).days
        self.stop_to_payment += [offset - d for d in self.stop_days.pop(order["orderId"], [])]
        self.sign_to_payment.append((paid - dt.date.fromisoformat(order["signedOn"])).days)
        for billable in self.paying.pop(order["orderId"], []):
            if billable.paid_day is None:
                billable.paid_day = offset

    # -- the summary -------------------------------------------------------------------------

    def summary(
        self, seed: int, faults: list[dict[str, Any]], registry_rows: int
    ) -> dict[str, Any]:
        """The KPI document of the run."""
        shipments = {
            str(k): dict(sorted(v.items())) for k, v in sorted(self.shipment_status.items())
        }
        sent = sum(sum(v.values()) for v in self.shipment_status.values())
        refused = sum(v["refused"] for v in self.shipment_status.values())
        return {
            "run": {
                "scenario": self.scenario.name,
                "seed": seed,
                "days": self.days,
                "from": self.scenario.start_date.isoformat(),
                "to": (self.scenario.start_date + dt.timedelta(days=self.days)).isoformat(),
            },
            "volumes": {
                "perZorgkas": {k: dict(sorted(v.items())) for k, v in sorted(self.per_kas.items())},
                "perMbe": {k: dict(sorted(v.items())) for k, v in sorted(self.per_mbe.items())},
            },
            "answerMix": {k: dict(sorted(v.items())) for k, v in sorted(self.answers.items())},
            "finalDecisions": dict(sorted(self.decisions.items())),
            "lineDecisions": dict(sorted(self.lines.items())),
            "stops": dict(sorted(self.stops.items())),
            "reviewBacklog": self._backlog(),
            "stopToPaymentDays": _spread(self.stop_to_payment),
            "signToPaymentDays": _spread(self.sign_to_payment),
            "stopToPaymentWithin": payment_share(self._stopped(), self.days),
            "waits": self.waits.summary(float(self.days), self._calendars()),
            "centralLatencyMinutes": {
                kind: {
                    "count": len(v),
                    "mean": round(statistics.fmean(v), 3),
                    "p95": round(percentile(v, 0.95), 3),
                    "max": round(max(v), 3),
                }
                for kind, v in sorted(self.latency.items())
            },
            "shipments": {
                "sent": sent,
                "refused": refused,
                "refusedShare": round(refused / sent, 4) if sent else 0.0,
                "perZorgkas": shipments,
            },
            "invoicesSent": dict(sorted(self.invoices.items())),
            "deathsRecorded": self.deaths_recorded,
            "staffUtilisation": {
                str(k): round(sum(self.work[k].values()) / 60 / self.available[k], 4)
                for k in sorted(self.available)
                if self.available[k]
            },
            "staffWork": self._staff_work(),
            "faults": dict(sorted(Counter(f["fault"] for f in faults).items())),
            "unexpectedAnswers": len(self.unexpected),
            "calibration": self.calibration(registry_rows),
        }

    def _stopped(self) -> list[tuple[int, int | None]]:
        """(stop day, paid day) of every stopped begeleiding whose forfait is due."""
        return [
            (b.stopped_day, b.paid_day)
            for b in self.billables
            if b.stopped_day is not None
            and not b.cancelled
            and b.episode.non_billing_reason is None
        ]

    def _calendars(self) -> dict[int, WorkingCalendar]:
        start = self.scenario.start_date
        return {
            kas: WorkingCalendar(start, self.days, cfg.workdays)
            for kas, cfg in self.scenario.staff.items()
        }

    def _staff_work(self) -> dict[str, Any]:
        """Per zorgkas: hours available, and per kind of work the tasks and hours spent."""
        found: dict[str, Any] = {}
        for kas in sorted(self.available):
            found[str(kas)] = {
                "availableHours": round(self.available[kas], 1),
                "busyHours": round(sum(self.work[kas].values()) / 60, 1),
                **{
                    kind: {
                        "tasks": self.tasks[kas][kind],
                        "hours": round(self.work[kas][kind] / 60, 1),
                    }
                    for kind in STAFF_WORK
                },
            }
        return found

    def _backlog(self) -> dict[str, Any]:
        """Per zorgkas and queue: the queue length at the start of every working day (`daily`),
        its mean and max, the last sample, and the mean of each quarter of the run."""
        found: dict[str, Any] = {}
        for key, samples in sorted(self.backlogs.items()):
            sizes = [n for _, n in samples]
            quarter = max(1, math.ceil(len(sizes) / 4))
            found[key] = {
                "mean": round(statistics.fmean(sizes), 2) if sizes else 0,
                "max": max(sizes, default=0),
                "last": sizes[-1] if sizes else 0,
                "quarterMeans": [
                    round(statistics.fmean(sizes[i : i + quarter]), 2)
                    for i in range(0, len(sizes), quarter)
                ],
                "daily": [[day, n] for day, n in samples],
            }
        return found

    def produced(self, registry_rows: int) -> dict[str, float]:
        """The figure the run produced for each calibration target."""
        per_year = 365 / self.days
        played = [e for e in self.accepted if e.ending != "cancelled"]
        durations = [float(e.duration) for e in played]
        deaths = [e for e in played if e.ending == "death"]
        places = Counter(PLACE_GROUPS[e.place_of_death or "unknown"] for e in deaths)
        found = {
            "begeleidingen_per_year": len(self.requested) * per_year,
            "mbes": float(len({e.mbe for e in self.requested})),
            "duration_median_days": statistics.median(durations) if durations else 0.0,
            "duration_mean_days": statistics.fmean(durations) if durations else 0.0,
            "duration_p90_days": _quantile(durations, 0.9),
            "death_share": len(deaths) / len(played) if played else 0.0,
            "cancelled_request_share": self.cancels / len(self.accepted) if self.accepted else 0.0,
            "members": float(registry_rows),
            "deaths_belgium_per_year": len(deaths) * per_year,
        }
        for place in ("home", "hospital", "care-home", "other"):
            found[f"place_of_death.{place}"] = places[place] / len(deaths) if deaths else 0.0
        return found

    def seasonal_factor(self) -> float:
        """How much busier the run's days are than the average day (1.0 for a whole year)."""
        season = self.scenario.seasonality
        mean = sum(season) / len(season)
        days = [season[self.scenario.day(d).month - 1] / mean for d in range(self.days)]
        return sum(days) / len(days)

    def samples(self) -> dict[str, int]:
        """How many draws each share of the calibration was measured on."""
        played = [e for e in self.accepted if e.ending != "cancelled"]
        deaths = sum(1 for e in played if e.ending == "death")
        found = {"death_share": len(played), "cancelled_request_share": len(self.accepted)}
        found.update(
            {f"place_of_death.{p}": deaths for p in ("home", "hospital", "care-home", "other")}
        )
        return found

    def calibration(self, registry_rows: int) -> list[dict[str, Any]]:
        """Each calibrated figure beside its target, its deviation and whether it is within."""
        produced = self.produced(registry_rows)
        tolerance = self.scenario.targets.tolerance
        rows = []
        samples = self.samples()
        for name, target in self.scenario.targets.values.items():
            value = produced[name]
            if name == "begeleidingen_per_year":
                target *= self.scenario.growth * self.seasonal_factor()
            deviation = (value - target) / target if target else 0.0
            row: dict[str, Any] = {
                "figure": name,
                "target": round(target, 4),
                "produced": round(value, 4),
                "deviation": round(deviation, 4),
            }
            if name in NOT_MODELLED:
                row.update(within=None, note=NOT_MODELLED[name])
            elif name in samples and samples[name] and target < 1:
                # A share from n draws: 5 % of a small share is below the sampling noise, so
                # a share within two standard errors of its target is within too.
                error = 2 * math.sqrt(target * (1 - target) / samples[name])
                row["twoStandardErrors"] = round(error, 4)
                row["within"] = abs(deviation) <= tolerance or abs(value - target) <= error
                if abs(deviation) > tolerance and row["within"]:
                    row["note"] = (
                        f"{abs(deviation):.1%} off, but within two standard errors "
                        f"(±{error:.4f}) of the target on {samples[name]:,} draws: sampling "
                        "noise, not a calibration error"
                    )
            else:
                row["within"] = abs(deviation) <= tolerance
            rows.append(row)
        return rows


def table(summary: dict[str, Any]) -> str:
    """The KPI summary as a plain-text table for people."""
    run = summary["run"]
    out = [
        f"Scenario {run['scenario']}, seed {run['seed']}, {run['days']} days "
        f"({run['from']} to {run['to']})",
        "",
    ]
    out.append(f"{'figure':32} {'target':>12} {'produced':>12} {'dev':>8}  within")
    notes = []
    for row in summary["calibration"]:
        mark = {True: "yes", False: "NO", None: "n/a"}[row["within"]]
        if row.get("note"):
            notes.append(row)
            mark += f" ({len(notes)})"
        out.append(
            f"{row['figure']:32} {row['target']:>12,.3f} {row['produced']:>12,.3f} "
            f"{row['deviation']:>+8.1%}  {mark}"
        )
    for number, row in enumerate(notes, 1):
        out.append(f"  ({number}) {row['figure']}: {row['note']}")
    out += ["", "answer mix:"]
    for kind, mix in summary["answerMix"].items():
        out.append(f"  {kind:24} " + ", ".join(f"{k} {v}" for k, v in mix.items()))
    out.append(f"  final decisions          {summary['finalDecisions']}")
    out += [
        "",
        "begeleidingen per zorgkas: "
        + ", ".join(
            f"{k} {v.get('begeleidingen', 0)}" for k, v in summary["volumes"]["perZorgkas"].items()
        ),
    ]
    ship = summary["shipments"]
    out.append(
        f"shipments: {ship['sent']} sent, {ship['refused']} refused ({ship['refusedShare']:.1%})"
    )
    s2p = summary["stopToPaymentDays"]
    if s2p.get("count"):
        out.append(
            f"stop to payment (days): median {s2p['median']:.0f}, mean {s2p['mean']}, "
            f"p90 {s2p['p90']:.0f}, max {s2p['max']:.0f} (n={s2p['count']})"
        )
    sent = summary["invoicesSent"]
    codes = ", ".join(f"{k[5:]} {v}" for k, v in sent.items() if k.startswith("code "))
    out.append(
        f"invoices: {sent.get('original', 0)} original ({codes}), "
        f"{sent.get('credit', 0)} credit notes, {sent.get('corrective', 0)} corrective"
    )
    out.append(f"deaths from the daily deaths flow: {summary['deathsRecorded']}")
    out.append("review backlog at day start (mean/max; quarterly means; last; daily in kpi.json):")
    for key, v in summary["reviewBacklog"].items():
        if v["max"]:
            quarters = " ".join(f"{q:g}" for q in v["quarterMeans"])
            out.append(f"  {key:16} {v['mean']:>6}/{v['max']:<4} [{quarters}] last {v['last']}")
    out.append("staff utilisation (busy / available hours; all work):")
    for kas, share in summary["staffUtilisation"].items():
        work = summary["staffWork"][kas]
        kinds = ", ".join(
            f"{kind} {work[kind]['tasks']}/{work[kind]['hours']:g}h" for kind in STAFF_WORK
        )
        out.append(
            f"  {kas} {share:>6.1%} ({work['busyHours']:g} of {work['availableHours']:,.0f} h: "
            f"{kinds})"
        )
    out.append(
        f"faults injected: {sum(summary['faults'].values())} "
        f"({', '.join(f'{k} {v}' for k, v in summary['faults'].items())})"
    )
    out.append(f"answers not explained by the ground truth: {summary['unexpectedAnswers']}")
    return "\n".join(out)
