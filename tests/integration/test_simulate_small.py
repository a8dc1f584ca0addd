"""Seeded runs of the small scenario: golden values, byte-identical output, valid streams, and
a ground truth that the engine's answers confirm.

The run is 150 days (March to July 2024): long enough for every billing behaviour, also
those that follow a settlement (credit notes, corrective invoices, forfaits billed past the
deadline after death).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import simulator.cli  # noqa: F401  (registers `vsb simulate`)
from simulator import RunResult, load_scenario, simulate
from simulator.faults import BILLING_FAULTS, INVOICE_FAULTS
from simulator.kpi import STAFF_WORK
from vsb.cli import main
from vsb.schemas import load_schemas

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
STREAMS = ("messages", "answers", "decisions", "settlements", "payment-orders", "ground-truth")
DAYS = 150


@cache
def _run(folder: Path) -> RunResult:
    return simulate(load_scenario(SCENARIOS / "small.toml"), DAYS, 7, folder)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return _run(tmp_path_factory.mktemp("small-a"))


def _bodies(run: RunResult, stream: str) -> list[dict[str, Any]]:
    return [json.loads(line)["body"] for line in run.simulation.recorder.lines(stream)]


def test_seed_7_gives_the_golden_counts(run: RunResult) -> None:
    # Regenerated when payments came to wait for staff and the central processing got a
    # capacity (issue 12): the stops, credit notes and corrective invoices moved with them.
    summary = run.summary
    assert summary["answerMix"]["request"] == {"accepted": 514, "refused": 56, "under-review": 19}
    assert summary["answerMix"]["stop"] == {"accepted": 389}
    assert summary["answerMix"]["cancel-stop"] == {"accepted": 12}
    assert summary["answerMix"]["shipment"] == {"processing": 24, "refused": 19}
    assert summary["faults"]["patient-unknown"] == 11
    assert summary["faults"]["wrong-request-type-restart"] == 17
    assert summary["invoicesSent"]["credit"] == 36
    assert summary["invoicesSent"]["corrective"] == 20
    assert summary["deathsRecorded"] == 349
    assert len(run.simulation.plans.patients) == 591


def test_two_runs_with_one_seed_are_byte_identical(run: RunResult, tmp_path: Path) -> None:
    again = simulate(load_scenario(SCENARIOS / "small.toml"), DAYS, 7, tmp_path)
    first = run.simulation.recorder.folder
    assert first is not None
    for name in (*STREAMS, "kpi"):
        suffix = ".json" if name == "kpi" else ".jsonl"
        assert (first / f"{name}{suffix}").read_bytes() == (
            tmp_path / f"{name}{suffix}"
        ).read_bytes()
    assert again.table == run.table


def test_another_seed_gives_other_traffic(run: RunResult) -> None:
    other = simulate(load_scenario(SCENARIOS / "small.toml"), 20, 8)
    assert (
        other.simulation.recorder.lines("messages")[:5]
        != run.simulation.recorder.lines("messages")[:5]
    )


def test_every_message_and_answer_is_valid_against_its_schema(run: RunResult) -> None:
    schemas = load_schemas()
    kinds: Counter[str] = Counter()
    for stream in ("messages", "answers", "decisions", "settlements", "payment-orders"):
        for body in _bodies(run, stream):
            name = schemas.schema_for_kind(body["kind"])
            assert schemas.validate(name, body) == (), (stream, body)
            kinds[body["kind"]] += 1
    assert {
        "request",
        "stop",
        "answer",
        "shipment",
        "settlement",
        "final-decision",
        "insurance-status-query",
        "insurance-status-answer",
        "payment-order",
    } <= set(kinds)


def _requirements(document: dict[str, Any], invoice: str | None) -> set[str]:
    found = {e["requirement"] for e in document.get("errors", [])}
    if "review" in document:
        found.add(document["review"]["requirement"])
    for entry in document.get("invoices", []):
        if invoice is None or entry["invoiceNumber"] == invoice:
            found |= {e["requirement"] for e in entry.get("errors", [])}
            found |= {e["requirement"] for line in entry["lines"] for e in line.get("errors", [])}
    return found


def test_the_engine_confirms_every_injected_fault(run: RunResult) -> None:
    answers = {a["inReplyTo"]: a for a in _bodies(run, "answers") if "inReplyTo" in a}
    answers |= {s["inReplyTo"]: s for s in _bodies(run, "settlements") if s["status"] != "signed"}
    truth = _bodies(run, "ground-truth")
    # every wrong invoice and every wrong billing behaviour is injected in this run
    assert {t["fault"] for t in truth} >= set(INVOICE_FAULTS) | set(BILLING_FAULTS)
    for record in truth:
        answer = answers[record["messageId"]]
        assert answer.get("outcome", answer.get("status")) != "accepted", record
        if record["fault"] == "billed-under-review":
            # The engine cannot see the MBE's duty; it holds the line for staff (REQ-BL-REVIEW).
            lines = [
                line
                for entry in answer["invoices"]
                if entry["invoiceNumber"] == record["invoiceNumber"]
                for line in entry["lines"]
            ]
            assert lines and all(line["status"] == "under-review" for line in lines), record
            continue
        assert record["requirement"] in _requirements(answer, record.get("invoiceNumber")), record
        if record["expected"] == "under-review":
            assert answer["outcome"] == "under-review"


def test_every_refusal_is_explained_by_the_ground_truth(run: RunResult) -> None:
    assert run.summary["unexpectedAnswers"] == 0


def test_the_kpi_summary_shows_each_target_beside_what_was_produced(run: RunResult) -> None:
    rows = {row["figure"]: row for row in run.summary["calibration"]}
    assert rows["mbes"]["produced"] == 1
    assert rows["death_share"]["within"] is True
    assert rows["members"]["within"] is None and rows["members"]["note"]
    folder = run.simulation.recorder.folder
    assert folder is not None
    assert (
        json.loads((folder / "kpi.json").read_text())["calibration"] == run.summary["calibration"]
    )
    assert "figure" in run.table and "answer mix" in run.table


def test_vsb_simulate_writes_the_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "simulate",
            "--scenario",
            str(SCENARIOS / "small.toml"),
            "--days",
            "10",
            "--seed",
            "3",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    assert "begeleidingen_per_year" in capsys.readouterr().out
    assert {p.name for p in tmp_path.iterdir()} >= {f"{s}.jsonl" for s in STREAMS} | {"kpi.json"}


@pytest.mark.parametrize(
    "flags, text",
    [
        (["--days", "0"], "--days: must be a whole number of days >= 1"),
        (["--scenario", "missing.toml"], "does not exist"),
        (["--scenario", str(SCENARIOS)], "is a folder: give a scenario file"),
    ],
)
def test_vsb_simulate_reports_bad_flags_in_one_line(
    flags: list[str], text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--quiet", "--out", str(tmp_path), *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vsb simulate: error:") and text in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_vsb_simulate_names_the_out_flag_when_the_folder_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = main(["simulate", "--quiet", "--days", "1", "--out", str(blocker / "sub")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("vsb simulate: error: --out: cannot write to the folder")
    assert "Traceback" not in err


def test_vsb_simulate_reports_every_error_of_a_scenario_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        f'[scenario]\nextends = "{SCENARIOS / "small.toml"}"\ngrowth = -1\n'
        "[durations]\nsigma = 9\ncolour = 1\n"
        "[staff.180]\nbackground_hours_per_week = -2\n",
        encoding="utf-8",
    )
    assert main(["simulate", "--quiet", "--scenario", str(bad), "--out", str(tmp_path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert all(line.startswith("vsb simulate: error: ") for line in lines)
    keys = [line.removeprefix("vsb simulate: error: ").split(":")[0] for line in lines]
    assert sorted(keys) == [
        "durations.colour",
        "durations.sigma",
        "scenario.growth",
        "staff.180.background_hours_per_week",
    ]
    assert "must be a number > 0" in lines[keys.index("scenario.growth")]


def test_no_insurance_status_answer_shows_a_death_in_the_simulated_future(run: RunResult) -> None:
    deaths = 0
    for line in run.simulation.recorder.lines("answers"):
        envelope = json.loads(line)
        death = envelope["body"].get("deathDate")
        if death is not None:
            deaths += 1
            assert death < envelope["at"][:10], envelope  # known the day after, never before
    assert deaths > 0  # the status queries before billing see the deaths that happened


def test_deaths_reach_the_engine_by_the_daily_flow_after_they_happen(run: RunResult) -> None:
    sim = run.simulation
    planned = {
        p.insz: p.death_date
        for p in sim.plans.patients
        if p.death_date is not None
        and p.situation != "unknown"
        and (p.death_date - sim.scenario.start_date).days + 1 < DAYS
    }
    assert run.summary["deathsRecorded"] == len(planned) > 0
    rows = sim.port.app.store.db.execute(  # type: ignore[attr-defined]
        "SELECT insz, death_date FROM persons WHERE death_date IS NOT NULL"
    ).fetchall()
    assert {row[0]: row[1] for row in rows} == {k: v.isoformat() for k, v in planned.items()}


def test_a_corrective_invoice_follows_its_accepted_credit_note_in_a_later_shipment(
    run: RunResult,
) -> None:
    settlements = {
        s["inReplyTo"]: s for s in _bodies(run, "settlements") if s["status"] != "signed"
    }
    faulty = {t.get("invoiceNumber") for t in _bodies(run, "ground-truth")}
    credited: dict[str, str] = {}  # reference -> month its credit note was accepted
    correctives = 0
    for shipment in _bodies(run, "messages"):
        settlement = settlements.get(shipment["messageId"])
        if settlement is None or settlement["status"] == "refused":
            continue  # not a shipment, or refused as a whole: nothing in it counts
        status = {i["invoiceNumber"]: i["status"] for i in settlement["invoices"]}
        month = shipment["sendDate"][:7]
        for invoice in shipment["invoices"]:
            number, reference = invoice["invoiceNumber"], invoice["vsbReference"]
            if invoice["type"] == "credit-note" and status[number] == "accepted":
                credited[reference] = month
            elif reference in credited and number not in faulty:
                assert credited.pop(reference) < month
                assert status[number] != "rejected"
                correctives += 1
    assert correctives > 0


def test_short_begeleidingen_are_billed_at_the_reduced_forfait(run: RunResult) -> None:
    codes = Counter(
        line["code"]
        for shipment in _bodies(run, "messages")
        if shipment["kind"] == "shipment"
        for invoice in shipment["invoices"]
        if invoice["type"] == "original"
        for line in invoice["lines"]
    )
    assert codes["773194"] > 0 and codes["773172"] > codes["773194"]


def test_staff_utilisation_counts_every_kind_of_work_and_the_backlog_is_daily(
    run: RunResult,
) -> None:
    summary = run.summary
    for kas, work in summary["staffWork"].items():
        busy = sum(work[kind]["hours"] for kind in STAFF_WORK)
        assert busy == pytest.approx(work["busyHours"], abs=0.3)
        assert summary["staffUtilisation"][kas] == pytest.approx(
            work["busyHours"] / work["availableHours"], abs=1e-3
        )
    assert sum(w["payments"]["tasks"] for w in summary["staffWork"].values()) > 0
    backlog = summary["reviewBacklog"]["180/messages"]
    assert len(backlog["daily"]) > 100 and len(backlog["quarterMeans"]) == 4
    assert "staff utilisation" in run.table and "quarterly" in run.table


def test_no_payment_is_recorded_by_its_signer_or_one_who_decided_its_lines(run: RunResult) -> None:
    """REQ-BL-SEPARATION-OF-DUTIES: the simulated staff keep the rulebook's duties apart (the
    engine would refuse them); a one-person team leaves payments to the payments desk."""
    db = run.simulation.port.app.store.db  # type: ignore[attr-defined]
    rows = db.execute("SELECT shipment_id, duty, staff FROM staff_duties").fetchall()
    duties: dict[tuple[int, str], set[str]] = {}
    for shipment, duty, staff in rows:
        duties.setdefault((shipment, staff), set()).add(duty)
    payers = [staff for (_, staff), done in duties.items() if "pay" in done]
    assert payers, "the run pays no payment order"
    assert all(done == {"pay"} for done in duties.values() if "pay" in done)
    counts = {kas: cfg.count for kas, cfg in run.simulation.scenario.staff.items()}
    for staff in payers:
        kas = int(staff.split("-")[1])
        assert staff.endswith("-payments-desk") == (counts[kas] == 1), staff


def test_payments_wait_for_staff_and_the_waits_are_reported_per_queue(run: RunResult) -> None:
    """Issue 12: no scenario figure says when a zorgkas pays; a payment order waits for a staff
    member, on a working day, after its signature."""
    orders = [json.loads(line) for line in run.simulation.recorder.lines("payment-orders")]
    paid = [o for o in orders if o["body"].get("paidOn")]
    assert paid
    for order in paid:
        body = order["body"]
        assert body["paidOn"] >= body["signedOn"]
        assert dt.date.fromisoformat(body["paidOn"]).isoweekday() <= 5
    waits = run.summary["waits"]
    assert sum(w["finished"] for k, w in waits.items() if k.endswith("/payments")) == len(paid)
    for figures in waits.values():
        days, working = figures["days"], figures["workingDays"]
        assert days["mean"] <= days["p95"] <= days["p99"] <= days["max"]
        assert working["max"] <= days["max"] + 1e-9
    share = run.summary["stopToPaymentWithin"]
    assert share["eligible"] > 0 and 0 <= share["paidWithin"] <= share["eligible"]
    assert run.summary["staffWork"]["180"]["background"]["hours"] > 0
