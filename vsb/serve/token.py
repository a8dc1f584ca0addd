"""`POST /oauth/token`: a client assertion buys a bearer access token (OAuth 2.0 client
credentials, RFC 6749 §4.4, with `private_key_jwt` client authentication, RFC 7523 §2.2).

The form carries `grant_type=client_credentials`,
`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer` and
`client_assertion=<the signed assertion every other endpoint accepts>` (optionally
`client_id`, which must then be the assertion's subject). The assertion is checked exactly as
on any call (`AssertionVerifier`, single use included); the answer is RFC 6749 §5.1
`{access_token, token_type: "Bearer", expires_in}` and the token then stands for the same
identity on every endpoint (`vsb.serve.tokens`). A refusal is RFC 6749 §5.2
`{error, error_description}`: 400 `invalid_request` (form, parameters), `unsupported_grant_type`
or `invalid_scope` (the service has no scopes), 401 `invalid_client` (no or another client
authentication, or an assertion that does not verify, naming the rule it broke).
`invalid_grant` is never answered: client credentials carry no grant besides the client's
own authentication, whose failure RFC 7521 §4.2.1 calls `invalid_client`. Transport limits
answer as everywhere (408, 413, 429, 503 problems).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vsb.serve.bodies import read_body
from vsb.serve.identity import Identity
from vsb.serve.problems import FieldError, Problem, ProblemError
from vsb.serve.service import Service
from vsb.serve.tokens import TokenStoreFull

TOKEN_PATH = "/oauth/token"
GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
FORM = "application/x-www-form-urlencoded"
PARAMETERS = ("grant_type", "client_assertion_type", "client_assertion", "client_id", "scope")
MAX_ASSERTION = 16 * 1024
"""The longest client_assertion taken: one with an RSA 4096 certificate in x5c is about 3 kB."""
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1


class OAuthError(Exception):
    """A refusal of the token endpoint (RFC 6749 §5.2)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description

    def response(self) -> Response:
        """The §5.2 answer: 401 for invalid_client, else 400; never cached."""
        status = 401 if self.error == "invalid_client" else 400
        headers = dict(_NO_STORE)
        if status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="vsb"'
        body = {"error": self.error, "error_description": self.description}
        return JSONResponse(body, status, headers)


def _form(raw: bytes) -> dict[str, str]:
    """The parameters of a form body, each at most once and each known.

    Raises:
        OAuthError: invalid_request for a body that is no form, a parameter sent twice
            (RFC 6749 §3.2) or one this endpoint does not take.
    """
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True, max_num_fields=10
        )
    except (UnicodeDecodeError, ValueError):
        raise OAuthError(
            "invalid_request", f"the body is not a UTF-8 {FORM} form of at most 10 parameters"
        ) from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name == "client_secret":
            raise OAuthError(
                "invalid_client",
                "clients authenticate with a client_assertion (private_key_jwt), "
                "not with a client secret",
            )
        if name not in PARAMETERS:
            raise OAuthError(
                "invalid_request",
                f"unknown parameter {name[:40]!a}; this endpoint takes {', '.join(PARAMETERS)}",
            )
        if name in form:
            raise OAuthError("invalid_request", f"{name} appears more than once")
        form[name] = value
    return form


def _client_assertion(form: dict[str, str]) -> str:
    """The assertion the form authenticates the client with.

    Raises:
        OAuthError: unsupported_grant_type, invalid_client (no or another client
            authentication method), invalid_request (a parameter missing).
    """
    if form.get("scope"):
        raise OAuthError(
            "invalid_scope", "this service has no scopes: a token is the identity; leave scope out"
        )
    grant = form.get("grant_type")
    if grant is None:
        raise OAuthError("invalid_request", "grant_type is required: client_credentials")
    if grant != GRANT_TYPE:
        raise OAuthError(
            "unsupported_grant_type", f"grant_type must be {GRANT_TYPE} (RFC 6749 §4.4)"
        )
    kind = form.get("client_assertion_type")
    if kind is None:
        raise OAuthError(
            "invalid_client",
            "no client authentication: send client_assertion_type="
            f"{ASSERTION_TYPE} and client_assertion (RFC 7523 §2.2)",
        )
    if kind != ASSERTION_TYPE:
        raise OAuthError(
            "invalid_client", f"client_assertion_type must be {ASSERTION_TYPE} (private_key_jwt)"
        )
    assertion = form.get("client_assertion", "")
    if not assertion:
        raise OAuthError(
            "invalid_request", "client_assertion (a signed client assertion) is required"
        )
    if len(assertion) > MAX_ASSERTION:
        raise OAuthError(
            "invalid_request", f"client_assertion is longer than {MAX_ASSERTION} characters"
        )
    return assertion


def _verified(service: Service, assertion: str) -> tuple[Identity, float]:
    """The identity the assertion proves and its certificate's end.

    Raises:
        OAuthError: invalid_client naming the assertion rule it breaks.
        ProblemError: 503 when the replay cache is full (as on every call).
    """
    verifier = service.auth.verifier
    if verifier is None:
        raise OAuthError(
            "invalid_client",
            "this service has no CA (--ca) to verify client assertions; it takes only dev tokens",
        )
    try:
        return verifier.verify_client(assertion)
    except ProblemError as refused:
        if refused.problem.status != 401:
            raise
        rule = refused.problem.errors[0].rule if refused.problem.errors else "assertion"
        raise OAuthError("invalid_client", f"{refused.problem.detail} (rule {rule})") from None


