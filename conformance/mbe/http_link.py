"""`CentralLink` over HTTP: how MBE software in Python reaches a central application at a URL.

Every call carries a fresh client assertion signed with the MBE's certificate
(`docs/serve.md`, Identity); messages go to the endpoint of their kind, the feed is read page by
page to its end. A central application that cannot be reached, or answers something other than
JSON, raises `DriverError`: the software could not do what it was asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from conformance.adapters.http import FEED_PAGE, PATHS
from conformance.mbe.driver import DriverError, Session
from vsb.serve.certs import ClientIdentity, Issued


def _pem(value: str) -> bytes:
    """PEM text as given, or the content of the file it names."""
    return value.encode() if value.lstrip().startswith("-----BEGIN") else Path(value).read_bytes()


def identity(session: Session) -> ClientIdentity:
    """The MBE's identity from the session's certificate and key (file paths or PEM text).

    Raises:
        DriverError: the session has no certificate or key, or they cannot be read.
    """
    if not session.certificate or not session.key:
        raise DriverError(
            f"open: MBE {session.hco} needs a certificate and key to call {session.url}"
        )
    try:
        certificate = x509.load_pem_x509_certificate(_pem(session.certificate))
        key = serialization.load_pem_private_key(_pem(session.key), None)
    except (OSError, ValueError) as exc:
        raise DriverError(
            f"open: cannot read the certificate or key of MBE {session.hco}: {exc}"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise DriverError(f"open: the key of MBE {session.hco} is neither EC P-256 nor RSA")
    return ClientIdentity(Issued(certificate, key))


class HttpLink:
    """The central application at `session.url`, as MBE `session.hco` calls it."""

    def __init__(self, session: Session, timeout: float = 10.0) -> None:
        if not session.url:
            raise DriverError("open: the session names neither a link nor a URL")
        self.identity = identity(session)
        self.audience = session.audience
        self.client = httpx.Client(base_url=session.url.rstrip("/"), timeout=timeout)

    def _call(self, method: str, path: str, **options: Any) -> Any:
        headers = self.identity.headers(self.audience)
        try:
            response = self.client.request(method, path, headers=headers, **options)
            return response.json()
        except httpx.HTTPError as exc:
            raise DriverError(f"{method} {path}: {type(exc).__name__}: {exc}") from None
        except ValueError:
            raise DriverError(f"{method} {path}: the answer is not JSON") from None

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one message to the endpoint of its kind; the answer (a problem as it came)."""
        path = PATHS.get(str(message.get("kind")), "/v1/requests")
        answer = self._call("POST", path, json=message)
        return answer if isinstance(answer, dict) else {"answer": answer}

    def feed(self, after: int = 0) -> list[tuple[int, dict[str, Any]]]:
        """Every feed item after the cursor, following the pages."""
        items: list[tuple[int, dict[str, Any]]] = []
        cursor = after
        while True:
            page = self._call("GET", "/v1/feed", params={"after": cursor, "limit": FEED_PAGE})
            if not isinstance(page, dict):
                raise DriverError("GET /v1/feed: the answer is not a page of the feed")
            items += [(int(i["cursor"]), i["message"]) for i in page.get("items") or ()]
            following = page.get("next", cursor)
            if page.get("more") is not True or following == cursor:
                return items
            cursor = following

    def close(self) -> None:
        """Close the connection."""
        self.client.close()
