"""`vsb plan` on tiny runs: the same seeds give the same results on a process pool and on a
Dask LocalCluster, common random numbers, the report's files, and every bad flag in one line."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

import simulator.planning.cli  # noqa: F401  (registers `vsb plan`)
from simulator.planning.replications import Plan, replication_seed, run_plan
from simulator.planning.sweep import parse_sweep, points
from vsb.cli import main

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "small.toml"
DAYS = 30


def _plain(values: dict[int, dict[str, list[float]]]) -> dict[int, dict[str, list[float | None]]]:
    """The values with NaN (a KPI without any eligible item) as None, so that they compare."""
    return {
        p: {k: [None if v != v else v for v in vs] for k, vs in kpis.items()}
        for p, kpis in values.items()
    }


def _plan(replications: int = 2) -> Plan:
    found = points(SMALL, [parse_sweep("staff.180.count=1,2")])
    return Plan(found, DAYS, seed=3, replications=replications, kas=180)


def test_the_same_seeds_give_identical_results_on_a_process_pool_and_on_dask() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        on_pool = run_plan(_plan(), pool)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False) as cluster,
        Client(cluster) as client,
    ):
        on_dask = run_plan(_plan(), client.get_executor())
    assert _plain(on_pool.values) == _plain(on_dask.values)
    assert on_pool.warmup == on_dask.warmup
    assert [o.seed for o in on_pool.observations[1]] == [o.seed for o in on_dask.observations[1]]


def test_replication_i_has_the_same_seed_at_every_point_and_other_seeds_differ() -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        result = run_plan(_plan(3), pool)
    seeds = {p: [o.seed for o in runs] for p, runs in result.observations.items()}
    assert seeds[0] == seeds[1] == [replication_seed(3, r) for r in range(3)]
    assert len(set(seeds[0])) == 3
    # common random numbers: the MBEs' traffic is the same at both points, so are shipments
    assert result.observations[0][0].shipments == result.observations[1][0].shipments


def test_precision_adds_replications_until_reached_or_the_cap() -> None:
    found = points(SMALL, [])
    plan = Plan(found, DAYS, seed=1, precision=1e-6, max_replications=7, warmup_days=0)
    with ProcessPoolExecutor(max_workers=2) as pool:
        result = run_plan(plan, pool)
    assert [n for n, _ in result.history] == [5, 7]
    assert result.replications == 7 and not result.reached


def test_vsb_plan_writes_the_report_with_its_plots_json_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan"
    code = main(
        [
            "plan",
            "--scenario",
            str(SMALL),
            "--days",
            "45",
            "--replications",
            "2",
            "--workers",
            "2",
            "--sweep",
            "staff.180.count=1,2",
            "--target",
            "review_wait_p95_days<=2",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "staff.180.count" in printed and "written to" in printed
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 5
    document = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert document["zorgkas"] == 180 and document["replicationsPerPoint"] == 2
    assert [p["values"] for p in document["points"]] == [
        {"staff.180.count": 1},
        {"staff.180.count": 2},
    ]
    assert {p.name for p in (out / "figures").iterdir()} == {
        "backlog.png",
        "review-wait.png",
        "kpis.png",
        "warmup.png",
        "precision.png",
    }
    rows = (out / "kpis.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("staff.180.count,kpi,mean") and len(rows) == 1 + 2 * 9


@pytest.mark.parametrize(
    "flags, text",
    [
        (["--replications", "1"], "--replications: must be a whole number >= 2"),
        (["--precision", "0"], "--precision: must be a share > 0 and < 1"),
        (["--precision", "-0.5"], "--precision: must be a share > 0 and < 1"),
        (["--replications", "2", "--sweep", "staff.180.count"], "--sweep: must be KEY=V1,V2"),
        (["--replications", "2", "--sweep", "staff.999.count=1"], "staff.999.count=1: is not a"),
        (["--replications", "2", "--sweep", "staff.180.count=0"], "must be an integer >= 1"),
        (["--replications", "2", "--target", "review_wait_p95_days<"], "--target: at the end"),
        (["--replications", "2", "--target", "x>1"], "--target: at position 1"),
        (["--replications", "2", "--scenario", "fixtures"], "is a folder"),
        (["--replications", "2", "--dask", "tcp://127.0.0.1:9"], "--dask: cannot reach"),
    ],
)
def test_vsb_plan_refuses_bad_flags_in_one_line_each(
    flags: list[str], text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["plan", "--scenario", str(SMALL), "--days", "5", "--out", str(tmp_path), *flags]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert text in err and "Traceback" not in err
    assert all(line.startswith("vsb plan: error: ") for line in err.strip().splitlines())
    assert not (tmp_path / "report.html").exists()


def test_vsb_plan_reports_every_bad_flag_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "plan",
        "--replications",
        "1",
        "--target",
        "nope",
        "--days",
        "0",
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line.split(":")[2].strip() for line in lines] == [
        "--replications",
        "--days",
        "--target",
    ]
