"""The HTTP driver interface in process: `HttpDriver` against `driver_server` (no sockets)."""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from starlette.testclient import TestClient

from conformance.mbe.driver import (
    Contact,
    DriverError,
    Medical,
    Patient,
    Session,
    Start,
    StopReport,
)
from conformance.mbe.driver_bodies import PERFORM
from conformance.mbe.driver_openapi import ACTIONS, CONTRACT, build_document
from conformance.mbe.driver_server import create_driver_app
from conformance.mbe.http_driver import HttpDriver

ROOT = Path(__file__).resolve().parents[3]
INSZ = "48031402205"
START = Start(
    INSZ,
    dt.date(2024, 3, 1),
    Medical("Dr. Jan Claes", "11234578003", "onco-lung", "gp", "home-with-family"),
    Contact("An Peeters", "+32 9 123 45 67"),
    "work",
)
STOP = StopReport(
    dt.date(2024, 3, 20),
    "death",
    "home",
    None,
    (("home-visit", 4),),
    (("gp", "consultation", 2),),
)


class Recorder:
    """A driver that keeps every call; `cancel` refuses and `stop` breaks."""

    instances: ClassVar[list[Recorder]] = []

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.files: dict[str, tuple[str, int, int]] = {}
        Recorder.instances.append(self)

    def open(self, session: Session) -> None:
        self.calls.append(("open", (session.hco, session.url, session.audience)))
        for path in (session.certificate, session.key):
            if path:
                mode = stat.S_IMODE(Path(path).stat().st_mode)
                folder = stat.S_IMODE(Path(path).parent.stat().st_mode)
                self.files[path] = (Path(path).read_text("utf-8"), mode, folder)

    def __getattr__(self, name: str) -> Any:
        if name not in PERFORM:
            raise AttributeError(name)

        def action(*args: Any) -> Any:
            self.calls.append((name, args))
            if name == "cancel":
                raise DriverError("no begeleiding to cancel")
            if name == "stop":
                raise KeyError("boom")
            return ["85073003328"] if name == "billed_to_health_insurer" else None

        return action


@pytest.fixture
def client() -> Iterator[TestClient]:
    Recorder.instances.clear()
    app = create_driver_app(Recorder, "recorder", "1.0")
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _driver(client: TestClient) -> HttpDriver:
    driver = HttpDriver("http://testserver")
    driver.client = client
    return driver


def _session(tmp_path: Path) -> Session:
    (tmp_path / "c.pem").write_text("CERTIFICATE", "utf-8")
    (tmp_path / "c.key").write_text("KEY", "utf-8")
    return Session(
        "76310195930", None, "http://central", str(tmp_path / "c.pem"), str(tmp_path / "c.key")
    )


def test_every_action_reaches_the_driver_with_its_values(
    client: TestClient, tmp_path: Path
) -> None:
    driver = _driver(client)
    driver.open(_session(tmp_path))
    driver.set_clock(dt.datetime(2024, 3, 1, 9, 0))
    driver.register_patient(Patient(INSZ, "An", "Conformance"))
    driver.start_begeleiding(START)
    driver.change_contact(INSZ, Contact("Piet", None))
    driver.change_accident_code(INSZ, "other")
    driver.read_feed()
    driver.run_monthly_billing()
    assert driver.billed_to_health_insurer() == ["85073003328"]
    driver.close()
    (software,) = Recorder.instances
    assert software.calls == [
        ("open", ("76310195930", "http://central", "vsb-central")),
        ("set_clock", (dt.datetime(2024, 3, 1, 9, 0),)),
        ("register_patient", (Patient(INSZ, "An", "Conformance"),)),
        ("start_begeleiding", (START,)),
        ("change_contact", (INSZ, Contact("Piet", None))),
        ("change_accident_code", (INSZ, "other")),
        ("read_feed", ()),
        ("run_monthly_billing", ()),
        ("billed_to_health_insurer", ()),
        ("close", ()),
    ]


def test_the_certificate_arrives_as_private_files_removed_at_close(
    client: TestClient, tmp_path: Path
) -> None:
    driver = _driver(client)
    driver.open(_session(tmp_path))
    (software,) = Recorder.instances
    contents = sorted((text, mode, folder) for text, mode, folder in software.files.values())
    assert contents == [("CERTIFICATE", 0o600, 0o700), ("KEY", 0o600, 0o700)]
    assert all(Path(path).exists() for path in software.files)
    driver.close()
    assert not any(Path(path).exists() for path in software.files)


def test_a_driver_error_becomes_driver_error_naming_the_action(
    client: TestClient, tmp_path: Path
) -> None:
    driver = _driver(client)
    driver.open(_session(tmp_path))
    with pytest.raises(DriverError, match=r"409: cancel: .*no begeleiding to cancel"):
        driver.cancel(INSZ)
    with pytest.raises(DriverError, match=r"500: stop: the driver failed: KeyError"):
        driver.stop(INSZ, STOP)


def test_a_failing_action_answers_a_problem_not_a_traceback(
    client: TestClient, tmp_path: Path
) -> None:
    _driver(client).open(_session(tmp_path))
    response = client.post(
        f"/driver/begeleidingen/{INSZ}/stop", json={"day": "2024-03-20", "reason": "death"}
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["action"], problem["error"]) == ("stop", "KeyError")
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("path", "body", "pointers"),
    [
        ("/driver/clock", b"{not json", [""]),
        ("/driver/clock", b"{}", ["/now"]),
        ("/driver/clock", b'{"now": "tomorrow"}', ["/now"]),
        ("/driver/patients", b'{"insz": "123", "firstName": "An"}', ["/insz", "/lastName"]),
        ("/driver/begeleidingen/12/contact", b'{"name": "Piet"}', ["/path/insz"]),
        ("/driver/open", b"[]", [""]),
    ],
)
def test_a_bad_body_answers_422_naming_every_field(
    client: TestClient, path: str, body: bytes, pointers: list[str]
) -> None:
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["pointer"] for e in response.json()["errors"]] == pointers


def test_an_action_before_open_is_refused_with_409(client: TestClient) -> None:
    response = client.post("/driver/feed/read", json={})
    assert response.status_code == 409
    assert "POST /driver/open" in response.json()["detail"]


def test_get_driver_names_the_software_and_the_contract(client: TestClient) -> None:
    info = client.get("/driver").json()
    assert info == {"name": "recorder", "version": "1.0", "contract": CONTRACT}


def test_an_unknown_path_is_a_404_problem(client: TestClient) -> None:
    response = client.post("/driver/nothing", json={})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_every_action_of_the_table_is_performed_and_documented() -> None:
    assert [a.method for a in ACTIONS] == list(PERFORM)
    document = build_document()
    assert set(document["paths"]) == {"/driver", *(a.path for a in ACTIONS)}
    text = json.dumps(document)
    for name in (n.split("/")[-1] for n in _refs(document)):
        assert name in document["components"]["schemas"], name
    assert "vsb-mbe-driver/1" in text


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_the_shipped_driver_openapi_document_is_the_built_one() -> None:
    shipped = json.loads((ROOT / "docs" / "driver-openapi.json").read_text("utf-8"))
    assert shipped == json.loads(json.dumps(build_document())), (
        "regenerate: python -m conformance.mbe.driver_openapi docs/driver-openapi.json"
    )
