"""The service over real HTTP on loopback: messages, robustness, staff actions, the feed."""

from __future__ import annotations

import concurrent.futures
import json
from typing import Any

from tests.integration.conftest import (
    MBE,
    OTHER_MBE,
    LiveServer,
    request_message,
    status_query,
)

INSZ_180 = "48031402205"
INSZ_180_B = "52110202319"
CAN_AFFILIATE = "90070706515"
VOLATILE = ("answerId", "inReplyTo", "answeredAt")


def _stable(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k not in VOLATILE}


def test_insurance_status_answers_the_registry(server: LiveServer) -> None:
    response = server.mbe().post("/v1/insurance-status", status_query(INSZ_180, "q-1"))
    assert response.status_code == 200
    assert response.json()["status"] == "affiliated"
    assert response.json()["zorgkas"] == 180


def test_request_is_accepted_with_a_reference(server: LiveServer) -> None:
    answer = server.mbe().post("/v1/requests", request_message(INSZ_180, "r-1")).json()
    assert answer["outcome"] == "accepted"
    assert answer["vsbReference"].startswith("VSB-2024-")


def test_business_refusal_is_a_200_answer_not_a_problem(server: LiveServer) -> None:
    late = request_message(INSZ_180, "r-late", start="2024-01-02")
    response = server.mbe().post("/v1/requests", late)
    assert response.status_code == 200
    assert response.json()["outcome"] == "refused"


def test_same_message_id_gets_the_identical_answer_and_is_processed_once(
    server: LiveServer,
) -> None:
    caller = server.mbe()
    first = caller.post("/v1/requests", request_message(INSZ_180, "r-twice")).json()
    second = caller.post("/v1/requests", request_message(INSZ_180, "r-twice")).json()
    assert first == second
    other = caller.post("/v1/requests", request_message(INSZ_180, "r-third")).json()
    assert other["outcome"] == "refused"  # the begeleiding exists once, not twice


def test_concurrent_messages_for_one_begeleiding_are_processed_one_at_a_time(
    server: LiveServer,
) -> None:
    caller = server.mbe()
    reference = caller.post("/v1/requests", request_message(INSZ_180, "r-c")).json()["vsbReference"]
    cancels = [
        {"kind": "cancel-request", "messageId": f"c-{i}", "mbe": MBE, "vsbReference": reference}
        for i in range(8)
    ]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda m: caller.post("/v1/changes", m).json(), cancels))
    assert sorted(a["outcome"] for a in answers).count("accepted") == 1


