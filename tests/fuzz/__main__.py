"""`python -m tests.fuzz`: Schemathesis with all checks against a fresh `vsb serve`, and the counts.

Starts `python -m vsb.serve --test-control --test-control-token ...` on a free loopback port,
with a test PKI and a database of its own in a temporary folder, and runs the `schemathesis`
CLI (`--checks all --mode all`: positive and negative data, every phase) with the hooks of
`tests.fuzz.hooks`: first the MBE and staff operations, then test control (it replaces the
registry and the MBEs, so it goes last). Prints the cases generated, the server errors and the
responses that contradict the OpenAPI document (each a unique failure of Schemathesis), and
exits 1 unless both are 0 and at least `--min-cases` cases were generated. `make fuzz` runs it
at full size; the reports (JSON, and the CLI's output) stay in `--out`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from vsb.mbes import load_mbes
from vsb.serve.certs import write_test_pki

ROOT = Path(__file__).resolve().parents[2]
SERVER_ERRORS = {"ST101", "ST102"}
"""Schemathesis failure codes of a 5xx answer."""
CONTRADICTIONS = {f"ST1{n:02d}" for n in range(3, 12)}
"""Failure codes of a response the document does not declare (status, content type, headers,
body schema, malformed JSON)."""
RUNS = {
    "mbe-and-staff": ("--exclude-tag", "test-control"),
    "test-control": ("--include-tag", "test-control"),
}
"""The two runs, in order: test control last (it replaces the registry and the MBEs)."""


def _serve(folder: Path, token: str) -> tuple[subprocess.Popen[bytes], str]:
    log = folder / "serve.log"
    command = [
        *(sys.executable, "-m", "vsb.serve", "--db", str(folder / "central.sqlite")),
        *("--ca", str(folder / "certs" / "ca.pem"), "--port", "0", "--no-access-log"),
        *("--test-control", "--clock", "2024-03-10T09:00:00+01:00"),
        *("--test-control-token", token, "--fixtures", str(ROOT / "fixtures")),
    ]
    with log.open("ab") as sink:
        process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.findall(r"listening on (http://127\.0\.0\.1:\d+)", log.read_text("utf-8"))
        if found and "startup complete" in log.read_text("utf-8"):
            return process, found[-1]
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"vsb serve did not start:\n{log.read_text('utf-8')}")


def _run(url: str, folder: Path, args: argparse.Namespace, token: str, stem: str) -> Any:
    """One `schemathesis run` over the operations of RUNS[stem]; its JSON report."""
    report = folder / f"{stem}.json"
    command = [
        *(str(Path(sys.executable).with_name("schemathesis")), "run", f"{url}/openapi.json"),
        *("--checks", "all", "--mode", "all", "--max-examples", str(args.max_examples)),
        *("--seed", str(args.seed), "--workers", str(args.workers), "--no-color"),
        *("--suppress-health-check", "all", "--request-timeout", "60", "--continue-on-failure"),
        *("--report", "json", "--report-json-path", str(report), *RUNS[stem]),
    ]
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
        "VSB_FUZZ_CERTS": str(folder / "certs"),
        "VSB_FUZZ_TOKEN": token,
        "PYTHONPATH": str(ROOT),
    }
    with (folder / f"{stem}.txt").open("wb") as sink:
        subprocess.run(command, cwd=ROOT, env=environment, stdout=sink, stderr=sink, check=False)
    if not report.is_file():
        raise SystemExit(f"schemathesis wrote no report; see {folder / f'{stem}.txt'}")
    return json.loads(report.read_text("utf-8"))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n")[0])
    p.add_argument("--max-examples", type=int, default=600, help="per operation and phase")
    p.add_argument("--min-cases", type=int, default=10_000, help="fail when fewer are generated")
    p.add_argument("--seed", type=int, default=20240310)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--out", type=Path, default=None, help="keep the reports here")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run; 0 when no server error, no contradiction and enough cases."""
    args = _parser().parse_args(argv)
    folder = args.out or Path(tempfile.mkdtemp(prefix="vsb-fuzz-"))
    folder.mkdir(parents=True, exist_ok=True)
    mbes = [(m.hco, m.name) for m in load_mbes(ROOT / "fixtures" / "mbes.toml")]
    write_test_pki(folder / "certs", mbes)
    token = secrets.token_urlsafe(24)
    process, url = _serve(folder, token)
    try:
        reports = [_run(url, folder, args, token, stem) for stem in RUNS]
    finally:
        process.terminate()
        process.wait(15)
    cases = sum(r["test_cases"]["generated"] for r in reports)
    codes: Counter[str] = Counter()
    for report in reports:
        for failure in report["failures"]:
            codes[f"{failure['code']} {failure['title']}"] += failure["count"]
    errors = sum(len(r["errors"]) for r in reports)
    server = sum(n for code, n in codes.items() if code[:5] in SERVER_ERRORS)
    contradictions = sum(n for code, n in codes.items() if code[:5] in CONTRADICTIONS)
    print(f"cases generated: {cases} (seed {args.seed}, --max-examples {args.max_examples})")
    print(f"server errors: {server}")
    print(f"responses contradicting the OpenAPI document: {contradictions}")
    print(f"other check failures: {sum(codes.values()) - server - contradictions}")
    print(f"run errors: {errors}")
    for code, n in sorted(codes.items()):
        print(f"  {code}: {n}")
    print(f"reports: {folder}")
    ok = server == contradictions == errors == 0 and cases >= args.min_cases
    return 0 if ok and not codes else 1


if __name__ == "__main__":
    sys.exit(main())
