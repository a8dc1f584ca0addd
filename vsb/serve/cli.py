"""`vsb serve` (the reference application over HTTP) and `vsb certs` (the test PKI)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging.config
import sqlite3
import ssl
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509

from vsb.cli import _EXTENSIONS, command, fixtures_folder
from vsb.mbes import load_mbes
from vsb.resources import fixtures
from vsb.serve.certs import staff_subject, write_test_pki
from vsb.serve.config import (
    DEFAULT_AUDIENCE,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_GENERATED_PERSONS,
    DEFAULT_MAX_SANDBOXES,
    ServeConfig,
    ServeConfigError,
)
from vsb.serve.exposure import add_exposure_flags, exposure_settings
from vsb.serve.limits import add_limit_flags, limit_settings
from vsb.serve.masking import log_config
from vsb.serve.tokens import add_token_flags, token_settings

if TYPE_CHECKING:
    from vsb.serve.server import Tls

Subparsers = argparse._SubParsersAction


def _moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date or date-time") from None


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a TCP port (0 to 65535; 0: any free one)")
    return port


def _serve_parser(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="run the reference central application as an HTTP service",
        description="Serve the reference central zorgkassen application over HTTP (ASGI, "
        "uvicorn) for MBE software and conformance harnesses. State lives in one SQLite file "
        "(WAL); every answered message is durable. Callers prove who they are with client "
        "assertions signed by a certificate of the test CA (see `vsb certs`). The OpenAPI "
        "document is at /openapi.json.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: loopback only)",
    )
    p.add_argument(
        "--port",
        type=_port,
        default=None,
        help="TCP port (default 8080, or 8443 with --tls-cert; 0 picks a free one and logs it)",
    )
    p.add_argument(
        "--db",
        default="vsb-central.sqlite",
        help="SQLite file holding all state (default vsb-central.sqlite; ':memory:' keeps nothing)",
    )
    p.add_argument(
        "--fixtures",
        type=fixtures_folder,
        default=fixtures(),
        help="folder with "
        "registry/ and mbes.toml, loaded when the database has no MBEs yet "
        "(default: the packaged fixtures)",
    )
    p.add_argument("--no-fixtures", action="store_true", help="start with an empty registry")
    p.add_argument(
        "--ca",
        type=Path,
        default=Path("certs/ca.pem"),
        help="CA certificate "
        "(PEM) that signs client certificates (default certs/ca.pem from `vsb "
        "certs`)",
    )
    p.add_argument(
        "--audience",
        default=DEFAULT_AUDIENCE,
        help=f"the `aud` client assertions must carry (default {DEFAULT_AUDIENCE})",
    )
    p.add_argument(
        "--insecure-dev-tokens",
        action="store_true",
        help="also accept plain "
        "`Bearer dev:<HCO>` / `dev:staff:<zorgkas>:<id>` tokens: local development "
        "only, announced loudly",
    )
    p.add_argument(
        "--test-control",
        action="store_true",
        help="add the /test/* endpoints (clock, persons, MBEs, reset) and run on a settable clock",
    )
    p.add_argument(
        "--clock",
        type=_moment,
        default=None,
        help="with --test-control: the starting moment (ISO date or date-time; default now)",
    )
    p.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        help=f"largest request body but a shipment, in bytes (default {DEFAULT_MAX_BODY})",
    )
    p.add_argument(
        "--max-depth",
        type=int,
        default=DEFAULT_MAX_DEPTH,
        help=f"deepest nesting of arrays and objects in a JSON body (default {DEFAULT_MAX_DEPTH})",
    )
    p.add_argument(
        "--max-sandboxes",
        type=int,
        default=DEFAULT_MAX_SANDBOXES,
        help="with --test-control: sandboxes per vendor besides the default one "
        f"(default {DEFAULT_MAX_SANDBOXES})",
    )
    p.add_argument(
        "--max-generated-persons",
        type=int,
        default=DEFAULT_MAX_GENERATED_PERSONS,
        help="with --test-control: the most test persons one registry/generate call makes "
        f"(default {DEFAULT_MAX_GENERATED_PERSONS})",
    )
    add_limit_flags(p)
    add_token_flags(p)
    add_exposure_flags(p)
    p.add_argument("--tls-cert", type=Path, help="server certificate (PEM): serve HTTPS")
    p.add_argument("--tls-key", type=Path, help="private key of --tls-cert")
    p.add_argument(
        "--tls-client-ca",
        type=Path,
        help="with --tls-cert: require client "
        "certificates of this CA (mutual TLS) on top of the client assertion",
    )
    p.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default="info",
        help="default info; INSZ numbers are always masked",
    )
    p.add_argument("--no-access-log", action="store_true", help="do not log every request")
    p.add_argument(
        "--write-openapi",
        type=Path,
        metavar="FILE",
        help="write the OpenAPI document (with test control) to FILE and exit",
    )


def _certs_parser(sub: Subparsers[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "certs",
        help="create a test CA and certificates for the fixture MBEs and staff",
        description="Write a test CA (kept if OUT already has one), a server certificate for "
        "localhost, one certificate per MBE of the fixtures (subject serialNumber = HCO "
        "number) and per zorgkas staff member (serialNumber = staff:<zorgkas>:<id>), each "
        "as <name>.pem and <name>.key. For the sandbox only.",
    )
    p.add_argument("--out", type=Path, default=Path("certs"), help="folder (default certs)")
    p.add_argument(
        "--fixtures",
        type=fixtures_folder,
        default=fixtures(),
        help="folder with registry/ and mbes.toml (default: the packaged fixtures)",
    )
    p.add_argument(
        "--staff",
        default="s1",
        help="comma-separated staff ids made for every zorgkas (default s1)",
    )
    p.add_argument(
        "--days",
        type=int,
        default=365,
        help="validity of the client certificates in days (default 365)",
    )


_EXTENSIONS.extend([_serve_parser, _certs_parser])


def config_from(args: argparse.Namespace) -> ServeConfig:
    """The service configuration the flags describe (checked)."""
    config = ServeConfig(
        db=args.db,
        fixtures=None if args.no_fixtures else args.fixtures,
        ca=args.ca if args.ca.is_file() or not args.insecure_dev_tokens else None,
        audience=args.audience,
        insecure_dev_tokens=args.insecure_dev_tokens,
        test_control=args.test_control,
        start_clock=args.clock,
        max_body=args.max_body,
        max_depth=args.max_depth,
        max_sandboxes=args.max_sandboxes,
        max_generated_persons=args.max_generated_persons,
        **limit_settings(args),
        **token_settings(args),
        **exposure_settings(args),
    )
    config.check()
    if config.ca is not None:
        try:
            x509.load_pem_x509_certificate(config.ca.read_bytes())
        except (OSError, ValueError) as exc:
            raise ServeConfigError(
                f"--ca {config.ca}: not a readable PEM certificate ({exc}); pass the CA "
                "certificate that `vsb certs` wrote (certs/ca.pem)"
            ) from None
    return config


def _check_tls(tls: Tls) -> None:
    """Raises ServeConfigError when the TLS files are missing or do not load."""
    tls.check()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(tls.certificate, tls.key)
    except (OSError, ssl.SSLError) as exc:
        raise ServeConfigError(
            f"--tls-cert {tls.certificate} --tls-key {tls.key}: not a PEM certificate and its "
            f"private key ({exc})"
        ) from None
    if tls.client_ca is not None:
        try:
            context.load_verify_locations(tls.client_ca)
        except (OSError, ssl.SSLError) as exc:
            raise ServeConfigError(
                f"--tls-client-ca {tls.client_ca}: not a PEM CA certificate ({exc})"
            ) from None


@command("serve")
def serve(args: argparse.Namespace) -> int:
    """Run the service until interrupted."""
    from vsb.serve.app import create_app
    from vsb.serve.openapi import build_document
    from vsb.serve.server import Tls, announce, bind, uvicorn_server

    if args.write_openapi is not None:
        from vsb.serve.app import billing_available

        token = exposure_settings(args)["test_control_token"] is not None
        document = build_document(billing_available(), test_control=True, control_token=token)
        try:
            args.write_openapi.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise ServeConfigError(
                f"--write-openapi {args.write_openapi}: cannot write it ({exc.strerror})"
            ) from None
        return 0
    config = config_from(args)
    tls = None
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            raise ServeConfigError("--tls-cert and --tls-key go together")
        tls = Tls(args.tls_cert, args.tls_key, args.tls_client_ca)
        _check_tls(tls)
    elif args.tls_client_ca:
        raise ServeConfigError("--tls-client-ca needs --tls-cert and --tls-key")
    logging.config.dictConfig(log_config(args.log_level))
    sock = bind(args.host, args.port if args.port is not None else 8443 if tls else 8080)
    try:
        app = create_app(config)
    except sqlite3.Error as exc:
        sock.close()
        raise ServeConfigError(f"--db {config.db}: cannot keep the state there ({exc})") from None
    server = uvicorn_server(app, tls, args.log_level, not args.no_access_log, config)
    announce(config, sock, tls)
    server.run(sockets=[sock])
    return 0


@command("certs")
def certs(args: argparse.Namespace) -> int:
    """Write the test PKI."""
    from vsb.serve.identity import identity_of

    if args.days <= 0:
        raise ValueError(f"--days {args.days}: must be positive")
    staff = [s.strip() for s in args.staff.split(",") if s.strip()]
    if not staff:
        raise ValueError("--staff: give at least one staff id")
    wrong = [s for s in staff if identity_of(staff_subject(180, s)) is None]
    if wrong:
        raise ValueError(f"--staff {','.join(wrong)}: a staff id is 1 to 64 of A-Z a-z 0-9 . _ -")
    mbes = [(m.hco, m.name) for m in load_mbes(args.fixtures / "mbes.toml")]
    try:
        written = write_test_pki(args.out, mbes, staff, args.days)
    except OSError as exc:
        raise ValueError(f"--out {args.out}: cannot write there ({exc.strerror})") from None
    except ValueError as exc:  # a ca.pem / ca.key there that is not a certificate and key
        raise ValueError(f"--out {args.out}: cannot use the CA there ({exc})") from None
    print(
        f"wrote {len(written)} certificates to {args.out} (CA: {args.out / 'ca.pem'}; "
        f"MBEs: mbe-<hco>.pem/.key; staff: staff-<zorgkas>-<id>.pem/.key)"
    )
    return 0
