"""`POST /oauth/token`: a client assertion buys a bearer access token that stands for the same
identity, with the same authorization, on every endpoint until it expires (issue 11)."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from tests.integration.conftest import MBE, OTHER_MBE, LiveServer, status_query
from vsb.serve.certs import ClientIdentity
from vsb.serve.config import DEFAULT_AUDIENCE
from vsb.serve.openapi import build_document
from vsb.serve.token import ASSERTION_TYPE

DOCUMENT = build_document(True, True)


def _valid(component: str, body: Any) -> bool:
    root = {"$ref": f"#/components/schemas/{component}", "components": DOCUMENT["components"]}
    return Draft202012Validator(root).is_valid(body)


def _form(server: LiveServer, stem: str, **changes: str) -> dict[str, str]:
    assertion = ClientIdentity.load(server.pki / stem).assertion(DEFAULT_AUDIENCE)
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v != "<none>"}


def _token(server: LiveServer, stem: str = f"mbe-{MBE}") -> str:
    answer = server.client.post("/oauth/token", data=_form(server, stem))
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_client_assertion_buys_an_rfc_6749_token_answer(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(token_lifetime=120)
    answer = server.client.post("/oauth/token", data=_form(server, f"mbe-{MBE}"))
    assert answer.status_code == 200
    body = answer.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 120)
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"] == "application/json"
    assert _valid("TokenAnswer", body)
    secret = body["access_token"].removeprefix("vsbat_")
    assert len(base64.urlsafe_b64decode(secret + "=")) == 32  # 256 random bits
    assert _token(server) != body["access_token"]


def test_the_token_stands_for_the_mbe_on_every_call_for_its_lifetime(server: LiveServer) -> None:
    token = _token(server)
    for _ in range(3):  # not single-use
        assert server.client.get("/v1/feed", headers=_bearer(token)).status_code == 200
    query = status_query("48031402205", "token-q1")
    answered = server.client.post("/v1/insurance-status", json=query, headers=_bearer(token))
    assert answered.status_code == 200
    assert answered.json()["kind"] == "insurance-status-answer"


def test_the_token_carries_the_same_authorization_as_the_assertion(server: LiveServer) -> None:
    mbe, staff = _token(server), _token(server, "staff-180-s1")
    assert (
        server.client.get("/v1/zorgkassen/180/reviews", headers=_bearer(staff)).status_code == 200
    )
    refusals = [
        ("/v1/zorgkassen/180/reviews", mbe, "staff-identity"),
        ("/v1/zorgkassen/280/reviews", staff, "staff-zorgkas"),
        ("/v1/feed", staff, "mbe-identity"),
    ]
    for path, token, rule in refusals:
        answer = server.client.get(path, headers=_bearer(token))
        assert answer.status_code == 403, path
        assert answer.json()["errors"][0]["rule"] == rule
    other = status_query("48031402205", "token-q2", mbe=OTHER_MBE)
    sent = server.client.post("/v1/insurance-status", json=other, headers=_bearer(mbe))
    assert sent.status_code == 403
    assert sent.json()["requirement"] == "REQ-MBE-CERTIFICATE"


def test_the_per_call_assertion_stays_accepted_beside_tokens(server: LiveServer) -> None:
    _token(server)
    assert server.mbe().get("/v1/feed").status_code == 200


def test_an_expired_token_is_refused_naming_the_rule(serve: Callable[..., LiveServer]) -> None:
    server = serve(token_lifetime=1)
    token = _token(server)
    assert server.client.get("/v1/feed", headers=_bearer(token)).status_code == 200
    time.sleep(1.1)
    answer = server.client.get("/v1/feed", headers=_bearer(token))
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["rule"] == "access-token"
    assert answer.headers["www-authenticate"] == 'Bearer realm="vsb"'


def test_a_guessed_token_is_refused(server: LiveServer) -> None:
    token = _token(server)
    guessed = token[:-1] + ("A" if token[-1] != "A" else "B")
    answer = server.client.get("/v1/feed", headers=_bearer(guessed))
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["rule"] == "access-token"


def test_a_token_does_not_survive_a_restart_of_the_service(
    serve: Callable[..., LiveServer], tmp_path: Any
) -> None:
    database = str(tmp_path / "kept.sqlite")
    first = serve(db=database)
    token = _token(first)
    first.stop()
    again = serve(db=database)  # the same state, a new process's memory
    assert again.client.get("/v1/feed", headers=_bearer(token)).status_code == 401
    assert again.mbe().get("/v1/feed").status_code == 200


def _tampered(server: LiveServer) -> str:
    assertion = _form(server, f"mbe-{MBE}")["client_assertion"]
    head, payload, signature = assertion.split(".")
    return f"{head}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"


REFUSALS: list[tuple[str, dict[str, str], dict[str, str], int, str, str]] = [
    ("no grant type", {"grant_type": "<none>"}, {}, 400, "invalid_request", "grant_type"),
    ("password grant", {"grant_type": "password"}, {}, 400, "unsupported_grant_type", "4.4"),
    ("repeated", {}, {"repeat": "1"}, 400, "invalid_request", "more than once"),
    ("unknown", {"audience": "x"}, {}, 400, "invalid_request", "'audience'"),
    ("scope", {"scope": "read"}, {}, 400, "invalid_scope", "no scopes"),
    ("empty assertion", {"client_assertion": ""}, {}, 400, "invalid_request", "client_assertion"),
    ("long assertion", {"client_assertion": "a" * 16385}, {}, 400, "invalid_request", "longer"),
    ("empty form", {}, {"empty": "1"}, 400, "invalid_request", "grant_type is required"),
    (
        "no client authentication",
        {"client_assertion_type": "<none>", "client_assertion": "<none>"},
        {},
        401,
        "invalid_client",
        "no client authentication",
    ),
    ("other type", {"client_assertion_type": "saml"}, {}, 401, "invalid_client", "private_key"),
    ("client secret", {"client_secret": "s"}, {}, 401, "invalid_client", "client secret"),
    ("basic", {}, {"basic": "1"}, 401, "invalid_client", "HTTP Basic"),
    ("not a JWS", {"client_assertion": "abc"}, {}, 401, "invalid_client", "assertion-format"),
    ("tampered", {}, {"tamper": "1"}, 401, "invalid_client", "rule signature"),
    ("replayed", {}, {"replay": "1"}, 401, "invalid_client", "rule replay"),
    ("client_id", {"client_id": OTHER_MBE}, {}, 401, "invalid_client", "client_id"),
    ("json", {}, {"json": "1"}, 400, "invalid_request", "Content-Type"),
]


@pytest.mark.parametrize(
    ("changes", "how", "status", "error", "says"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_a_refused_token_request_gets_an_rfc_6749_error_naming_the_rule(
    server: LiveServer,
    changes: dict[str, str],
    how: dict[str, str],
    status: int,
    error: str,
    says: str,
) -> None:
    form = _form(server, f"mbe-{MBE}", **changes)
    if "tamper" in how:
        form["client_assertion"] = _tampered(server)
    if "replay" in how:
        headers = {"Authorization": f"Bearer {form['client_assertion']}"}
        assert server.client.get("/v1/feed", headers=headers).status_code == 200
    kwargs: dict[str, Any] = {"data": form}
    if "repeat" in how:
        kwargs = {"content": str(httpx.QueryParams(form).add("grant_type", "client_credentials"))}
        kwargs["headers"] = {"content-type": "application/x-www-form-urlencoded"}
    if "basic" in how:
        kwargs["headers"] = {"Authorization": "Basic dXNlcjpwYXNz"}
    if "json" in how:
        kwargs = {"json": form}
    if "empty" in how:
        kwargs = {"content": b"", "headers": {"content-type": "application/x-www-form-urlencoded"}}
    answer = server.client.post("/oauth/token", **kwargs)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["error"] == error and says in body["error_description"]
    assert _valid("OAuthError", body)
    assert answer.headers["cache-control"] == "no-store"
    if status == 401:
        assert answer.headers["www-authenticate"] == 'Bearer realm="vsb"'


def test_a_refused_token_request_issues_nothing(server: LiveServer) -> None:
    form = _form(server, f"mbe-{MBE}", client_id=OTHER_MBE)
    assert server.client.post("/oauth/token", data=form).status_code == 401
    tokens = server.app.state.service.auth.tokens
    assert len(tokens) == 0


def test_beyond_max_tokens_none_is_issued_and_retry_after_says_when(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(max_tokens=1, token_lifetime=60)
    first = _token(server)
    answer = server.client.post("/oauth/token", data=_form(server, f"mbe-{MBE}"))
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert 1 <= int(answer.headers["retry-after"]) <= 60
    assert answer.json()["errors"][0]["rule"] == "token-store-full"
    assert server.client.get("/v1/feed", headers=_bearer(first)).status_code == 200


def test_a_service_with_only_dev_tokens_hands_out_no_access_token(
    serve: Callable[..., LiveServer],
) -> None:
    server = serve(ca=None, insecure_dev_tokens=True)
    answer = server.client.post("/oauth/token", data=_form(server, f"mbe-{MBE}"))
    assert answer.status_code == 401
    assert "--ca" in answer.json()["error_description"]


def test_the_document_declares_the_endpoint_and_the_bearer_scheme() -> None:
    operation = DOCUMENT["paths"]["/oauth/token"]["post"]
    assert operation["security"] == []
    form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert form["schema"] == {"$ref": "#/components/schemas/TokenRequest"}
    assert {"200", "400", "401", "413", "429", "503"} <= set(operation["responses"])
    assert DOCUMENT["components"]["securitySchemes"]["accessToken"]["scheme"] == "bearer"
    assert {"accessToken": []} in DOCUMENT["security"]
