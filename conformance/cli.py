"""`vsb certify central | mbe`: run the conformance suite against a central application, or
against MBE software with the harness playing the central application.

Importing this module registers the sub-command (entry point `vsb.commands`, pyproject.toml).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

from vsb.cli import _EXTENSIONS, RULE_NOTES, command

EXIT = """exit status: 0 every selected scenario passed; 1 a scenario failed; 2 the run could not
start (bad option, target unreachable, nothing selected).
"""

CENTRAL_EXAMPLES = """
examples:
  vsb certify central --report out/certify
  vsb certify central --requirement REQ-RQ-DEADLINE --report out/deadline
  vsb certify central --tags "REQ-BL-THRESHOLD or REQ-BL-MEMBER" --report out/billing
  vsb certs --out certs && vsb serve --test-control --ca certs/ca.pem &
  vsb certify central --url http://127.0.0.1:8080 --ca certs/ca --report out/http
"""

MBE_EXAMPLES = """
examples:
  vsb certify mbe --report out/mbe                      # the reference MBE client
  vsb certify mbe --driver mypkg.driver:MyDriver --report out/mine
  vsb certify mbe --driver-url http://127.0.0.1:9000 --report out/mine-http
  vsb certify mbe --manual --wait 120 --report out/by-hand
"""

Subparsers = argparse._SubParsersAction  # generic only for the type checker


def add_parser(sub: Subparsers[argparse.ArgumentParser]) -> None:
    """Add `certify central` and `certify mbe` to the `vsb` parser."""
    certify = sub.add_parser(
        "certify",
        help="run the conformance suite against a system and write the evidence",
        description="Run the Gherkin conformance suite (features/) and write JUnit XML, "
        "Cucumber JSON and an HTML report with a verdict per requirement.",
    )
    directions = certify.add_subparsers(dest="direction", required=True, metavar="DIRECTION")
    _central_parser(directions)
    _mbe_parser(directions)


def _central_parser(directions: Subparsers[argparse.ArgumentParser]) -> None:
    central = directions.add_parser(
        "central",
        help="certify a central zorgkassen application",
        description="Certify a central zorgkassen application: the in-process reference (the "
        "default), an in-process Python candidate (--app), or any service implementing "
        "docs/openapi.json with its test control (--url).",
        epilog=EXIT + CENTRAL_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = central.add_argument_group("target (default: the in-process reference)")
    target.add_argument(
        "--url", type=_http_url, help="base URL of a central application with test control"
    )
    target.add_argument(
        "--ca",
        type=_test_ca,
        help="stem or .pem of the test CA the target trusts (its .key beside it): the harness "
        "issues the MBE and staff certificates it needs",
    )
    target.add_argument(
        "--cert-dir",
        type=_cert_dir,
        help="folder of client certificates as `vsb certs` writes them",
    )
    target.add_argument(
        "--audience", default="vsb-central", help="client assertion audience (default vsb-central)"
    )
    target.add_argument(
        "--app",
        metavar="MODULE:FACTORY",
        help="an in-process candidate: a callable taking a vsb.clock.FixedClock and returning "
        "an object with the interface of vsb.engine.CentralApplication",
    )
    _common(central)


def _mbe_parser(directions: Subparsers[argparse.ArgumentParser]) -> None:
    mbe = directions.add_parser(
        "mbe",
        help="certify MBE software (the harness plays the central application)",
        description="Certify MBE software: the harness plays the central application, tells "
        "the software what happens (a patient taken on, a begeleiding started, stopped, the "
        "billing day) through its driver, and judges every message the software sends. "
        "The driver contract: docs/driver.md.",
        epilog=EXIT + MBE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = mbe.add_argument_group("candidate (default: the reference MBE client)")
    target.add_argument(
        "--driver", metavar="MODULE:CLASS", help="a Python driver class (conformance.mbe.driver)"
    )
    target.add_argument(
        "--driver-url", type=_http_url, help="base URL of a driver speaking the HTTP interface"
    )
    target.add_argument(
        "--manual",
        action="store_true",
        help="no driver: print each action for a person to perform, wait for the message",
    )
    target.add_argument(
        "--wait",
        type=_seconds,
        default=None,
        help="seconds to wait for a message the software should send (default 60 with "
        "--manual, 5 with --driver-url; an in-process driver is not waited for)",
    )
    _common(mbe)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        help="seconds to wait for each HTTP answer before the scenario fails (default 10)",
    )
    select = parser.add_argument_group("selection (default: every scenario)")
    select.add_argument(
        "--tags", type=_tags, help='pytest mark expression over tags, e.g. "REQ-RQ-DEADLINE"'
    )
    select.add_argument(
        "--requirement",
        action="append",
        default=[],
        metavar="ID",
        help="only the scenarios of this requirement (repeatable)",
    )
    select.add_argument("--features", type=Path, help="another folder of .feature files")
    parser.add_argument("--report", type=Path, required=True, help="folder for the reports")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 600 seconds")
    return value


def _http_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an http(s) URL, e.g. http://127.0.0.1:8080"
        )
    return text


def _test_ca(text: str) -> str:
    from conformance.adapters.http import _ca_stem
    from vsb.serve.certs import Issued

    stem = _ca_stem(text)
    try:
        Issued.read(stem)
    except (OSError, ValueError) as exc:
        raise argparse.ArgumentTypeError(
            f"{text}: not a test CA ({exc}); give {stem}.pem with its key {stem}.key beside "
            "it, as `vsb certs` writes them"
        ) from None
    return text


def _cert_dir(text: str) -> str:
    folder = Path(text)
    if not folder.is_dir() or not any(folder.glob("*.pem")):
        raise argparse.ArgumentTypeError(
            f"{text}: no certificates (*.pem) there; write them with `vsb certs --out {text}`"
        )
    return text


def _tags(text: str) -> str:
    from _pytest.mark.expression import Expression  # pytest's own reader of `-m` expressions

    try:
        Expression.compile(text)
    except Exception as exc:  # SyntaxError since pytest 8.3, its own ParseError before
        raise argparse.ArgumentTypeError(f"{text!r} is not a tag expression ({exc})") from None
    return text


@command("certify")
def certify(args: argparse.Namespace) -> int:
    """Run the suite; print where the reports are; exit 0, 1 or 2."""
    # pytest and the suite load only when a certification runs, not on every `vsb` command.
    from conformance.runner import CannotStart, CertifyOptions, run

    central = args.direction == "central"
    options = CertifyOptions(
        report=args.report,
        direction=args.direction,
        url=args.url if central else None,
        ca=args.ca if central else None,
        cert_dir=args.cert_dir if central else None,
        audience=args.audience if central else "vsb-central",
        timeout=args.timeout,
        app=args.app if central else None,
        driver=None if central else args.driver,
        driver_url=None if central else args.driver_url,
        manual=False if central else args.manual,
        wait=None if central else args.wait,
        tags=args.tags,
        requirements=tuple(args.requirement),
        features=args.features,
        progress=not args.quiet,
    )
    try:
        outcome = run(options)
    except CannotStart as exc:
        print(f"vsb certify {args.direction}: cannot start: {exc}", file=sys.stderr)
        return 2
    verdict = "CONFORMANT" if outcome.exit_code == 0 else "NOT CONFORMANT"
    print(f"{verdict}: {outcome.passed} passed, {outcome.failed} failed, {outcome.skipped} skipped")
    print(f"report: {outcome.html}  (also junit.xml, cucumber.json in {args.report})")
    return outcome.exit_code


def coverage_notes() -> dict[str, str]:
    """Per requirement, the scenarios of the suite that test it (for `vsb rules`)."""
    from conformance.coverage import binds_central, read_coverage
    from conformance.features import features_dir
    from vsb.catalogue import load_catalogue

    catalogue = load_catalogue()
    folder = features_dir()
    if not folder.is_dir():
        return {}
    coverage = read_coverage(folder, catalogue)
    notes = {}
    for requirement in catalogue.requirements:
        refs = coverage.scenarios.get(requirement.id, [])
        files = sorted({ref.feature_file for ref in refs})
        if refs:
            notes[requirement.id] = (
                f"{coverage.count(requirement.id)} scenarios in {', '.join(files)}"
            )
        elif binds_central(requirement):
            notes[requirement.id] = "NO SCENARIO in the conformance suite"
    return notes


if add_parser not in _EXTENSIONS:
    _EXTENSIONS.append(add_parser)
if coverage_notes not in RULE_NOTES:
    RULE_NOTES.append(coverage_notes)