def test_malformed_json_is_a_400_problem_naming_the_rule(server: LiveServer) -> None:
    response = server.mbe().post(
        "/v1/requests", content=b'{"kind": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["errors"][0]["rule"] == "json"
    assert problem["instance"] == "/v1/requests"


def test_duplicate_members_are_malformed_json(server: LiveServer) -> None:
    body = b'{"kind": "request", "kind": "request"}'
    response = server.mbe().post(
        "/v1/requests", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "twice" in response.json()["detail"]


def test_schema_violation_is_a_422_naming_field_and_rule(server: LiveServer) -> None:
    message = request_message(INSZ_180, "r-bad")
    message["begeleiding"]["startDate"] = "4 March"
    response = server.mbe().post("/v1/requests", message)
    assert response.status_code == 422
    problem = response.json()
    assert problem["requirement"] == "REQ-MSG-SCHEMA"
    assert {"pointer": "/begeleiding/startDate", "rule": "pattern"}.items() <= problem["errors"][
        0
    ].items() or problem["errors"][0]["pointer"] == "/begeleiding/startDate"


def test_wrong_kind_for_the_endpoint_is_a_422_on_kind(server: LiveServer) -> None:
    response = server.mbe().post("/v1/requests", status_query(INSZ_180, "q-x"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/kind"


def test_wrong_content_type_is_a_415_problem(server: LiveServer) -> None:
    response = server.mbe().post(
        "/v1/requests", content=b"{}", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["rule"] == "content-type"


def test_oversized_body_is_a_413_problem(serve: Any) -> None:
    small = serve(max_body=1000)
    message = request_message(INSZ_180, "r-big")
    message["begeleiding"]["contactPerson"]["name"] = "x" * 2000
    response = small.mbe().post("/v1/requests", message)
    assert response.status_code == 413
    assert response.json()["errors"][0]["rule"] == "max-body"


def test_another_mbes_reference_gets_the_answer_of_an_unknown_one(server: LiveServer) -> None:
    reference = (
        server.mbe().post("/v1/requests", request_message(INSZ_180, "r-own")).json()["vsbReference"]
    )
    other = server.mbe(OTHER_MBE)

    def cancel(ref: str, message_id: str) -> dict[str, Any]:
        body = {
            "kind": "cancel-request",
            "messageId": message_id,
            "mbe": OTHER_MBE,
            "vsbReference": ref,
        }
        return other.post("/v1/changes", body).json()

    foreign = cancel(reference, "x-1")
    unknown = cancel("VSB-2024-0999999", "x-2")
    assert foreign["outcome"] == "refused"
    assert json.dumps(_stable(foreign)).replace(reference, "R") == json.dumps(
        _stable(unknown)
    ).replace("VSB-2024-0999999", "R")


def test_review_decision_reaches_the_mbe_feed(server: LiveServer) -> None:
    mbe = server.mbe()
    answer = mbe.post("/v1/requests", request_message(CAN_AFFILIATE, "r-rv")).json()
    assert answer["outcome"] == "under-review"
    zorgkas = answer["review"]["zorgkas"]
    staff = server.staff(zorgkas)
    queue = staff.get(f"/v1/zorgkassen/{zorgkas}/reviews").json()["items"]
    review = next(item for item in queue if item["messageId"] == "r-rv")
    decision = staff.post(
        f"/v1/zorgkassen/{zorgkas}/reviews/{review['reviewId']}/decision",
        {"outcome": "refused", "reason": "not affiliated in time"},
    )
    assert decision.status_code == 200
    feed = mbe.get("/v1/feed", params={"after": 0}).json()
    assert [item["message"]["inReplyTo"] for item in feed["items"]] == ["r-rv"]
    assert mbe.get("/v1/feed", params={"after": feed["next"]}).json()["items"] == []
    assert server.mbe(OTHER_MBE).get("/v1/feed").json()["items"] == []
    again = staff.post(
        f"/v1/zorgkassen/{zorgkas}/reviews/{review['reviewId']}/decision", {"outcome": "accepted"}
    )
    assert again.status_code == 409
    assert again.json()["requirement"] == "REQ-RV-FINAL-DECISION"


def test_a_review_of_another_zorgkas_is_not_found(server: LiveServer) -> None:
    answer = server.mbe().post("/v1/requests", request_message(CAN_AFFILIATE, "r-z")).json()
    zorgkas = answer["review"]["zorgkas"]
    queue = server.staff(zorgkas).get(f"/v1/zorgkassen/{zorgkas}/reviews").json()["items"]
    other = 280 if zorgkas != 280 else 380
    response = server.staff(other).post(
        f"/v1/zorgkassen/{other}/reviews/{queue[0]['reviewId']}/decision", {"outcome": "accepted"}
    )
    assert response.status_code == 404
    missing = server.staff(other).post(
        f"/v1/zorgkassen/{other}/reviews/999999/decision", {"outcome": "accepted"}
    )
    assert missing.json()["detail"].replace("999999", "N") == response.json()["detail"].replace(
        str(queue[0]["reviewId"]), "N"
    )


def test_test_control_sets_the_clock_and_resets(server: LiveServer) -> None:
    control = server.caller(None)
    assert (
        control.put("/test/clock", {"now": "2024-06-01T10:00:00+02:00"})
        .json()["now"]
        .startswith("2024-06-01")
    )
    server.mbe().post("/v1/requests", request_message(INSZ_180, "r-before-reset"))
    assert control.post("/test/reset", {"fixtures": True}).status_code == 200
    answer = server.mbe().post("/v1/insurance-status", status_query(INSZ_180, "q-after"))
    assert answer.json()["status"] == "affiliated"


def test_test_control_loads_persons_and_mbes(server: LiveServer) -> None:
    control = server.caller(None)
    registry = {
        "persons": [
            {"insz": INSZ_180, "lastName": "A", "firstName": "B", "sex": "F", "region": "flanders"}
        ],
        "affiliations": [],
    }
    assert control.put("/test/registry", registry).json() == {"persons": 1, "affiliations": 0}
    answer = server.mbe().post("/v1/insurance-status", status_query(INSZ_180_B, "q-gone"))
    assert answer.json()["status"] == "unknown-person"
    mbes = {"mbes": [{"hco": MBE, "name": "PHA", "cotDeclaration": False}]}
    assert control.post("/test/mbes", mbes).status_code == 200
    refused = server.mbe().post("/v1/insurance-status", status_query(INSZ_180, "q-cot"))
    assert refused.status_code == 403
    assert refused.json()["requirement"] == "REQ-MBE-COT"


def test_without_test_control_there_are_no_test_endpoints(serve: Any) -> None:
    plain = serve(test_control=False, start_clock=None)
    assert plain.caller(None).post("/test/reset", {}).status_code == 404
    document = plain.client.get("/openapi.json").json()
    assert not any(path.startswith("/test/") for path in document["paths"])


def test_openapi_document_bundles_the_schema_files_and_serves_them(server: LiveServer) -> None:
    document = server.client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    body = document["paths"]["/v1/requests"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/request"}
    assert "request" in document["components"]["schemas"]
    assert "test-control" in [tag["name"] for tag in document["tags"]]
    schema = server.client.get("/schemas/request.schema.json").json()
    assert schema["$id"] == "https://vsb-harness.example/schemas/request.schema.json"


def test_dev_tokens_work_only_when_switched_on(serve: Any) -> None:
    token = {"Authorization": f"Bearer dev:{MBE}"}
    strict = serve()
    assert strict.client.get("/v1/feed", headers=token).status_code == 401
    loose = serve(insecure_dev_tokens=True)
    assert loose.client.get("/v1/feed", headers=token).status_code == 200


def test_test_control_refuses_a_registry_that_breaks_the_registry_rules(
    server: LiveServer,
) -> None:
    control = server.caller(None)
    person = {"insz": INSZ_180, "lastName": "A", "firstName": "B", "sex": "U", "region": "flanders"}
    broken = {
        "persons": [person, {**person, "insz": "85073003327"}],
        "affiliations": [
            {"insz": INSZ_180_B, "zorgkas": 180, "type": "official", "start": "2024-01-01"}
        ],
    }
    answer = control.put("/test/registry", broken)
    assert answer.status_code == 409
    found = {(e["pointer"], e["rule"]) for e in answer.json()["errors"]}
    assert found == {("/persons/1/insz", "insz"), ("/affiliations/0/insz", "unknown-person")}
    # nothing was loaded: the fixture person is still known
    status = server.mbe().post("/v1/insurance-status", status_query(INSZ_180, "q-kept"))
    assert status.json()["status"] == "affiliated"


def test_a_shipment_breaking_its_schema_is_a_422_naming_the_billing_schema_rule(
    server: LiveServer,
) -> None:
    shipment = {"kind": "shipment", "messageId": "s-bad", "mbe": MBE, "zorgkas": 180}
    response = server.mbe().post("/v1/shipments", shipment)
    assert response.status_code == 422
    assert response.json()["requirement"] == "REQ-BL-SCHEMA"