def _store_full(retry_after: int) -> ProblemError:
    detail = (
        f"as many unexpired access tokens are held as --max-tokens allows; try again in "
        f"{retry_after} s, or keep using client assertions"
    )
    return ProblemError(
        Problem(
            503,
            "token-store-full",
            "Service busy",
            detail,
            (FieldError("", "token-store-full", detail),),
            headers=(("Retry-After", str(retry_after)),),
        )
    )


async def token(request: Request) -> Response:
    """Hand out an access token for the identity a client assertion proves."""
    service: Service = request.app.state.service
    try:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != FORM:
            raise OAuthError("invalid_request", f"Content-Type must be {FORM} (RFC 6749 §4.4.2)")
        if request.headers.get("authorization", "").lower().startswith("basic"):
            raise OAuthError(
                "invalid_client",
                "clients authenticate with a client_assertion in the form "
                "(private_key_jwt), not with HTTP Basic",
            )
        form = _form(await read_body(request, service.config.max_body))
        identity, not_after = _verified(service, _client_assertion(form))
        if form.get("client_id", identity.subject) != identity.subject:
            raise OAuthError(
                "invalid_client", f"client_id must be the assertion's subject {identity.subject!r}"
            )
    except OAuthError as refused:
        return refused.response()
    service.limiter.take(identity.subject)
    tokens = service.auth.tokens
    assert tokens is not None, "create_app gives every service a token store"
    try:
        access, expires_in = tokens.issue(identity, not_after)
    except TokenStoreFull as full:
        raise _store_full(full.retry_after) from None
    body = {"access_token": access, "token_type": "Bearer", "expires_in": expires_in}
    return JSONResponse(body, headers=_NO_STORE)


def routes() -> list[Route]:
    """The token endpoint."""
    return [Route(TOKEN_PATH, token, methods=["POST"], name="token")]


TOKEN_REQUEST: dict[str, Any] = {
    "type": "object",
    "properties": {
        "grant_type": {"enum": [GRANT_TYPE]},
        "client_assertion_type": {"enum": [ASSERTION_TYPE]},
        "client_assertion": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_ASSERTION,
            "description": "a client assertion as every call accepts (compact JWS, x5c; "
            "single use)",
        },
        "client_id": {
            "type": "string",
            "description": "optional; when sent, the assertion's subject (HCO number or "
            "staff:<zorgkas>:<id>)",
        },
        "scope": {"const": "", "description": "optional; the service has no scopes"},
    },
    "required": ["grant_type", "client_assertion_type", "client_assertion"],
    "additionalProperties": False,
}

TOKEN_ANSWER: dict[str, Any] = {
    "type": "object",
    "properties": {
        "access_token": {"type": "string", "pattern": "^vsbat_[A-Za-z0-9_-]{43}$"},
        "token_type": {"const": "Bearer"},
        "expires_in": {"type": "integer", "minimum": 0},
    },
    "required": ["access_token", "token_type", "expires_in"],
    "additionalProperties": False,
    "description": "RFC 6749 §5.1",
}

OAUTH_ERROR: dict[str, Any] = {
    "type": "object",
    "properties": {
        "error": {
            "enum": ["invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"]
        },
        "error_description": {"type": "string"},
    },
    "required": ["error", "error_description"],
    "additionalProperties": False,
    "description": "RFC 6749 §5.2",
}

COMPONENTS = {"TokenRequest": TOKEN_REQUEST, "TokenAnswer": TOKEN_ANSWER, "OAuthError": OAUTH_ERROR}

ACCESS_TOKEN_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "bearerFormat": "opaque access token (vsbat_...) from POST /oauth/token",
    "description": "An access token of POST /oauth/token: the identity its client assertion "
    "proved, for --token-lifetime seconds (default 3600)",
}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


_NO_STORE_HEADERS = {
    name: {"required": True, "schema": {"const": value}} for name, value in _NO_STORE.items()
}


def token_path_item() -> dict[str, Any]:
    """The OpenAPI path item of the token endpoint."""
    error_401_headers = {
        **_NO_STORE_HEADERS,
        "WWW-Authenticate": {
            "description": 'always `Bearer realm="vsb"`',
            "required": True,
            "schema": {"type": "string"},
        },
    }
    responses: dict[str, Any] = {
        "200": {
            "description": "An access token (RFC 6749 §5.1)",
            "headers": _NO_STORE_HEADERS,
            "content": _json("TokenAnswer"),
        },
        "400": {
            "description": "invalid_request (not a form, a parameter missing, repeated or "
            "unknown), unsupported_grant_type or invalid_scope (RFC 6749 §5.2)",
            "headers": _NO_STORE_HEADERS,
            "content": _json("OAuthError"),
        },
        "401": {
            "description": "invalid_client: no client assertion, another authentication "
            "method, or an assertion that does not verify (the rule is named)",
            "headers": error_401_headers,
            "content": _json("OAuthError"),
        },
    }
    for status in (408, 413, 429, 503):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    return {
        "post": {
            "operationId": "getAccessToken",
            "tags": ["oauth"],
            "summary": "Trade a client assertion for a bearer access token (client "
            "credentials, private_key_jwt)",
            "description": "OAuth 2.0 client credentials (RFC 6749 §4.4) with private_key_jwt "
            "client authentication (RFC 7523 §2.2). The token stands for the assertion's "
            "identity on every endpoint until it expires; tokens do not survive a restart "
            "of the service. See docs/serve.md.",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {FORM: {"schema": {"$ref": "#/components/schemas/TokenRequest"}}},
            },
            "responses": responses,
        }
    }
