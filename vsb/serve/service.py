"""What every route needs: the engine, who is calling, and what that caller may do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from vsb.schemas import MessageSchemas
from vsb.serve.bodies import json_body, schema_problem
from vsb.serve.central import Central
from vsb.serve.config import ServeConfig
from vsb.serve.identity import Authenticator, Identity
from vsb.serve.problems import FieldError, Problem, ProblemError, forbidden


@dataclass
class Service:
    """The running service: configuration, engine, authenticator and schemas."""

    config: ServeConfig
    central: Central
    auth: Authenticator
    schemas: MessageSchemas

    def identify(self, request: Request) -> Identity:
        """The verified caller (401 when there is none)."""
        return self.auth.identify(request.headers.get("authorization"))

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
        body = await json_body(request, self.config.max_body)
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
        _, violations = self.schemas.validate_message(body)
        if violations:
            shipment = kind == "shipment"
            raise schema_problem(
                violations,
                "shipment" if shipment else "message",
                "REQ-BL-SCHEMA" if shipment else "REQ-MSG-SCHEMA",
            )
        assert isinstance(body, dict)
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
        return await json_body(request, self.config.max_body)


def json_response(document: object, status: int = 200) -> JSONResponse:
    """A JSON answer."""
    return JSONResponse(document, status)
