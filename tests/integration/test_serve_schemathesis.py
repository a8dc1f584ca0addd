"""Schemathesis against the live service's OpenAPI document, every check, positive and negative
data: no 5xx, and every response (status, content type, headers, body) as documented.

The CI-sized run: `EXAMPLES` cases per operation and generation mode (set
`VSB_SCHEMATHESIS_EXAMPLES` for more), derandomized so that CI is repeatable. `make fuzz`
(`python -m tests.fuzz`) is the long run: the CLI with every phase, 10,000 cases and more.

The document bundles the project's JSON Schema files, so Schemathesis loads it as any tool
would. Test control is on, behind a token, and its operations run last (they replace the
registry and the MBEs).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import schemathesis.checks
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.fuzz.support import Identities, in_callers_name
from tests.integration.conftest import FIXTURES, START, LiveServer
from vsb.serve.config import ServeConfig

EXAMPLES = int(os.environ.get("VSB_SCHEMATHESIS_EXAMPLES", "12"))
TOKEN = "fuzz-test-control-token-0123456789"
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
)
"""Every check Schemathesis has (`--checks all` of its CLI)."""


@pytest.fixture(scope="module")
def live(pki: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    config = ServeConfig(
        db=str(tmp_path_factory.mktemp("st") / "c.sqlite"),
        fixtures=FIXTURES,
        ca=pki / "ca.pem",
        test_control=True,
        start_clock=START,
        test_control_token=TOKEN,
    )
    server = LiveServer(config, pki)
    yield server
    server.stop()


def _exercise(operation: Any, mode: GenerationMode, live: LiveServer, who: Identities) -> int:
    checks = [getattr(schemathesis.checks, name) for name in CHECK_NAMES]
    calls = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def run(case: Any) -> None:
        calls.append(case)
        in_callers_name(case)
        case.call_and_validate(
            base_url=live.url, headers=who.headers(case.operation.tags), checks=checks
        )

    try:
        run()
    except Unsatisfiable:  # nothing to make negative (no parameter, no body)
        assert mode is GenerationMode.NEGATIVE and not calls, operation.label
    return len(calls)


def test_the_service_honours_its_openapi_document_under_every_check(live: LiveServer) -> None:
    api = schemathesis.openapi.from_url(f"{live.url}/openapi.json")  # resolves alone
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 18
    operations.sort(key=lambda op: "test-control" in (op.tags or []))
    who = Identities(live.pki, TOKEN)
    failures, cases = [], 0
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                cases += _exercise(operation, mode, live, who)
            except (Exception, BaseExceptionGroup) as exc:  # Schemathesis raises groups
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
    assert cases >= len(operations) * EXAMPLES
