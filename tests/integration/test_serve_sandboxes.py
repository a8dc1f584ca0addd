"""Sandboxes per vendor in one `vsb serve`, over real HTTP on loopback: each with its own
store, clock, registry and identities, managed through test control (issue 11)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.adapters.http import HttpCentral
from tests.integration.conftest import (
    MBE,
    OTHER_MBE,
    START,
    Caller,
    LiveServer,
    request_message,
    status_query,
)
from tests.integration.test_conformance_http import REGISTRY
from tests.integration.test_serve_load import shipment
from vsb.identifiers import validate_insz
from vsb.mbes import Mbe

INSZ_180 = "48031402205"


def create(server: LiveServer, name: str, **body: Any) -> httpx.Response:
    """POST /test/sandboxes for MBE and staff 180:s1 (the body's keys replace those)."""
    return server.client.post(
        "/test/sandboxes", json={"name": name, "mbes": [MBE], "staff": ["180:s1"], **body}
    )


class InSandbox(Caller):
    """A caller whose every path is under /sandboxes/<name>."""

    def __init__(self, caller: Caller, name: str) -> None:
        super().__init__(caller.client, caller.identity)
        self.prefix = f"/sandboxes/{name}"

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return super().post(self.prefix + path, body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return super().get(self.prefix + path, **kwargs)


def in_sandbox(caller: Caller, name: str) -> Caller:
    """The same caller, with every path under /sandboxes/<name>."""
    return InSandbox(caller, name)


def clock_of(server: LiveServer, prefix: str = "") -> str:
    now: str = server.client.get(f"{prefix}/test/clock").json()["now"]
    return now


def open_begeleiding(mbe: Caller, message_id: str = "r-1") -> str:
    answer = mbe.post("/v1/requests", request_message(INSZ_180, message_id)).json()
    assert answer["outcome"] == "accepted", answer
    reference: str = answer["vsbReference"]
    return reference


def march_shipment(reference: str, message_id: str, send: str) -> dict[str, Any]:
    return {**shipment([(INSZ_180, reference)], message_id), "sendDate": send}


def test_two_sandboxes_with_their_own_clocks_both_accept_a_shipment_of_one_mbe_zorgkas_and_month(
    server: LiveServer,
) -> None:
    assert create(server, "vendor-a", clock="2024-03-10").status_code == 200
    assert create(server, "vendor-b", clock="2024-03-20T10:00:00+01:00").status_code == 200
    verdicts, references = {}, {}
    for name, day in (("vendor-a", "2024-03-10"), ("vendor-b", "2024-03-20")):
        assert clock_of(server, f"/sandboxes/{name}").startswith(day)
        mbe = in_sandbox(server.mbe(), name)
        references[name] = reference = open_begeleiding(mbe)
        answer = mbe.post("/v1/shipments", march_shipment(reference, "s-1", day))
        assert answer.status_code == 200
        verdicts[name] = answer.json()
    for settlement in verdicts.values():
        assert settlement["kind"] == "settlement"
        assert settlement["status"] == "processing", settlement
        assert settlement["invoices"][0]["status"] == "accepted", settlement
    # In one sandbox the rule still holds: a second shipment that month is refused.
    mbe = in_sandbox(server.mbe(), "vendor-a")
    second = march_shipment(references["vendor-a"], "s-2", "2024-03-10")
    again = mbe.post("/v1/shipments", second).json()
    assert again["status"] == "refused"
    assert "REQ-BL-ONE-PER-MONTH" in [error["requirement"] for error in again["errors"]]


def test_setting_one_sandboxs_clock_moves_neither_the_other_nor_the_default(
    server: LiveServer,
) -> None:
    create(server, "a", clock="2024-03-10")
    create(server, "b", clock="2024-03-10")
    default_before = clock_of(server)
    moved = server.client.put("/sandboxes/a/test/clock", json={"now": "2024-07-01T09:00:00+02:00"})
    assert moved.status_code == 200
    assert clock_of(server, "/sandboxes/a").startswith("2024-07-01")
    assert clock_of(server, "/sandboxes/b").startswith("2024-03-10")
    assert clock_of(server) == default_before
    assert server.client.get("/test/sandboxes/a").json()["clock"] == "fixed"


def test_a_sandbox_created_without_a_clock_follows_the_real_one_until_set(
    server: LiveServer,
) -> None:
    info = create(server, "real").json()
    assert info["clock"] == "real"
    now = dt.datetime.fromisoformat(info["now"])
    assert abs(now - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    server.client.put("/sandboxes/real/test/clock", json={"now": "2024-03-10T09:00:00+01:00"})
    assert server.client.get("/test/sandboxes/real").json()["clock"] == "fixed"


def test_resetting_one_sandbox_forgets_its_messages_and_leaves_the_other(
    server: LiveServer,
) -> None:
    for name in ("a", "b"):
        create(server, name, clock="2024-03-10")
        open_begeleiding(in_sandbox(server.mbe(), name))
    answer = server.client.post("/test/sandboxes/a/reset", json={})
    assert answer.json() == {"reset": True, "fixtures": True}
    assert open_begeleiding(in_sandbox(server.mbe(), "a"), "r-after-reset")  # forgotten
    again = in_sandbox(server.mbe(), "b").post("/v1/requests", request_message(INSZ_180, "r-other"))
    assert again.json()["outcome"] == "refused"  # b still has its begeleiding


def test_deleting_one_sandbox_removes_it_and_its_files_and_leaves_the_other(
    serve: Callable[..., LiveServer], tmp_path: Path
) -> None:
    server = serve(db=str(tmp_path / "central.sqlite"))
    create(server, "a", clock="2024-03-10")
    create(server, "b", clock="2024-03-10")
    folder = tmp_path / "central.sandboxes"
    assert (folder / "a.sqlite").is_file() and (folder / "a.json").is_file()
    deleted = server.client.delete("/test/sandboxes/a")
    assert deleted.status_code == 200 and deleted.json()["name"] == "a"
    assert not any(path.name.startswith("a.") for path in folder.iterdir())
    assert server.client.get("/test/sandboxes/a").status_code == 404
    gone = in_sandbox(server.mbe(), "a").post("/v1/insurance-status", status_query(INSZ_180, "q"))
    assert gone.status_code == 404 and "'a'" in gone.json()["detail"]
    assert [s["name"] for s in server.client.get("/test/sandboxes").json()["items"]] == ["b"]
    assert open_begeleiding(in_sandbox(server.mbe(), "b"))


def test_sandboxes_survive_a_restart_with_their_state_and_clock(
    serve: Callable[..., LiveServer], tmp_path: Path
) -> None:
    db = str(tmp_path / "central.sqlite")
    first = serve(db=db)
    create(first, "kept", clock="2024-03-10")
    first.client.put("/sandboxes/kept/test/clock", json={"now": "2024-03-12T09:00:00+01:00"})
    reference = open_begeleiding(in_sandbox(first.mbe(), "kept"))
    first.stop()
    second = serve(db=db)
    assert [s["name"] for s in second.client.get("/test/sandboxes").json()["items"]] == ["kept"]
    assert clock_of(second, "/sandboxes/kept").startswith("2024-03-12")
    mbe = in_sandbox(second.mbe(), "kept")
    repeated = mbe.post("/v1/requests", request_message(INSZ_180, "r-1")).json()
    assert repeated["vsbReference"] == reference  # the same message, the same answer


def test_an_mbe_not_given_to_a_sandbox_is_refused_with_a_403_naming_both(
    server: LiveServer,
) -> None:
    create(server, "vendor-a", clock="2024-03-10")
    answer = in_sandbox(server.mbe(OTHER_MBE), "vendor-a").post(
        "/v1/insurance-status", status_query(INSZ_180, "q-1", OTHER_MBE)
    )
    assert answer.status_code == 403
    problem = answer.json()
    assert OTHER_MBE in problem["detail"] and "vendor-a" in problem["detail"]
    assert problem["errors"][0]["rule"] == "sandbox-identity"


def test_staff_not_given_to_a_sandbox_is_refused_and_staff_given_is_served(
    server: LiveServer,
) -> None:
    create(server, "vendor-a", clock="2024-03-10")
    given = in_sandbox(server.staff(180), "vendor-a").get("/v1/zorgkassen/180/reviews")
    assert given.status_code == 200
    other = in_sandbox(server.staff(280), "vendor-a").get("/v1/zorgkassen/280/reviews")
    assert other.status_code == 403
    assert "staff:280:s1" in other.json()["detail"]


def test_the_default_sandbox_still_serves_every_identity_and_keeps_its_clock(
    server: LiveServer,
) -> None:
    create(server, "vendor-a", clock="2024-03-15")
    assert clock_of(server).startswith(START.date().isoformat())
    for hco in (MBE, OTHER_MBE):
        answer = server.mbe(hco).post("/v1/insurance-status", status_query(INSZ_180, "q", hco))
        assert answer.status_code == 200 and answer.json()["status"] == "affiliated"
    # The sandbox's begeleiding is not the default's, nor the other way round.
    open_begeleiding(in_sandbox(server.mbe(), "vendor-a"))
    assert open_begeleiding(server.mbe())


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": "Vendor"}, "/name"),
        ({"name": "-vendor"}, "/name"),
        ({"name": "a" * 33}, "/name"),
        ({"name": "a/b"}, "/name"),
        ({"name": ""}, "/name"),
        ({"mbes": []}, "/mbes"),
        ({"mbes": ["123"]}, "/mbes/0"),
        ({"staff": ["999:s1"]}, "/staff/0"),
        ({"clock": "2024-02-30"}, "/clock"),
        ({"clock": "tomorrow"}, "/clock"),
        ({"fixtures": "yes"}, "/fixtures"),
        ({"colour": "blue"}, ""),
    ],
)
def test_a_bad_sandbox_body_is_a_422_naming_the_field_and_creates_nothing(
    server: LiveServer, body: dict[str, Any], pointer: str
) -> None:
    answer = server.client.post("/test/sandboxes", json={"name": "ok", "mbes": [MBE], **body})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert pointer in [error["pointer"] for error in answer.json()["errors"]]
    assert server.client.get("/test/sandboxes").json()["items"] == []


def test_a_taken_name_and_one_sandbox_too_many_are_409_problems(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(max_sandboxes=1)
    assert create(server, "one").status_code == 200
    taken = create(server, "one")
    assert taken.status_code == 409 and taken.json()["errors"][0]["pointer"] == "/name"
    full = create(server, "two")
    assert full.status_code == 409 and "--max-sandboxes" in full.json()["detail"]


def test_an_unknown_sandbox_is_a_404_problem(server: LiveServer) -> None:
    for answer in (
        server.client.get("/test/sandboxes/nobody"),
        server.client.delete("/test/sandboxes/nobody"),
        server.client.get("/sandboxes/nobody/test/clock"),
        server.mbe().get("/sandboxes/nobody/v1/feed"),
    ):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"


def test_with_a_test_control_token_sandboxes_need_it_before_anything_else(
    serve: Callable[..., LiveServer],
) -> None:
    token = "sandbox-token-0123456789abcdef"
    server = serve(test_control_token=token)
    assert create(server, "a").status_code == 401
    assert server.client.get("/sandboxes/nobody/test/clock").status_code == 401
    authorised = server.client.post(
        "/test/sandboxes",
        json={"name": "a", "mbes": [MBE]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert authorised.status_code == 200


def test_a_generated_pool_is_valid_insured_and_the_same_for_the_same_seed(
    server: LiveServer,
) -> None:
    pools = []
    for name in ("a", "b"):
        create(server, name, clock="2024-03-10")
        answer = server.client.post(
            f"/sandboxes/{name}/test/registry/generate",
            json={"persons": 200, "seed": 7, "zorgkassen": [280, 680]},
        )
        assert answer.status_code == 200, answer.text
        pools.append(answer.json())
    assert pools[0] == pools[1]
    persons = pools[0]["persons"]
    assert len({p["insz"] for p in persons}) == 200 == pools[0]["generated"]
    assert {p["zorgkas"] for p in persons} == {280, 680}
    for person in persons:
        info = validate_insz(person["insz"])
        assert (info.birth_date.isoformat(), info.sex) == (person["birthDate"], person["sex"])
    first = persons[0]
    status = in_sandbox(server.mbe(), "a").post(
        "/v1/insurance-status", status_query(first["insz"], "q-gen")
    )
    assert status.json()["status"] == "affiliated"
    assert status.json()["zorgkas"] == first["zorgkas"]
    other_seed = server.client.post(
        "/sandboxes/b/test/registry/generate", json={"persons": 200, "seed": 8}
    ).json()
    assert {p["insz"] for p in other_seed["persons"]} != {p["insz"] for p in persons}


def test_generating_more_persons_than_the_setting_is_a_422_naming_persons(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(max_generated_persons=10)
    answer = server.client.post("/test/registry/generate", json={"persons": 11})
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["pointer"] == "/persons" and "--max-generated-persons" in error["message"]
    negative = server.client.post("/test/registry/generate", json={"persons": 0})
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["pointer"] == "/persons"


def test_a_harness_drives_a_sandbox_through_its_base_url_as_it_drives_a_service(
    server: LiveServer, pki: Path
) -> None:
    create(server, "harness", mbes=[MBE, OTHER_MBE])
    central = HttpCentral(f"{server.url}/sandboxes/harness", ca=str(pki / "ca"), cert_dir=str(pki))
    try:
        central.reset()
        central.set_clock(dt.datetime(2024, 5, 2, 9))
        central.load_registry(REGISTRY)
        central.load_mbes([Mbe(MBE, "MBE Gent", "", "", 1, True)])
        reply = central.send(MBE, status_query(INSZ_180, "q-1"))
        assert reply.status == 200 and reply.body["status"] == "affiliated"
        refused = central.send(OTHER_MBE, status_query(INSZ_180, "q-2", OTHER_MBE))
        assert (refused.status, refused.body["requirement"]) == (403, "REQ-MBE-KNOWN")
    finally:
        central.close()
    assert clock_of(server, "/sandboxes/harness").startswith("2024-05-02")
    assert clock_of(server).startswith(START.date().isoformat())  # the default: untouched
    default = server.mbe(OTHER_MBE).post(
        "/v1/insurance-status", status_query(INSZ_180, "q-3", OTHER_MBE)
    )
    assert default.json()["status"] == "affiliated"
