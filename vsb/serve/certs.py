"""Test certificates and client assertions: the identity side of the sandbox.

`vsb certs` makes a test CA, a server certificate for loopback TLS, and one certificate per
fixture MBE and per zorgkas staff member. The certificate's subject `serialNumber` binds the
identity: the MBE's HCO number, or `staff:<zorgkas>:<id>`, as the eHealth certificate of a real
MBE binds its RIZIV number. A `ClientIdentity` signs the short-lived client assertions the
service accepts (a compact JWS, ES256 or RS256, the certificate in its `x5c` header).
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
ZORGKASSEN = (180, 280, 380, 480, 580, 680)


def staff_subject(zorgkas: int, staff: str) -> str:
    """The subject serialNumber of a staff member of a zorgkas."""
    return f"staff:{zorgkas}:{staff}"


def new_key(kind: str = "ec") -> PrivateKey:
    """A fresh private key: EC P-256 (ES256, the default) or RSA 2048 (RS256)."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: PrivateKey

    def write(self, stem: Path) -> None:
        """Write `<stem>.pem` (certificate) and `<stem>.key` (unencrypted PKCS#8 key)."""
        stem.with_suffix(".pem").write_bytes(
            self.certificate.public_bytes(serialization.Encoding.PEM)
        )
        key_file = stem.with_suffix(".key")
        key_file.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_file.chmod(0o600)

    @classmethod
    def read(cls, stem: Path) -> Issued:
        """Read what `write` wrote.

        Raises:
            FileNotFoundError: either file is missing.
            ValueError: a file is not a PEM certificate or an EC/RSA private key.
        """
        certificate = x509.load_pem_x509_certificate(stem.with_suffix(".pem").read_bytes())
        key = serialization.load_pem_private_key(stem.with_suffix(".key").read_bytes(), None)
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError(f"{stem}.key: only EC P-256 and RSA keys are supported")
        return cls(certificate, key)


def make_ca(name: str = "VSB sandbox test CA", days: int = 3650) -> Issued:
    """A self-signed test CA."""
    key = new_key()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vsb-harness"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return Issued(certificate, key)


def issue(
    ca: Issued,
    serial_number: str,
    common_name: str,
    days: int = 365,
    key_kind: str = "ec",
    not_before: dt.datetime | None = None,
    dns_names: Iterable[str] = (),
) -> Issued:
    """A leaf certificate signed by `ca`, binding `serial_number` (HCO or staff subject)."""
    key = new_key(key_kind)
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]
            ),
            critical=False,
        )
    )
    names = list(dns_names)
    if names:
        alternatives: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
        alternatives.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
        builder = builder.add_extension(x509.SubjectAlternativeName(alternatives), False)
    return Issued(builder.sign(ca.key, hashes.SHA256()), key)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class ClientIdentity:
    """An MBE's or staff member's certificate and key: signs client assertions.

    Vendors use this (or any JOSE library) to call the sandbox; tests and the benchmark too.
    """

    def __init__(self, issued: Issued) -> None:
        self.issued = issued
        attributes = issued.certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
        self.subject = str(attributes[0].value) if attributes else ""
        der = issued.certificate.public_bytes(serialization.Encoding.DER)
        self._x5c = base64.b64encode(der).decode()
        self.algorithm = "ES256" if isinstance(issued.key, ec.EllipticCurvePrivateKey) else "RS256"

    @classmethod
    def load(cls, stem: Path) -> ClientIdentity:
        """The identity in `<stem>.pem` and `<stem>.key` (see `Issued.read`)."""
        return cls(Issued.read(stem))

    def assertion(
        self,
        audience: str,
        lifetime: int = 60,
        issued_at: float | None = None,
        subject: str | None = None,
    ) -> str:
        """A fresh compact JWS proving this identity to `audience`, valid `lifetime` seconds."""
        now = int(time.time() if issued_at is None else issued_at)
        claim = subject or self.subject
        header = {"alg": self.algorithm, "typ": "JWT", "x5c": [self._x5c]}
        payload = {
            "iss": claim,
            "sub": claim,
            "aud": audience,
            "iat": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
        }
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)
        )
        return f"{signing_input}.{_b64url(self._sign(signing_input.encode()))}"

    def _sign(self, data: bytes) -> bytes:
        key = self.issued.key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def headers(self, audience: str) -> dict[str, str]:
        """The Authorization header carrying a fresh assertion."""
        return {"Authorization": f"Bearer {self.assertion(audience)}"}


def write_test_pki(
    out: Path, mbes: Iterable[tuple[str, str]], staff: Iterable[str] = ("s1",), days: int = 365
) -> list[Path]:
    """Write a CA (kept when `out` has one), a server certificate and the client certificates.

    `mbes` are (HCO number, name) pairs; every zorgkas gets each staff id in `staff`. Returns
    the certificate files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    ca_stem = out / "ca"
    ca = Issued.read(ca_stem) if ca_stem.with_suffix(".key").is_file() else make_ca()
    ca.write(ca_stem)
    written = [ca_stem.with_suffix(".pem")]
    leaves: list[tuple[str, str, str, tuple[str, ...]]] = [
        ("server", "localhost", "vsb sandbox server", ("localhost",))
    ]
    leaves += [(f"mbe-{hco}", hco, name, ()) for hco, name in mbes]
    leaves += [
        (f"staff-{kas}-{sid}", staff_subject(kas, sid), f"staff {sid} of zorgkas {kas}", ())
        for kas in ZORGKASSEN
        for sid in staff
    ]
    for stem, serial, name, dns in leaves:
        issue(ca, serial, name, days, dns_names=dns).write(out / stem)
        written.append((out / stem).with_suffix(".pem"))
    return written
