"""Sign a client assertion for `vsb serve` by hand, with nothing but `cryptography`.

    python docs/examples/sign_assertion.py certs/mbe-76310195930              # print it
    python docs/examples/sign_assertion.py certs/mbe-76310195930 http://127.0.0.1:8080

The first prints the assertion; the second also calls GET /v1/feed with it and prints the
status and the answer. docs/serve.md explains every step and gives a test vector.
"""

from __future__ import annotations

import base64
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID


def b64url(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2): every segment of the JWS."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def subject_of(certificate: x509.Certificate) -> str:
    """The certificate's subject serialNumber: the HCO number or staff:<zorgkas>:<id>."""
    return str(certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value)


def claims(subject: str, audience: str, now: int, jti: str) -> dict[str, Any]:
    """iss = sub = the subject; aud = the service's --audience; at most 300 s to live."""
    return {
        "iss": subject,
        "sub": subject,
        "aud": audience,
        "iat": now,
        "exp": now + 60,
        "jti": jti,
    }


def signing_input(certificate: x509.Certificate, payload: dict[str, Any]) -> bytes:
    """base64url(header) "." base64url(payload): the bytes the signature covers."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    # x5c holds standard base64 (with + / and = padding), not base64url (RFC 7515 §4.1.6).
    header = {"alg": "ES256", "typ": "JWT", "x5c": [base64.b64encode(der).decode("ascii")]}
    parts = [json.dumps(part, separators=(",", ":")).encode("utf-8") for part in (header, payload)]
    return ".".join(b64url(part) for part in parts).encode("ascii")


def sign_es256(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """ECDSA P-256 with SHA-256, as JOSE wants it: r and s, 32 bytes each, 64 in all."""
    der = key.sign(data, ec.ECDSA(hashes.SHA256()))  # DER: SEQUENCE { INTEGER r, INTEGER s }
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def assertion(stem: str, audience: str = "vsb-central") -> str:
    """A fresh assertion signed with `<stem>.key`, carrying `<stem>.pem` (as `vsb certs`
    writes them)."""
    with open(f"{stem}.pem", "rb") as file:
        certificate = x509.load_pem_x509_certificate(file.read())
    with open(f"{stem}.key", "rb") as file:
        key = serialization.load_pem_private_key(file.read(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey), "this example signs with EC P-256"
    payload = claims(subject_of(certificate), audience, int(time.time()), uuid.uuid4().hex)
    data = signing_input(certificate, payload)
    return f"{data.decode('ascii')}.{b64url(sign_es256(key, data))}"


def main(argv: list[str]) -> int:
    """Print an assertion; with a URL, call the feed with it and print the answer."""
    token = assertion(argv[1])
    if len(argv) < 3:
        print(token)
        return 0
    request = urllib.request.Request(
        f"{argv[2]}/v1/feed", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            print(answer.status, answer.read().decode("utf-8"))
            return 0
    except urllib.error.HTTPError as refused:
        print(refused.code, refused.read().decode("utf-8"))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
