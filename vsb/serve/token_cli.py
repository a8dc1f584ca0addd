"""`vsb token`: an access token of the sandbox, for tools that send one fixed header.

Signs a client assertion with the certificate and key `vsb certs` wrote for an MBE or a staff
member, trades it at `POST /oauth/token` of a running `vsb serve`, and prints the token (or,
with `--curl`, the header as curl takes it). Every failure is one line naming the flag or the
refusal; exit 2 when the token could not be asked for (flag, files, connection), 1 when the
service refused it.
"""

from __future__ import annotations

import argparse
import re
import ssl
import sys
from pathlib import Path

import httpx

from vsb.cli import _EXTENSIONS, command
from vsb.serve.certs import ZORGKASSEN, ClientIdentity
from vsb.serve.config import DEFAULT_AUDIENCE

DEFAULT_URL = "http://127.0.0.1:8080"
TIMEOUT = 10.0
"""Seconds to wait for the token endpoint."""

_HCO = re.compile(r"[0-9]{11}", re.ASCII)
_STAFF = re.compile(r"([0-9]{3}):([A-Za-z0-9._-]{1,64})", re.ASCII)


class TokenRefused(Exception):
    """The service answered the token request with a refusal."""


def _parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "token",
        help="print an access token of a running `vsb serve` for an MBE or staff member",
        description="Sign a client assertion with the certificate of `vsb certs` "
        "(<cert-dir>/mbe-<hco> or staff-<zorgkas>-<id>), trade it at POST /oauth/token and "
        "print the bearer access token, valid for the service's --token-lifetime. Exit 2 "
        "when the token could not be asked for, 1 when the service refused it.",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--mbe", metavar="HCO", help="the MBE's 11-digit HCO number")
    who.add_argument("--staff", metavar="ZK:ID", help="a staff member, e.g. 180:s1")
    p.add_argument("--url", default=DEFAULT_URL, help=f"the service (default {DEFAULT_URL})")
    p.add_argument(
        "--cert-dir",
        type=Path,
        default=Path("certs"),
        help="the folder `vsb certs` wrote (default certs); its ca.pem verifies an https --url",
    )
    p.add_argument(
        "--audience",
        default=DEFAULT_AUDIENCE,
        help=f"the service's --audience (default {DEFAULT_AUDIENCE})",
    )
    p.add_argument(
        "--curl",
        action="store_true",
        help="print the header for curl: -H 'Authorization: Bearer <token>'",
    )


_EXTENSIONS.append(_parser)


def certificate_stem(args: argparse.Namespace) -> Path:
    """`<cert-dir>/mbe-<hco>` or `<cert-dir>/staff-<zorgkas>-<id>`, as `vsb certs` names them.

    Raises:
        ValueError: --mbe is not an HCO number, or --staff not <zorgkas>:<id>.
    """
    if args.mbe is not None:
        if not _HCO.fullmatch(args.mbe):
            raise ValueError(f"--mbe {args.mbe!r}: must be an 11-digit HCO number")
        return Path(args.cert_dir) / f"mbe-{args.mbe}"
    match = _STAFF.fullmatch(args.staff)
    if match is None or int(match[1]) not in ZORGKASSEN:
        raise ValueError(
            f"--staff {args.staff!r}: must be <zorgkas>:<id>, the zorgkas one of "
            f"{', '.join(map(str, ZORGKASSEN))} and the id letters, digits, '.', '_' or '-'"
        )
    return Path(args.cert_dir) / f"staff-{match[1]}-{match[2]}"


def load_identity(stem: Path) -> ClientIdentity:
    """The certificate and key at `stem`.

    Raises:
        ValueError: either file is missing or unreadable, naming it and --cert-dir.
    """
    for suffix in (".pem", ".key"):
        if not stem.with_suffix(suffix).is_file():
            raise ValueError(
                f"--cert-dir {stem.parent}: no {stem.name}{suffix} (create the certificates "
                "with `vsb certs --out DIR`, or name the folder that holds them)"
            )
    try:
        return ClientIdentity.load(stem)
    except (ValueError, TypeError, OSError) as exc:  # not PEM, another key type, unreadable
        raise ValueError(f"--cert-dir {stem.parent}: {stem.name}: {exc}") from None


def request_token(
    url: str, assertion: str, verify: bool | ssl.SSLContext = True
) -> tuple[str, int]:
    """Trade `assertion` at `<url>/oauth/token`: the access token and its seconds.

    Raises:
        ValueError: the URL is not http(s), cannot be reached, or does not answer as a token
            endpoint (naming --url).
        TokenRefused: the service refused (its error and description).
    """
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"--url {url!r}: must start with http:// or https://")
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
    }
    try:
        answer = httpx.post(
            f"{url.rstrip('/')}/oauth/token", data=form, timeout=TIMEOUT, verify=verify
        )
    except httpx.InvalidURL as exc:
        raise ValueError(f"--url {url}: not a URL ({exc})") from None
    except httpx.HTTPError as exc:
        raise ValueError(f"--url {url}: cannot reach the service ({exc})") from None
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValueError(
            f"--url {url}: POST /oauth/token answered {answer.status_code} without a JSON "
            "object; is this a `vsb serve`?"
        )
    if answer.status_code != 200 and "error" in body:  # RFC 6749 §5.2: the service said no
        raise TokenRefused(f"{answer.status_code} {body['error']}: {body.get('error_description')}")
    if answer.status_code != 200:  # a problem (429, 503) or not a token endpoint at all
        raise ValueError(
            f"--url {url}: POST /oauth/token answered {answer.status_code}: "
            f"{body.get('detail', body)}"
        )
    token, expires = body.get("access_token"), body.get("expires_in")
    if not isinstance(token, str) or not isinstance(expires, int):
        raise ValueError(f"--url {url}: the answer holds no access_token and expires_in")
    return token, expires


@command("token")
def token(args: argparse.Namespace) -> int:
    """Print an access token (or its curl header)."""
    stem = certificate_stem(args)
    identity = load_identity(stem)
    ca = Path(args.cert_dir) / "ca.pem"
    verify: bool | ssl.SSLContext = True
    if args.url.startswith("https://") and ca.is_file():
        verify = ssl.create_default_context(cafile=str(ca))
    try:
        access, expires = request_token(args.url, identity.assertion(args.audience), verify)
    except TokenRefused as refused:
        print(f"vsb token: the service refused the token: {refused}", file=sys.stderr)
        return 1
    print(f"-H 'Authorization: Bearer {access}'" if args.curl else access)
    print(f"vsb token: {identity.subject}, valid {expires} s", file=sys.stderr)
    return 0
