"""The KPI summary of a run: volumes, answer mix, backlog, stop-to-payment, shipments, staff,
and every calibrated figure of domain.md §9 beside its target."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.plans import Episode
    from simulator.scenario import Scenario

__all__ = ["Tally", "table"]

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
        self.busy: dict[int, float] = defaultdict(float)
        self.available: dict[int, float] = defaultdict(float)
        self.lines: Counter[str] = Counter()
        self.shipment_status: dict[int, Counter[str]] = defaultdict(Counter)
        self.stop_days: dict[str, list[int]] = {}
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
            bad = outcome == "refused" or any(i["status"] == "rejected" for i in answer["invoices"])
        else:
            bad = outcome == "refused" or (outcome == "under-review" and kind != "request")
        if bad and not faulty:
            self.unexpected.append(message["messageId"])

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

    def staff_day(self, kas: int, busy: float, available: float) -> None:
        """How long the staff of a zorgkas worked in one day, of how long they could."""
        self.busy[kas] += busy
        self.available[kas] += available

    def lost_to_deadline(self, hco: str) -> None:
        """A forfait the MBE can no longer bill: the deadline after death passed."""
        self.per_mbe[hco]["lostToDeadline"] += 1

    def line_decided(self, kas: int, outcome: str) -> None:
        """A line under review was decided."""
        self.lines[outcome] += 1

    def shipment_sent(self, hco: str, kas: int, invoices: int) -> None:
        """A shipment went out."""
        self.per_kas[str(kas)]["invoices"] += invoices
        self.per_mbe[hco]["shipments"] += 1

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

    def paid(self, order: dict[str, Any]) -> None:
        """A payment order was paid."""
        paid = dt.date.fromisoformat(order["paidOn"])
        offset = (paid - self.scenario.start_date).days
        self.stop_to_payment += [offset - d for d in self.stop_days.pop(order["orderId"], [])]
        self.sign_to_payment.append((paid - dt.date.fromisoformat(order["signedOn"])).days)

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
            "shipments": {
                "sent": sent,
                "refused": refused,
                "refusedShare": round(refused / sent, 4) if sent else 0.0,
                "perZorgkas": shipments,
            },
            "staffUtilisation": {
                str(k): round(self.busy[k] / self.available[k], 4)
                for k in sorted(self.available)
                if self.available[k]
            },
            "faults": dict(sorted(Counter(f["fault"] for f in faults).items())),
            "unexpectedAnswers": len(self.unexpected),
            "calibration": self.calibration(registry_rows),
        }

    def _backlog(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, samples in sorted(self.backlogs.items()):
            sizes = [n for _, n in samples]
            weekly = [[day, n] for i, (day, n) in enumerate(samples) if i % 5 == 0]
            found[key] = {
                "mean": round(statistics.fmean(sizes), 2) if sizes else 0,
                "max": max(sizes, default=0),
                "weekly": weekly,
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
    for row in summary["calibration"]:
        mark = {True: "yes", False: "NO", None: "n/a"}[row["within"]]
        out.append(
            f"{row['figure']:32} {row['target']:>12,.3f} {row['produced']:>12,.3f} "
            f"{row['deviation']:>+8.1%}  {mark}"
        )
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
    out.append(
        "review backlog (mean / max at day start): "
        + ", ".join(
            f"{k} {v['mean']}/{v['max']}" for k, v in summary["reviewBacklog"].items() if v["max"]
        )
    )
    out.append(
        "staff utilisation: "
        + ", ".join(f"{k} {v:.1%}" for k, v in summary["staffUtilisation"].items())
    )
    out.append(
        f"faults injected: {sum(summary['faults'].values())} "
        f"({', '.join(f'{k} {v}' for k, v in summary['faults'].items())})"
    )
    out.append(f"answers not explained by the ground truth: {summary['unexpectedAnswers']}")
    return "\n".join(out)
