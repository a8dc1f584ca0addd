"""A deadline for the request head: uvicorn has none, so a client that sends its request line
and headers a byte at a time (slowloris) would hold a connection for ever.

`guarded_protocol(seconds)` is uvicorn's httptools protocol with one timer more: armed when a
connection opens and after every response, disarmed when a request's headers are complete.
When it fires, a client that started a request gets 408 and the connection is closed. (The
body has its own deadline between two pieces, `vsb.serve.limits.BodyTimeout`; idle keep-alive
connections close after uvicorn's 5 s.)
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s"
)


def guarded_protocol(header_timeout: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol, closing connections whose request head takes longer than
    `header_timeout` seconds."""

    class HeadDeadlineProtocol(HttpToolsProtocol):
        _head_timer: asyncio.TimerHandle | None = None
        _head_started = False

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            self._head_started = True
            super().on_message_begin()

        def on_headers_complete(self) -> None:
            self._disarm()
            self._head_started = False
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            waiting = not self.pipeline  # else the next request's head is already in
            super().on_response_complete()
            if waiting and not self.transport.is_closing():
                self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._head_timer = self.loop.call_later(header_timeout, self._head_too_slow)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if self.transport.is_closing():
                return
            if self._head_started:
                text = (
                    f"the request line and headers took longer than {header_timeout:g} s, "
                    "the limit (--header-timeout)"
                ).encode()
                self.transport.write(_TIMEOUT_RESPONSE % (len(text), text))
            self.logger.info("closed a connection whose request head was too slow")
            self.transport.close()

    return HeadDeadlineProtocol
