"""A generic tool, unchanged: Schemathesis' CLI (`st run`) on `/openapi.json` of a `vsb serve`
process, with one fixed header from `vsb token`, loads the document (every schema resolves)
and tests operations with the token accepted (issue 11).

A tiny budget: one positive case per MBE operation, the fuzzing phase only, server errors
checked; the long runs with every check are `test_serve_schemathesis.py` and `make fuzz`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import FIXTURES, MBE

BIN = Path(sys.executable).parent


@pytest.fixture
def service(pki: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`python -m vsb.serve` on a free loopback port: its URL and its log."""
    log = tmp_path / "serve.log"
    command = [
        *(sys.executable, "-m", "vsb.serve", "--db", str(tmp_path / "c.sqlite"), "--port", "0"),
        *("--ca", str(pki / "ca.pem"), "--fixtures", str(FIXTURES)),
    ]
    with log.open("ab") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=sink)
    try:
        deadline = time.monotonic() + 30
        found: list[str] = []
        while not found and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
            text = log.read_text("utf-8")
            if "startup complete" in text:
                found = re.findall(r"listening on (http://127\.0\.0\.1:\d+)", text)
        assert found, f"vsb serve did not start:\n{log.read_text('utf-8')}"
        yield found[-1], log
    finally:
        process.terminate()
        process.wait(15)


def test_st_run_with_a_vsb_token_header_loads_the_document_and_tests_operations(
    service: tuple[str, Path], pki: Path
) -> None:
    url, log = service
    token = subprocess.run(
        [str(BIN / "vsb"), "token", "--mbe", MBE, "--url", url, "--cert-dir", str(pki), "--curl"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert token.returncode == 0, token.stderr
    header = token.stdout.strip().removeprefix("-H '").removesuffix("'")
    assert header.startswith("Authorization: Bearer vsbat_")
    run = subprocess.run(
        [
            *(str(BIN / "st"), "run", f"{url}/openapi.json", "-H", header),
            *("--include-tag", "mbe", "--phases", "fuzzing", "--mode", "positive"),
            *("--max-examples", "1", "--checks", "not_a_server_error", "--seed", "1"),
            *("--workers", "1", "--no-color", "--request-timeout", "30"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = run.stdout + run.stderr
    assert "Schema Loading Error" not in output and "unresolvable" not in output.lower(), output
    tested = re.search(r"Tested: (\d+)", output)
    assert tested and int(tested[1]) >= 1, output
    assert run.returncode == 0, output
    served = log.read_text("utf-8")
    assert '"GET /v1/feed HTTP/1.1" 200' in served  # the token was taken as the MBE
    assert not re.search(r'"(GET|POST) /v1/\S* HTTP/1.1" 401', served), served
