"""What every route needs: the engine, who is calling, and what that caller may do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from vsb.jsontext import holds_large, pieces_of
from vsb.schemas import MessageSchemas
from vsb.serve.bodies import INLINE_PARSE_BYTES, json_body, schema_problem
from vsb.serve.central import Central
from vsb.serve.collector import hold
from vsb.serve.config import ServeConfig
from vsb.serve.identity import Authenticator, Identity
from vsb.serve.limits import RateLimiter
from vsb.serve.problems import FieldError, Problem, ProblemError, forbidden


@dataclass
class Service:
    """The running service: configuration, engine, authenticator and schemas."""

    config: ServeConfig
    central: Central
    auth: Authenticator
    schemas: MessageSchemas
    gate: Callable[[Identity], None] | None = None
    """A sandbox per vendor's check that the caller was given to it (raises a 403 problem)."""
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.config.rate_limit, self.config.rate_burst)

    def identify(self, request: Request) -> Identity:
        """The verified caller, within its rate limit.

        Raises:
            ProblemError: 401 when there is none; 429 with Retry-After over the rate limit;
                403 in a sandbox per vendor the identity was not given to.
        """
        identity = self.auth.identify(request.headers.get("authorization"))
        self.limiter.take(identity.subject)
        if self.gate is not None:
            self.gate(identity)
        return identity

    def mbe(self, request: Request) -> Identity:
        """The calling MBE, admitted to exchange data.

        Raises:
            ProblemError: 401 without identity; 403 for a staff identity, an MBE the
                application does not know (REQ-MBE-KNOWN) or one without a Circle-of-Trust
                declaration (REQ-MBE-COT).
        """
        identity = self.identify(request)
        if identity.kind != "mbe":
            raise forbidden(
                "this endpoint is for MBE software; staff use /v1/zorgkassen/...",
                "REQ-MBE-CERTIFICATE",
                "mbe-identity",
            )
        admission = self.central.admission(identity.hco)
        if admission == "unknown":
            raise forbidden(f"{identity.hco} is not a recognised MBE", "REQ-MBE-KNOWN", "mbe-known")
        if admission == "no-cot":
            raise forbidden(
                f"MBE {identity.hco} has no Circle-of-Trust declaration and may "
                "not exchange data; file the declaration through the e-loket",
                "REQ-MBE-COT",
                "cot-declaration",
            )
        return identity

    def staff(self, request: Request, zorgkas: int) -> Identity:
        """The calling staff member of `zorgkas`.

        Raises:
            ProblemError: 401 without identity; 403 for an MBE or staff of another zorgkas.
        """
        identity = self.identify(request)
        if identity.kind != "staff":
            raise forbidden(
                "staff endpoints need a staff identity (staff:<zorgkas>:<id>)",
                "REQ-RV-ZORGKAS-QUEUE",
                "staff-identity",
            )
        if identity.zorgkas != zorgkas:
            raise forbidden(
                f"staff of zorgkas {identity.zorgkas} cannot act for zorgkas {zorgkas}",
                "REQ-RV-ZORGKAS-QUEUE",
                "staff-zorgkas",
            )
        return identity

    async def message(
        self, request: Request, sender: Identity, kinds: tuple[str, ...]
    ) -> dict[str, Any]:
        """The request body as a schema-valid message of one of `kinds`, sent by `sender`.

        Raises:
            ProblemError: 415, 413, 400 (see `json_body`); 422 for a schema violation or a
                kind this endpoint does not take; 403 when `mbe` is not the sender's HCO.
        """
        limit, setting = (
            (self.config.max_shipment_body, "max-shipment-body")
            if kinds == ("shipment",)
            else (self.config.max_body, "max-body")
        )
        body = await json_body(request, limit, self.config.max_depth, setting)
        kind = body.get("kind") if isinstance(body, dict) else None
        if isinstance(body, dict) and kind not in kinds:
            error = FieldError(
                "/kind", "enum", f"this endpoint takes kind {' or '.join(kinds)}, not {kind!r}"
            )
            raise ProblemError(
                Problem(
                    422,
                    "schema-violation",
                    "Schema violation",
                    error.message,
                    (error,),
                    "REQ-MSG-SCHEMA",
                )
            )
        if kind == "shipment" or _large(request):  # seconds for 50,000 invoices: not here
            _, violations = await anyio.to_thread.run_sync(self.schemas.validate_message, body)
        else:
            _, violations = self.schemas.validate_message(body)
        if violations:
            shipment = kind == "shipment"
            raise schema_problem(
                violations,
                "shipment" if shipment else "message",
                "REQ-BL-SCHEMA" if shipment else "REQ-MSG-SCHEMA",
            )
        assert isinstance(body, dict)
        hold(body)  # a large body is freed off the event loop once answered
        if body["mbe"] != sender.hco:
            raise forbidden(
                f"the message names MBE {body['mbe']} but was sent with the "
                f"certificate of {sender.hco}",
                "REQ-MBE-CERTIFICATE",
                "sender",
                "/mbe",
            )
        return body

    async def body(self, request: Request) -> Any:
        """The JSON body of a non-message request (staff action, test control)."""
        return await json_body(request, self.config.max_body, self.config.max_depth)


def _large(request: Request) -> bool:
    length = request.headers.get("content-length", "")
    return not (length.isascii() and length.isdigit()) or int(length) > INLINE_PARSE_BYTES


def json_response(document: object, status: int = 200) -> Response:
    """A JSON answer; a large one (a settlement of thousands of invoices) is encoded in a
    worker thread and in pieces when it is sent, so that no other caller waits for it."""
    if isinstance(document, dict) and holds_large(document):
        return LargeJSONResponse(document, status)
    return JSONResponse(document, status)


class LargeJSONResponse(Response):
    """A JSON answer encoded when sent: its text is made in a worker thread, in pieces and
    never joined (see `vsb.jsontext`), then sent `SEND_PIECE` characters at a time, each
    turned into bytes just before it is written. No step holds the interpreter for more than
    about a millisecond, and the transport's flow control lets other callers' answers through
    between two pieces (a 58 MB settlement: 46 ms to join it and 45 ms to encode it, in one
    call each, stalled every other caller before)."""

    media_type = "application/json"

    def __init__(self, document: dict[str, Any], status: int = 200) -> None:
        self.document = document
        super().__init__(b"", status)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        pieces, length = await anyio.to_thread.run_sync(_text_pieces, self.document)
        self.headers["content-length"] = str(length)
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        for piece in pieces:
            for start in range(0, len(piece), SEND_PIECE):
                chunk = piece[start : start + SEND_PIECE].encode()
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        hold(self.document)  # freed off the event loop (vsb.serve.collector)


SEND_PIECE = 256 * 1024
"""Characters of a large answer encoded and written in one go (a fraction of a millisecond)."""


def _text_pieces(document: dict[str, Any]) -> tuple[list[str], int]:
    """The pieces of `document`'s JSON text (`jsontext.pieces_of`), and its length in UTF-8 bytes
    (the text is ASCII, as `json.dumps` escapes the rest, but counted either way)."""
    pieces = pieces_of(document)
    return pieces, sum(len(p) if p.isascii() else len(p.encode()) for p in pieces)
