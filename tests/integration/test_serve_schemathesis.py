"""Schemathesis against the live service's OpenAPI document: no 5xx, responses as documented.

The document references the project's JSON Schema files by `$id`; Schemathesis resolves them
through a retriever that reads the files shipped in the package (the `$id` host does not
exist). Test control is on, so its operations are exercised too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.jsonschema import resolver as schemathesis_resolver

from tests.integration.conftest import FIXTURES, MBE, START, LiveServer
from vsb.schemas import SCHEMA_BASE_URI, load_schemas
from vsb.serve.certs import ClientIdentity
from vsb.serve.config import DEFAULT_AUDIENCE, ServeConfig

_original_retrieve = schemathesis_resolver.retrieve


def _retrieve(uri: str) -> Any:
    if uri.startswith(SCHEMA_BASE_URI):
        return load_schemas().schema(uri.removeprefix(SCHEMA_BASE_URI).removesuffix(".schema.json"))
    return _original_retrieve(uri)


@pytest.fixture(scope="module")
def live(pki: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    config = ServeConfig(
        db=str(tmp_path_factory.mktemp("st") / "c.sqlite"),
        fixtures=FIXTURES,
        ca=pki / "ca.pem",
        test_control=True,
        start_clock=START,
    )
    server = LiveServer(config, pki)
    yield server
    server.stop()


def _headers(live: LiveServer, tags: list[str] | None) -> dict[str, str]:
    tag = (tags or ["test-control"])[0]
    stem = {"mbe": f"mbe-{MBE}", "staff": "staff-180-s1"}.get(tag)
    if stem is None:
        return {}
    return ClientIdentity.load(live.pki / stem).headers(DEFAULT_AUDIENCE)


def _exercise(operation: Any, live: LiveServer) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def run(case: Any) -> None:
        case.call_and_validate(base_url=live.url, headers=_headers(live, operation.tags))

    run()


def test_the_service_honours_its_openapi_document(live: LiveServer) -> None:
    schemathesis_resolver.retrieve = _retrieve  # type: ignore[assignment]
    try:
        api = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
        operations = [result.ok() for result in api.get_all_operations()]
    finally:
        schemathesis_resolver.retrieve = _original_retrieve  # type: ignore[assignment]
    assert len(operations) >= 15
    failures = []
    for operation in operations:
        try:
            _exercise(operation, live)
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
