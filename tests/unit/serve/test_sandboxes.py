"""Sandboxes per vendor and generated patient pools, below HTTP: clock, spec, settings,
restart from the data folder, and the generator's invariants."""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.testclient import TestClient

from vsb.membership import snapshot_problems
from vsb.serve.app import create_app
from vsb.serve.central import Central, CentralClosed
from vsb.serve.config import DEFAULT_MAX_GENERATED_PERSONS, ServeConfig, ServeConfigError
from vsb.serve.openapi import build_document
from vsb.serve.population import (
    AFFILIATED_FROM,
    RegistryFull,
    add_generated,
    generate_persons,
)
from vsb.serve.problems import ProblemError
from vsb.serve.sandboxes import SandboxClock, SandboxSpec
from vsb.store import Store

ROOT = Path(__file__).resolve().parents[3]
ZORGKASSEN = (180, 280, 380, 480, 580, 680)


def test_a_sandbox_clock_follows_the_wall_clock_until_set_then_stands_still() -> None:
    told: list[dt.datetime] = []
    clock = SandboxClock(None)
    clock.on_set = lambda: told.append(clock.now())
    assert clock.real
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    clock.set(dt.date(2024, 3, 10))
    assert not clock.real and clock.now().date() == dt.date(2024, 3, 10)
    assert clock.now() == clock.now()
    clock.advance(days=2)
    assert clock.now().date() == dt.date(2024, 3, 12)
    assert [moment.date() for moment in told] == [dt.date(2024, 3, 10), dt.date(2024, 3, 12)]


def test_a_sandbox_spec_takes_a_date_or_a_date_time_and_names_a_bad_clock() -> None:
    body = {"name": "a", "mbes": ["76310195930"]}
    assert SandboxSpec.from_body({**body, "clock": "2024-03-10"}).clock == dt.date(2024, 3, 10)
    moment = SandboxSpec.from_body({**body, "clock": "2024-03-10T10:00:00Z"}).clock
    assert moment == dt.datetime(2024, 3, 10, 10, tzinfo=dt.UTC)
    spec = SandboxSpec.from_body(body)
    assert spec.clock is None and spec.fixtures and spec.staff == ()
    with pytest.raises(ProblemError) as refused:
        SandboxSpec.from_body({**body, "clock": "2024-13-01"})
    assert refused.value.problem.status == 422
    assert refused.value.problem.errors[0].pointer == "/clock"


@pytest.mark.parametrize(
    ("changes", "flag"),
    [
        ({"max_sandboxes": 0}, "--max-sandboxes"),
        ({"max_generated_persons": 0}, "--max-generated-persons"),
        ({"max_generated_persons": DEFAULT_MAX_GENERATED_PERSONS + 1}, "--max-generated-persons"),
    ],
)
def test_a_sandbox_setting_out_of_range_is_refused_naming_its_flag(
    changes: dict[str, int], flag: str
) -> None:
    config = ServeConfig(ca=None, insecure_dev_tokens=True, fixtures=None, **changes)  # type: ignore[arg-type]
    with pytest.raises(ServeConfigError, match=flag):
        config.check()


def test_sandboxes_live_beside_the_database_and_in_memory_with_it() -> None:
    assert ServeConfig(db="data/central.sqlite").sandbox_folder() == Path("data/central.sandboxes")
    assert ServeConfig(db=":memory:").sandbox_folder() is None


def _config(tmp_path: Path) -> ServeConfig:
    return ServeConfig(
        db=str(tmp_path / "c.sqlite"),
        fixtures=ROOT / "fixtures",
        ca=None,
        insecure_dev_tokens=True,
        test_control=True,
    )


def test_a_restart_reopens_each_saved_sandbox_and_logs_a_broken_manifest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "c.sandboxes"
    folder.mkdir()
    manifest = {"name": "kept", "mbes": ["76310195930"], "staff": [], "fixtures": True}
    (folder / "kept.json").write_text(
        json.dumps({**manifest, "clock": "2024-03-10T09:00:00+01:00"})
    )
    (folder / "broken.json").write_text("{not json")
    (folder / "renamed.json").write_text(json.dumps({**manifest, "clock": None}))
    with caplog.at_level(logging.ERROR, logger="vsb.serve"):
        app = create_app(_config(tmp_path))
    try:
        sandboxes = app.state.sandboxes
        assert [s.spec.name for s in sandboxes.all()] == ["kept"]
        assert sandboxes.get("kept").clock.now().date() == dt.date(2024, 3, 10)
        logged = caplog.text
        assert "broken.json" in logged and "renamed.json" in logged
    finally:
        app.state.sandboxes.close()
        app.state.service.central.close()


def test_a_service_without_test_control_opens_no_sandboxes(tmp_path: Path) -> None:
    folder = tmp_path / "c.sandboxes"
    folder.mkdir()
    (folder / "kept.json").write_text(json.dumps({"name": "kept", "mbes": ["76310195930"]}))
    config = ServeConfig(
        db=str(tmp_path / "c.sqlite"), fixtures=None, ca=None, insecure_dev_tokens=True
    )
    app = create_app(config)
    try:
        assert app.state.sandboxes.all() == []
        paths = [getattr(route, "path", "") for route in app.routes]
        assert not any(path.startswith(("/test", "/sandboxes")) for path in paths)
    finally:
        app.state.service.central.close()


