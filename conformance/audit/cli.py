"""`vsb audit FILE`: the MBE-side checks over recorded traffic.

Importing this module registers the sub-command (entry point `vsb.commands`, pyproject.toml).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vsb.cli import _EXTENSIONS, command

EPILOG = """exit status: 0 no violation by MBE software; 1 at least one violation; 2 the input
cannot be read (the error names the file, line and field).

With registry/ and mbes.toml beside the first FILE (as `vsb simulate --out DIR` writes them,
with rulebook-overlay.toml when the run had [growth] MBEs), or --registry and --mbes, the
messages are replayed through the reference application and the recorded answers are compared
with its answers; otherwise the recorded answers are the verdicts.

examples:
  vsb audit out/sim/messages.jsonl
  vsb audit out/sim/messages.jsonl --format json --out out/audit
  vsb audit traffic.jsonl --registry ksz/ --mbes mbes.toml
  vsb audit out/sim/messages.jsonl --recorded
"""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `audit` to the `vsb` parser."""
    parser = sub.add_parser(
        "audit",
        help="check recorded traffic for violations by MBE software",
        description="Read recorded traffic (JSON Lines, docs/audit.md), judge every MBE "
        "message by the reference application, and list every violation by MBE software "
        "with its requirement, the message and why, and a summary per MBE and requirement.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="JSON Lines of messages and answers; beside a messages.jsonl the simulator's "
        "answers.jsonl, decisions.jsonl and settlements.jsonl are read too",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--out", type=Path, help="also write audit.txt and audit.json to this folder"
    )
    parser.add_argument(
        "--registry",
        type=_folder,
        help="registry folder to replay with (docs/registry-format.md)",
    )
    parser.add_argument("--mbes", type=_file, help="MBE file to replay with (vsb.mbes format)")
    parser.add_argument(
        "--rulebook-overlay",
        type=_file,
        metavar="FILE",
        help="rulebook overlay to replay with: tariffs of MBEs the rulebook does not know "
        "(default: rulebook-overlay.toml beside the first FILE, as vsb simulate writes it)",
    )
    parser.add_argument(
        "--recorded",
        action="store_true",
        help="judge by the recorded answers: do not replay",
    )


def _folder(text: str) -> Path:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text}: no such folder")
    return Path(text)


def _file(text: str) -> Path:
    if not Path(text).is_file():
        raise argparse.ArgumentTypeError(f"{text}: no such file")
    return Path(text)


@command("audit")
def audit_command(args: argparse.Namespace) -> int:
    """Audit the files; print the report; exit 0, 1 or 2."""
    from conformance.audit.render import as_json, as_text
    from conformance.audit.run import AuditOptions, audit

    if args.recorded and (args.registry or args.mbes or args.rulebook_overlay):
        print(
            "vsb audit: error: --recorded does not replay: drop --registry/--mbes"
            "/--rulebook-overlay",
            file=sys.stderr,
        )
        return 2
    if (args.registry is None) != (args.mbes is None):
        print("vsb audit: error: a replay needs both --registry and --mbes", file=sys.stderr)
        return 2
    try:
        options = AuditOptions(
            args.files, args.registry, args.mbes, args.recorded, args.rulebook_overlay
        )
        report = audit(options)
    except ValueError as exc:  # TrafficError, RegistryFileError, MbeFileError, RulebookError
        print(f"vsb audit: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. registry/ beside the input but no mbes.toml
        print(f"vsb audit: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    text = as_text(report)
    document = json.dumps(as_json(report), indent=2, ensure_ascii=False)
    if args.out is not None:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / "audit.txt").write_text(text + "\n", encoding="utf-8")
            (args.out / "audit.json").write_text(document + "\n", encoding="utf-8")
        except OSError as exc:
            print(
                f"vsb audit: error: --out {args.out}: cannot write there ({exc.strerror})",
                file=sys.stderr,
            )
            return 2
    print(document if args.format == "json" else text)
    return report.exit_code


if add_parser not in _EXTENSIONS:
    _EXTENSIONS.append(add_parser)
