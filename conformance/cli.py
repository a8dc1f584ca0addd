"""`vsb certify central`: run the conformance suite against a central application.

Importing this module registers the sub-command (entry point `vsb.commands`, pyproject.toml).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vsb.cli import _EXTENSIONS, RULE_NOTES, command

EPILOG = """exit status: 0 every selected scenario passed; 1 a scenario failed; 2 the run could not
start (bad option, target unreachable, nothing selected).

examples:
  vsb certify central --report out/certify
  vsb certify central --requirement REQ-RQ-DEADLINE --report out/deadline
  vsb certify central --tags "REQ-BL-THRESHOLD or REQ-BL-MEMBER" --report out/billing
  vsb certs --out certs && vsb serve --test-control --ca certs/ca.pem &
  vsb certify central --url http://127.0.0.1:8080 --ca certs/ca --report out/http
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `certify` (with its one direction so far, `central`) to the `vsb` parser."""
    certify = sub.add_parser(
        "certify",
        help="run the conformance suite against a system and write the evidence",
        description="Run the Gherkin conformance suite (features/) and write JUnit XML, "
        "Cucumber JSON and an HTML report with a verdict per requirement.",
    )
    directions = certify.add_subparsers(dest="direction", required=True, metavar="DIRECTION")
    central = directions.add_parser(
        "central",
        help="certify a central zorgkassen application",
        description="Certify a central zorgkassen application: the in-process reference (the "
        "default), an in-process Python candidate (--app), or any service implementing "
        "docs/openapi.json with its test control (--url).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = central.add_argument_group("target (default: the in-process reference)")
    target.add_argument("--url", help="base URL of a central application with test control")
    target.add_argument(
        "--ca",
        help="stem or .pem of the test CA the target trusts (its .key beside it): the harness "
        "issues the MBE and staff certificates it needs",
    )
    target.add_argument(
        "--cert-dir", help="folder of client certificates as `vsb certs` writes them"
    )
    target.add_argument(
        "--audience", default="vsb-central", help="client assertion audience (default vsb-central)"
    )
    target.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        help="seconds to wait for each answer before the scenario fails (default 10)",
    )
    target.add_argument(
        "--app",
        metavar="MODULE:FACTORY",
        help="an in-process candidate: a callable taking a vsb.clock.FixedClock and returning "
        "an object with the interface of vsb.engine.CentralApplication",
    )
    select = central.add_argument_group("selection (default: every scenario)")
    select.add_argument("--tags", help='pytest mark expression over tags, e.g. "REQ-RQ-DEADLINE"')
    select.add_argument(
        "--requirement",
        action="append",
        default=[],
        metavar="ID",
        help="only the scenarios of this requirement (repeatable)",
    )
    select.add_argument("--features", type=Path, help="another folder of .feature files")
    central.add_argument("--report", type=Path, required=True, help="folder for the reports")
    central.add_argument("--quiet", action="store_true", help="no progress lines")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 600 seconds")
    return value


@command("certify")
def certify(args: argparse.Namespace) -> int:
    """Run the suite; print where the reports are; exit 0, 1 or 2."""
    # pytest and the suite load only when a certification runs, not on every `vsb` command.
    from conformance.runner import CannotStart, CertifyOptions, run

    options = CertifyOptions(
        report=args.report,
        url=args.url,
        ca=args.ca,
        cert_dir=args.cert_dir,
        audience=args.audience,
        timeout=args.timeout,
        app=args.app,
        tags=args.tags,
        requirements=tuple(args.requirement),
        features=args.features,
        progress=not args.quiet,
    )
    try:
        outcome = run(options)
    except CannotStart as exc:
        print(f"vsb certify central: cannot start: {exc}", file=sys.stderr)
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