@settings(max_examples=25, deadline=None)
@given(
    count=st.integers(1, 300),
    seed=st.integers(0, 2**63 - 1),
    zorgkassen=st.lists(st.sampled_from(ZORGKASSEN), min_size=1, unique=True),
)
def test_generated_persons_are_valid_unique_insured_and_the_same_for_a_seed(
    count: int, seed: int, zorgkassen: list[int]
) -> None:
    snapshot = generate_persons(count, seed, zorgkassen)
    assert snapshot == generate_persons(count, seed, zorgkassen)
    assert list(snapshot_problems(snapshot)) == []
    assert len({p.insz for p in snapshot.persons}) == count == len(snapshot.affiliations)
    for person in snapshot.persons:
        assert person.region == "flanders" and person.death_date is None
        assert person.cannot_affiliate is None and not person.foreign_insured
    for affiliation in snapshot.affiliations:
        assert affiliation.zorgkas in zorgkassen and affiliation.type == "official"
        assert affiliation.start == AFFILIATED_FROM and affiliation.end is None


def test_generated_persons_avoid_the_numbers_already_taken() -> None:
    first = generate_persons(50, 3, ZORGKASSEN)
    taken = frozenset(p.insz for p in first.persons)
    second = generate_persons(50, 3, ZORGKASSEN, taken)
    assert taken.isdisjoint(p.insz for p in second.persons)


def test_a_registry_that_would_grow_past_its_limit_gets_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store()
    add_generated(store, 30, 1, ZORGKASSEN)
    monkeypatch.setattr("vsb.serve.population.MAX_REGISTRY_PERSONS", 40)
    with pytest.raises(RegistryFull, match="30 persons"):
        add_generated(store, 11, 2, ZORGKASSEN)
    assert store.db.execute("SELECT count(*) FROM persons").fetchone()[0] == 30


def test_a_call_after_the_engine_closed_is_refused_and_the_app_answers_it_with_a_404(
    tmp_path: Path,
) -> None:
    central = Central(ServeConfig(db=":memory:", fixtures=None, test_control=True))
    central.close()
    with pytest.raises(CentralClosed, match="deleted"):
        central.call(central.store.mbe, "76310195930")
    app = create_app(_config(tmp_path))
    try:
        handler = app.exception_handlers[CentralClosed]
        scope = {"type": "http", "method": "GET", "path": "/sandboxes/a/v1/feed", "headers": []}
        request = Request(scope)
        response = asyncio.run(handler(request, CentralClosed("this sandbox was deleted")))
        assert response.status_code == 404
        assert b"this sandbox was deleted; nothing was processed" in response.body
    finally:
        app.state.service.central.close()


def test_a_shipment_reaching_a_deleted_sandbox_gets_the_deleted_answer_not_a_file_error(
    tmp_path: Path,
) -> None:
    # A sandbox's delete closes the engine, then removes the file its snapshots open.
    config = ServeConfig(db=str(tmp_path / "s.sqlite"), fixtures=None, test_control=True)
    central = Central(config)
    central.close()
    for path in tmp_path.glob("s.sqlite*"):
        path.unlink()
    with pytest.raises(CentralClosed, match="deleted"):
        asyncio.run(central.handle({"kind": "shipment"}, "76310195930"))


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """Switch on (True) or off a full disk for the files a sandbox writes its manifest to."""
    write_text = Path.write_text
    full = {"on": False}

    def write(path: Path, text: str, *args: Any, **kwargs: Any) -> int:
        if full["on"] and path.name.endswith(".json.new"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return write_text(path, text, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write)
    return lambda on: full.update(on=on)


def _assert_not_saved(answer: Any, manifest: Path) -> None:
    assert answer.status_code == 507, answer.text
    problem = answer.json()
    assert problem["type"].endswith("sandbox-storage")
    assert str(manifest) in problem["detail"] and "No space left on device" in problem["detail"]
    assert problem["errors"][0]["rule"] == "sandbox-storage"


def test_a_clock_a_sandbox_cannot_save_is_a_507_naming_the_file_and_changes_nothing(
    tmp_path: Path, disk_full: Callable[[bool], None]
) -> None:
    with TestClient(create_app(_config(tmp_path)), raise_server_exceptions=False) as client:
        body = {"name": "a", "mbes": ["76310195930"], "clock": "2024-03-10"}
        assert client.post("/test/sandboxes", json=body).status_code == 200
        manifest = tmp_path / "c.sandboxes" / "a.json"
        saved = manifest.read_text()
        disk_full(True)
        answer = client.put("/sandboxes/a/test/clock", json={"now": "2024-05-01T10:00:00Z"})
        _assert_not_saved(answer, manifest)
        assert client.get("/sandboxes/a/test/clock").json()["now"].startswith("2024-03-10")
        assert manifest.read_text() == saved
        assert not manifest.with_suffix(".json.new").exists()
        disk_full(False)
        answer = client.put("/sandboxes/a/test/clock", json={"now": "2024-05-01T10:00:00Z"})
        assert answer.status_code == 200
        assert json.loads(manifest.read_text())["clock"].startswith("2024-05-01")


def test_a_sandbox_that_cannot_save_its_manifest_is_a_507_and_is_not_created(
    tmp_path: Path, disk_full: Callable[[bool], None]
) -> None:
    with TestClient(create_app(_config(tmp_path)), raise_server_exceptions=False) as client:
        disk_full(True)
        answer = client.post("/test/sandboxes", json={"name": "a", "mbes": ["76310195930"]})
        _assert_not_saved(answer, tmp_path / "c.sandboxes" / "a.json")
        assert client.get("/test/sandboxes").json()["items"] == []
        assert list((tmp_path / "c.sandboxes").iterdir()) == []


def test_the_openapi_document_declares_the_507_of_a_sandbox_that_cannot_save() -> None:
    document = build_document(billing=True, test_control=True)
    for path, method in (("/test/clock", "put"), ("/test/sandboxes", "post")):
        responses = document["paths"][path][method]["responses"]
        assert responses["507"] == {"$ref": "#/components/responses/E507"}
    assert "manifest" in document["components"]["responses"]["E507"]["description"]
