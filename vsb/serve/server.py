"""Run the application under uvicorn on a socket we bind ourselves (port 0 works)."""

from __future__ import annotations

import logging
import socket
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from vsb.serve.config import ServeConfig, ServeConfigError
from vsb.serve.masking import log_config
from vsb.serve.slow_clients import guarded_protocol

log = logging.getLogger("vsb.serve")

SWITCH_INTERVAL = 0.0005
"""Seconds a thread keeps the interpreter when another one waits for it (Python's is 0.005)."""

DEV_TOKEN_BANNER = """
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!  INSECURE DEV TOKENS ARE ON: anyone can claim any MBE or staff identity by sending     !!
!!  "Authorization: Bearer dev:<HCO>" or "dev:staff:<zorgkas>:<id>". Local development   !!
!!  only; never expose this service to a network.                                          !!
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
"""


@dataclass(frozen=True)
class Tls:
    """Transport security: the server's certificate, and (mTLS) the CA of client certificates."""

    certificate: Path
    key: Path
    client_ca: Path | None = None

    def check(self) -> None:
        """Raises ServeConfigError when a file is missing."""
        for flag, path in (
            ("--tls-cert", self.certificate),
            ("--tls-key", self.key),
            ("--tls-client-ca", self.client_ca),
        ):
            if path is not None and not path.is_file():
                raise ServeConfigError(f"{flag} {path}: no such file")


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0: a free port the OS picks).

    Raises:
        ServeConfigError: the address cannot be bound (in use, not local, no permission).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY only on sockets that do, and without it
    # every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServeConfigError(
            f"--host {host} --port {port}: cannot listen there ({exc.strerror})"
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_server(
    app: Callable[..., Any],
    tls: Tls | None = None,
    log_level: str = "info",
    access_log: bool = True,
    config: ServeConfig | None = None,
) -> uvicorn.Server:
    """A uvicorn server for `app`, logging through the INSZ mask, with the limits of `config`
    (a deadline for request heads, the connection limit)."""
    limits = config or ServeConfig()
    # Worker threads that compute for seconds (a shipment's checks) hand the interpreter to the
    # event loop only every switch interval: 5 ms by default, paid at each of the dozen hand-
    # overs of one request. A shorter one keeps other callers' answers quick meanwhile.
    sys.setswitchinterval(SWITCH_INTERVAL)
    options: dict[str, Any] = {
        "http": guarded_protocol(limits.header_timeout),
        "limit_concurrency": limits.max_connections,
    }
    if tls is not None:
        options |= {"ssl_certfile": str(tls.certificate), "ssl_keyfile": str(tls.key)}
        if tls.client_ca is not None:
            options |= {"ssl_ca_certs": str(tls.client_ca), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    return uvicorn.Server(
        uvicorn.Config(
            app,
            log_config=log_config(log_level),
            access_log=access_log,
            lifespan="on",
            timeout_graceful_shutdown=5,
            **options,
        )
    )


def announce(config: ServeConfig, sock: socket.socket, tls: Tls | None) -> None:
    """Say where the service listens and how it is set up; the loud banner for dev tokens."""
    if config.insecure_dev_tokens:
        print(DEV_TOKEN_BANNER, file=sys.stderr, flush=True)
        log.warning("insecure dev tokens are ON")
    host, port = sock.getsockname()[:2]
    scheme = "https" if tls else "http"
    identity = "client assertions" if config.ca else "dev tokens only"
    if config.ca and config.insecure_dev_tokens:
        identity += " + dev tokens"
    # Printed, not logged: whoever started the service needs the address at any log level.
    print(
        f"vsb serve: listening on {scheme}://{host}:{port} (db {config.db}; fixtures "
        f"{config.fixtures or 'none'}; identity {identity}; test control "
        f"{'ON' if config.test_control else 'off'}; mTLS "
        f"{'on' if tls and tls.client_ca else 'off'})",
        file=sys.stderr,
        flush=True,
    )
