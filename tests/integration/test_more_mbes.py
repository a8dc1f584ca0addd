"""More MBEs (`[growth]`): a short seeded run of the small scenario with two synthetic MBEs.

They send requests and shipments, are billed and paid at the tariffs of the MBE they were made
like (the rulebook overlay), and `vsb audit` of the run's folder replays with the same tariffs:
every fault of MBE software found, no false alarm, no disagreement with the recorded answers.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import conformance.audit.cli  # noqa: F401  (registers `vsb audit`)
from conformance.audit.score import Score, mbe_faults
from simulator import load_scenario, simulate
from simulator.planning.replications import Plan, run_plan
from simulator.planning.report import write_report
from simulator.planning.sweep import parse_sweep, points
from vsb.billing.rules import billing_rules
from vsb.cli import main
from vsb.rulebook import OVERLAY_FILE, default_rulebook, load_overlay

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "small.toml"
PHA = "76310195930"
DAYS, SEED = 60, 1


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the run: the small scenario (one MBE) and two more taking half."""
    folder = tmp_path_factory.mktemp("more-mbes")
    scenario = folder / "more.toml"
    scenario.write_text(
        f'[scenario]\nextends = "{SMALL}"\nname = "small-more-mbes"\n'
        f'[growth]\nextra_mbes = 2\ntariffs_like = "{PHA}"\nvolume_share = 0.5\n',
        encoding="utf-8",
    )
    simulate(load_scenario(scenario), DAYS, SEED, folder / "sim")
    return folder / "sim"


def _bodies(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.open(encoding="utf-8"):
        body: dict[str, Any] = json.loads(line)["body"]
        yield body


def _synthetic(run: Path) -> set[str]:
    return {t[0] for t in load_overlay(run / OVERLAY_FILE).tariffs}


def test_the_synthetic_mbes_send_requests_and_shipments(run: Path) -> None:
    synthetic = _synthetic(run)
    assert len(synthetic) == 2 and PHA not in synthetic
    kinds = {(m["mbe"], m["kind"]) for m in _bodies(run / "messages.jsonl")}
    for hco in synthetic:
        assert {(hco, "request"), (hco, "shipment"), (hco, "stop")} <= kinds
    mbes = (run / "mbes.toml").read_text(encoding="utf-8")
    assert all(f'hco = "{hco}"' in mbes for hco in synthetic)
    assert json.loads((run / "run.json").read_text())["rulebook"] == (
        "vsb-mbe-2024.1+scenario:small-more-mbes"
    )


def test_the_synthetic_mbes_are_billed_and_paid_at_the_template_mbes_tariff(run: Path) -> None:
    synthetic = _synthetic(run)
    rules = billing_rules(default_rulebook())  # the template's tariffs, not the overlay's
    sent = {
        (m["mbe"], i["invoiceNumber"]): i
        for m in _bodies(run / "messages.jsonl")
        if m["kind"] == "shipment"
        for i in m["invoices"]
    }
    checked = 0
    for settlement in _bodies(run / "settlements.jsonl"):
        if settlement["mbe"] not in synthetic or settlement["status"] == "refused":
            continue
        for invoice in settlement["invoices"]:
            lines = sent[(settlement["mbe"], invoice["invoiceNumber"])]["lines"]
            for line, verdict in zip(lines, invoice["lines"], strict=True):
                if verdict["status"] != "accepted" or invoice["status"] != "accepted":
                    continue
                day = dt.date.fromisoformat(line["prestationDate"])
                tariff = rules.tariff(PHA, line["code"], day)
                assert tariff is not None
                sign = "-" if line["amount"].startswith("-") else ""
                assert line["amount"] == f"{sign}{tariff // 100}.{tariff % 100:02d}"
                checked += 1
    assert checked >= 10
    paid = [o for o in _bodies(run / "payment-orders.jsonl") if o["mbe"] in synthetic]
    assert {o["mbe"] for o in paid} == synthetic
    assert any(o["paidOn"] for o in paid)


def _audit(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["audit", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_audit_replays_with_the_overlay_and_raises_no_false_alarm(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _audit(capsys, str(run / "messages.jsonl"))
    assert code == 1 and report["replayed"] is True
    assert f"rulebook overlay {run / OVERLAY_FILE}" in report["verdicts"]
    assert report["disagreements"] == [] and report["notes"] == []
    found = frozenset((v["message"]["id"], v["requirement"]) for v in report["violations"])
    score = Score(found, mbe_faults(run / "ground-truth.jsonl"))
    assert score.precision == 1.0, sorted(score.false_alarms)
    assert score.recall == 1.0, sorted(score.missed)
    assert {v["mbe"] for v in report["violations"]} & _synthetic(run)


def test_without_the_overlay_the_replay_disagrees_on_the_synthetic_mbes_tariffs(
    run: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(run, bare, ignore=shutil.ignore_patterns(OVERLAY_FILE))
    _, report = _audit(capsys, str(bare / "messages.jsonl"))
    assert report["disagreements"] and "rulebook overlay" not in report["verdicts"]
    assert "REQ-BL-TARIFF" in json.dumps(report["disagreements"])
    # the flag gives it back
    _, again = _audit(
        capsys, str(bare / "messages.jsonl"), "--rulebook-overlay", str(run / OVERLAY_FILE)
    )
    assert again["disagreements"] == []


def test_a_broken_overlay_beside_the_traffic_is_one_line_naming_the_key(
    run: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(run, broken)
    overlay = broken / OVERLAY_FILE
    overlay.write_text(
        overlay.read_text(encoding="utf-8").replace('full = "2900.00"', 'full = "0.00"', 1),
        encoding="utf-8",
    )
    assert main(["audit", str(broken / "messages.jsonl")]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (
        f"vsb audit: error: {overlay}: billing.tariffs[0].full: must be an amount > 0 with "
        "two decimals (\"2900.00\"), got '0.00'"
    )


def test_a_plan_sweeps_the_number_of_mbes_on_a_process_pool(tmp_path: Path) -> None:
    """The scenarios of a sweep over `growth.extra_mbes` go to worker processes with their
    overlay; more MBEs at the same volume send more shipments."""
    path = tmp_path / "more.toml"
    path.write_text(
        f'[scenario]\nextends = "{SMALL}"\nname = "small-more-mbes"\n'
        f'[growth]\nextra_mbes = 0\ntariffs_like = "{PHA}"\nvolume_share = 0.5\n',
        encoding="utf-8",
    )
    found = points(path, [parse_sweep("growth.extra_mbes=0,4")])
    plan = Plan(found, 40, seed=1, replications=1, warmup_days=0, kas=180)
    with ProcessPoolExecutor(max_workers=2) as pool:
        result = run_plan(plan, pool)
    none, four = (len(result.observations[p][0].shipments) for p in (0, 1))
    assert four > none > 0
    meta = {"scenario": "small-more-mbes", "source": str(path), "days": 40, "seed": 1}
    meta |= {"sweeps": {"growth.extra_mbes": [0, 4]}, "executor": "process pool, 2 workers"}
    document = write_report(result, None, meta, tmp_path / "plan")
    assert [(p["mbes"], p["rulebook"]) for p in document["points"]] == [
        (1, "vsb-mbe-2024.1"),
        (5, "vsb-mbe-2024.1+scenario:small-more-mbes"),
    ]
    assert (
        "vsb-mbe-2024.1+scenario:small-more-mbes" in (tmp_path / "plan" / "report.html").read_text()
    )
