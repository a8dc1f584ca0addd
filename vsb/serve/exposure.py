"""What the sandbox refuses to expose: test control and dev tokens off loopback, test control
without its token.

`--test-control` lets a caller reset every table, replace the registry and move the clock;
`--insecure-dev-tokens` lets anyone name themselves any MBE or staff member. Both are for a
harness or a developer on the same machine, so `vsb serve` refuses to start them on an address
other machines reach unless told in so many words (`--i-know-this-is-exposed`). Test control can
also require a bearer token (`--test-control-token`), checked on every `/test/*` call.
"""

from __future__ import annotations

import argparse
import hmac
import ipaddress
import os
import re
import socket
from typing import Any

from vsb.serve.problems import unauthenticated

EXPOSED_FLAG = "--i-know-this-is-exposed"
"""The flag that lets test control or dev tokens listen on a non-loopback address."""

TOKEN_PATTERN = re.compile(r"[\x21-\x7e]{16,256}", re.ASCII)
"""A test-control token: 16 to 256 visible ASCII characters (it travels in a header)."""

TOKEN_VARIABLE = "VSB_TEST_CONTROL_TOKEN"
"""The environment variable `--test-control-token` defaults to (keeps it out of `ps`)."""


def add_exposure_flags(parser: argparse.ArgumentParser) -> None:
    """The `vsb serve` flags of this module."""
    parser.add_argument(
        EXPOSED_FLAG,
        dest="exposed",
        action="store_true",
        help="let --test-control or --insecure-dev-tokens listen on a --host other machines "
        "reach (refused otherwise)",
    )
    parser.add_argument(
        "--test-control-token",
        metavar="TOKEN",
        help="with --test-control: every /test/* call needs `Authorization: Bearer TOKEN` "
        f"(16 to 256 visible ASCII characters; default ${TOKEN_VARIABLE}; none: no token)",
    )


def exposure_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ServeConfig fields these flags (and --host) set."""
    token = args.test_control_token
    if token is None and args.test_control:
        token = os.environ.get(TOKEN_VARIABLE) or None
    return {"host": args.host, "exposed": args.exposed, "test_control_token": token}


def is_loopback(host: str) -> bool:
    """Whether `host` reaches only this machine: a loopback address, or a name that resolves
    to loopback addresses only. An empty host, a wildcard or a name that does not resolve is
    not loopback."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    if not host:
        return False
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    addresses = {str(info[4][0]).split("%", 1)[0] for info in found}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def exposure_problem(host: str, test_control: bool, dev_tokens: bool, exposed: bool) -> str | None:
    """Why the service may not listen on `host` with these switches; None when it may."""
    risky = [
        name
        for name, on in (("--test-control", test_control), ("--insecure-dev-tokens", dev_tokens))
        if on
    ]
    if not risky or exposed or is_loopback(host):
        return None
    what = " and ".join(risky)
    return (
        f"--host {host or '(all addresses)'} is not a loopback address: {what} would let "
        "anyone who reaches it reset the data, move the clock or act as any MBE or staff "
        f"member; listen on 127.0.0.1, or pass {EXPOSED_FLAG} if that is what you want"
    )


def token_problem(token: str | None, test_control: bool) -> str | None:
    """Why `--test-control-token` cannot work; None when it can (or is not given)."""
    if token is None:
        return None
    if not test_control:
        return "--test-control-token needs --test-control"
    if not TOKEN_PATTERN.fullmatch(token):
        return (
            "--test-control-token: 16 to 256 visible ASCII characters (no spaces), e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )
    return None


def check_control_token(expected: str | None, authorization: str | None) -> None:
    """Let a test-control call through when no token is required or it carries the token.

    Raises:
        ProblemError: 401 (rule `test-control-token`) without `Authorization: Bearer <token>`
            or with another token.
    """
    if expected is None:
        return
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise unauthenticated(
            "test control needs `Authorization: Bearer <test-control token>`",
            "test-control-token",
        )
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise unauthenticated("the test-control token is not the service's", "test-control-token")
