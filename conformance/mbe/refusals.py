"""Messages the served harness refuses before its engine sees them, kept for the recording.

Over HTTP the service answers some messages itself with a problem (a body that is not JSON
or breaks its schema, a missing or bad client assertion, a message naming another MBE), so the
engine never records them. They are still what the software sent: `RefusalRecorder` hands
each one, with the problem the software got, to the harness.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID

Scope = MutableMapping[str, Any]
Event = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Event]]
Send = Callable[[Event], Awaitable[None]]
Heard = Callable[[str, Any, int, dict[str, Any]], None]
"""Called with (sender, message, status, problem) for every message refused at the door."""

MESSAGE_PATHS = frozenset({"/v1/insurance-status", "/v1/requests", "/v1/changes", "/v1/shipments"})
UNKNOWN = "?"


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def claimed_sender(headers: list[tuple[bytes, bytes]], message: Any) -> str:
    """Who sent a refused message: the HCO of the certificate in its client assertion (not
    verified: the service did that and may have refused it), else the message's `mbe`."""
    for name, value in headers:
        if name.lower() == b"authorization":
            subject = _subject(value.decode("latin-1"))
            if subject:
                return subject
    mbe = message.get("mbe") if isinstance(message, dict) else None
    return mbe if isinstance(mbe, str) and mbe else UNKNOWN


def _subject(authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    try:
        head = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        found = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
        return str(found[0].value) if found else None
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error):
        return None


class RefusalRecorder:
    """ASGI middleware: every message POST answered 4xx/5xx goes to `heard` before the
    answer leaves, so that the software cannot see a refusal the recording does not hold."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], heard: Heard):
        self.app = app
        self.heard = heard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in MESSAGE_PATHS
        ):
            await self.app(scope, receive, send)
            return
        # Read the whole body first: the service may refuse (identity) before reading it.
        sent = bytearray()
        while True:
            event = await receive()
            sent.extend(event.get("body", b""))
            if event["type"] != "http.request" or not event.get("more_body", False):
                break
        replayed = False
        answer = bytearray()
        status = 0

        async def receiving() -> Event:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(sent), "more_body": False}

        async def sending(event: Event) -> None:
            nonlocal status
            if event["type"] == "http.response.start":
                status = int(event["status"])
            elif event["type"] == "http.response.body" and status >= 400:
                answer.extend(event.get("body", b""))
                if not event.get("more_body", False):
                    self._heard(scope, bytes(sent), status, bytes(answer))
            await send(event)

        await self.app(scope, receiving, sending)

    def _heard(self, scope: Scope, sent: bytes, status: int, answer: bytes) -> None:
        message = _json(sent)
        problem = _json(answer)
        if not isinstance(problem, dict):
            problem = {"status": status, "detail": str(problem)}
        self.heard(claimed_sender(list(scope["headers"]), message), message, status, problem)
