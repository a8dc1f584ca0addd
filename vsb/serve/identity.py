"""Who is calling: verify a client assertion, an access token (`vsb.serve.token`) or, when
switched on, a plain dev token.

An assertion is a compact JWS (ES256 or RS256) whose `x5c` header carries the caller's
certificate. It is accepted when the certificate was issued by the test CA and is valid now,
the signature verifies with its key, `iss` and `sub` equal the certificate's subject
`serialNumber`, `aud` names this service, it lives at most `ASSERTION_MAX_LIFETIME` seconds,
has not expired, and its `jti` was not seen before. Every refusal is a 401 naming the rule.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID

from vsb.serve.certs import ZORGKASSEN
from vsb.serve.config import ASSERTION_MAX_LIFETIME
from vsb.serve.problems import FieldError, Problem, ProblemError, unauthenticated
from vsb.serve.replay import ReplayCache, ReplayCacheFull, ReplaySeen
from vsb.serve.tokens import TokenStore

CLOCK_SKEW = 30
"""Seconds an `iat` may lie in the future (clocks of client and server differ a little)."""

_HCO = re.compile(r"[0-9]{11}", re.ASCII)
_STAFF = re.compile(r"staff:([0-9]{3}):([A-Za-z0-9._-]{1,64})", re.ASCII)


@dataclass(frozen=True)
class Identity:
    """A verified caller: an MBE (by HCO number) or a staff member of one zorgkas."""

    kind: Literal["mbe", "staff"]
    subject: str
    hco: str = ""
    zorgkas: int = 0
    staff: str = ""


def identity_of(subject: str) -> Identity | None:
    """The identity a certificate subject (or dev token) names, or None when it names none."""
    if _HCO.fullmatch(subject):
        return Identity("mbe", subject, hco=subject)
    match = _STAFF.fullmatch(subject)
    if match and int(match[1]) in ZORGKASSEN:
        return Identity("staff", subject, zorgkas=int(match[1]), staff=match[2])
    return None


def _b64decode(part: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise unauthenticated(
            f"the assertion's {what} is not base64url", "assertion-format"
        ) from None


def _json_part(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(part, what))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested deep
        raise unauthenticated(f"the assertion's {what} is not JSON", "assertion-format") from None
    if not isinstance(value, dict):
        raise unauthenticated(f"the assertion's {what} is not a JSON object", "assertion-format")
    return value


class AssertionVerifier:
    """Checks client assertions against one trusted CA, remembering the `jti`s it saw."""

    def __init__(
        self,
        ca: x509.Certificate,
        audience: str,
        now: Callable[[], float] = time.time,
        replay: ReplayCache | None = None,
    ) -> None:
        self.ca = ca
        self.audience = audience
        self.now = now
        self.replay = replay if replay is not None else ReplayCache()
        self._certificates: dict[str, tuple[x509.Certificate, str]] = {}

    def verify(self, token: str) -> Identity:
        """The identity a token proves.

        Raises:
            ProblemError: 401, with the rule: assertion-format, algorithm, certificate-chain,
                certificate-expired, certificate-subject, signature, audience, expired,
                lifetime, not-yet-valid, replay or subject; 503 (rule replay-cache-full, with
                Retry-After) when the replay cache holds its limit of unexpired ids.
        """
        return self.verify_client(token)[0]

    def verify_client(self, token: str) -> tuple[Identity, float]:
        """The identity a token proves and the moment (seconds since 1970) its certificate
        expires, which no access token issued on it may outlive.

        Raises:
            ProblemError: as `verify`.
        """
        parts = token.split(".")
        if len(parts) != 3:
            raise unauthenticated(
                "the assertion is not a compact JWS (three parts)", "assertion-format"
            )
        header, payload = _json_part(parts[0], "header"), _json_part(parts[1], "payload")
        certificate, subject = self._certificate(header)
        self._check_signature(header, certificate, parts)
        self._check_claims(payload, subject)
        identity = identity_of(subject)
        if identity is None:
            raise unauthenticated(
                f"the certificate subject {subject!r} is neither an HCO "
                "number nor staff:<zorgkas>:<id>",
                "subject",
            )
        return identity, certificate.not_valid_after_utc.timestamp()

    def _certificate(self, header: dict[str, Any]) -> tuple[x509.Certificate, str]:
        chain = header.get("x5c")
        if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
            raise unauthenticated(
                "the assertion header needs x5c, the certificate (base64 DER) first",
                "certificate-chain",
            )
        cached = self._certificates.get(chain[0])
        if cached is None:
            cached = self._trusted(chain[0])
            if len(self._certificates) < 10_000:
                self._certificates[chain[0]] = cached
        now = self.now()
        certificate = cached[0]
        if not (
            certificate.not_valid_before_utc.timestamp()
            <= now
            <= certificate.not_valid_after_utc.timestamp()
        ):
            raise unauthenticated(
                "the certificate is not valid at this moment", "certificate-expired"
            )
        return cached

    def _trusted(self, encoded: str) -> tuple[x509.Certificate, str]:
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(encoded))
            certificate.verify_directly_issued_by(self.ca)
        except (ValueError, TypeError, InvalidSignature, binascii.Error):
            raise unauthenticated(
                "the certificate in x5c was not issued by the trusted CA", "certificate-chain"
            ) from None
        attributes = certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
        if len(attributes) != 1:
            raise unauthenticated(
                "the certificate subject needs exactly one serialNumber "
                "(the HCO number or staff:<zorgkas>:<id>)",
                "certificate-subject",
            )
        return certificate, str(attributes[0].value)

    def _check_signature(
        self, header: dict[str, Any], certificate: x509.Certificate, parts: list[str]
    ) -> None:
        signature = _b64decode(parts[2], "signature")
        data = f"{parts[0]}.{parts[1]}".encode()
        key = certificate.public_key()
        algorithm = header.get("alg")
        try:
            if algorithm == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
                if len(signature) != 64:
                    raise InvalidSignature
                der = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
                key.verify(der, data, ec.ECDSA(hashes.SHA256()))
            elif algorithm == "RS256" and isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            else:
                raise unauthenticated(
                    f"alg {algorithm!r} does not fit the certificate's key; "
                    "use ES256 (EC P-256) or RS256 (RSA)",
                    "algorithm",
                )
        except InvalidSignature:
            raise unauthenticated(
                "the assertion's signature does not verify with the certificate's key", "signature"
            ) from None

    def _check_claims(self, claims: dict[str, Any], subject: str) -> None:
        if claims.get("iss") != subject or claims.get("sub") != subject:
            raise unauthenticated(
                f"iss and sub must both be {subject!r}, the certificate's serialNumber",
                "certificate-subject",
            )
        audience = claims.get("aud")
        if audience != self.audience and not (
            isinstance(audience, list) and self.audience in audience
        ):
            raise unauthenticated(f"aud must be {self.audience!r}", "audience")
        issued, expires, jti = claims.get("iat"), claims.get("exp"), claims.get("jti")
        if not isinstance(issued, int | float) or not isinstance(expires, int | float):
            raise unauthenticated("iat and exp (seconds since 1970) are required", "lifetime")
        now = self.now()
        if expires <= now:
            raise unauthenticated(
                "the assertion has expired; make a new one per request", "expired"
            )
        if issued > now + CLOCK_SKEW:
            raise unauthenticated("the assertion's iat lies in the future", "not-yet-valid")
        if expires - issued > ASSERTION_MAX_LIFETIME:
            raise unauthenticated(
                f"an assertion may live at most {ASSERTION_MAX_LIFETIME} s (exp - iat)", "lifetime"
            )
        if not isinstance(jti, str) or not 8 <= len(jti) <= 128:
            raise unauthenticated(
                "jti (8 to 128 characters, unique per assertion) is required", "replay"
            )
        self._remember(jti, float(expires), now)

    def _remember(self, jti: str, expires: float, now: float) -> None:
        try:
            self.replay.add(jti, expires, now)
        except ReplaySeen:
            raise unauthenticated(
                "this assertion (jti) was used before; make a new one per request", "replay"
            ) from None
        except ReplayCacheFull as full:
            # Fail closed: forgetting unexpired ids would let an assertion be replayed.
            detail = (
                f"{self.replay.capacity} unexpired assertion ids are held, the limit "
                f"(--replay-cache-size); try again in {full.retry_after} s"
            )
            raise ProblemError(
                Problem(
                    503,
                    "replay-cache-full",
                    "Service busy",
                    detail,
                    (FieldError("", "replay-cache-full", detail),),
                    headers=(("Retry-After", str(full.retry_after)),),
                )
            ) from None


class Authenticator:
    """Reads the caller's identity from the Authorization header: a client assertion, an
    access token of `POST /oauth/token` (`tokens`) or, when switched on, a dev token."""

    def __init__(
        self, verifier: AssertionVerifier | None, dev_tokens: bool, tokens: TokenStore | None = None
    ) -> None:
        self.verifier = verifier
        self.dev_tokens = dev_tokens
        self.tokens = tokens

    def identify(self, authorization: str | None) -> Identity:
        """The caller's identity.

        Raises:
            ProblemError: 401 when the header is missing, not Bearer, or does not verify.
        """
        if not authorization:
            raise unauthenticated(
                "no identity: send Authorization: Bearer <client assertion>", "required"
            )
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated("the Authorization scheme must be Bearer", "scheme")
        token = token.strip()
        if token.startswith("dev:"):
            return self._dev(token.removeprefix("dev:"))
        if self.tokens is not None and self.tokens.owns(token):
            return self._access(self.tokens, token)
        if self.verifier is None:
            raise unauthenticated("this service takes only dev tokens (dev:<subject>)", "scheme")
        return self.verifier.verify(token)

    @staticmethod
    def _access(tokens: TokenStore, token: str) -> Identity:
        identity = tokens.identity(token)
        if identity is None:
            raise unauthenticated(
                "the access token is unknown or has expired (tokens last --token-lifetime "
                "seconds and do not survive a restart of the service); get a new one with "
                "POST /oauth/token",
                "access-token",
            )
        return identity

    def _dev(self, subject: str) -> Identity:
        if not self.dev_tokens:
            raise unauthenticated("plain dev tokens are off; send a client assertion", "dev-token")
        identity = identity_of(subject)
        if identity is None:
            raise unauthenticated(
                "a dev token is dev:<HCO number> or dev:staff:<zorgkas>:<id>", "subject"
            )
        return identity


__all__ = ["AssertionVerifier", "Authenticator", "Identity", "ProblemError", "identity_of"]
