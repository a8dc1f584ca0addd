"""The `vsb` command line: rules and the sample run here; other packages add theirs.

`vsb` imports neither `simulator` nor `conformance`: those packages declare their sub-commands
as entry points of the group `vsb.commands` (pyproject.toml), loaded when the command line
starts, so dependencies keep pointing one way.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import NoReturn

from vsb.billing.rules import billing_rules, tariff_document, tariff_lines
from vsb.catalogue import CatalogueError, load_catalogue
from vsb.resources import ResourceError, fixtures
from vsb.rulebook import RulebookError, default_rulebook, load_overlay

# Errors a user can cause with a bad file or flag: reported in one line, never a traceback.
USER_ERRORS: tuple[type[Exception], ...] = (
    CatalogueError,
    RulebookError,
    FileNotFoundError,
    ValueError,
    KeyError,
    ResourceError,
    OSError,  # the last resort for a file or folder no check named first: the OS's words
)

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    """Register a sub-command implementation."""

    def register(function: Command) -> Command:
        _COMMANDS[name] = function
        return function

    return register


def fixtures_folder(text: str) -> Path:
    """An argparse type: a fixtures folder of one's own, holding registry/ and mbes.toml."""
    folder = Path(text)
    for part, there in (("mbes.toml", Path.is_file), ("registry/", Path.is_dir)):
        if not there(folder / part):
            raise argparse.ArgumentTypeError(
                f"{text}: no {part} there; give a folder with registry/ and mbes.toml (as "
                "`vsb simulate --out` writes), or omit the flag for the packaged fixtures"
            )
    return folder


class _Parser(argparse.ArgumentParser):
    """An argument parser whose refusal is one line: the usage of a command with thirty
    flags would bury the one that is wrong."""

    def error(self, message: str) -> NoReturn:
        """Exit 2 with `message` (it names the flag) and where the usage is."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="vsb",
        description="Simulation and conformance harness for the VSB central zorgkassen "
        "application and MBE software (palliative home-care teams).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    rules = sub.add_parser(
        "rules",
        help="print the requirement catalogue and the rulebook",
        description="Print every requirement (id, text, source, actor) and "
        "the rulebook's parameters and code lists.",
    )
    rules.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for machines",
    )
    rules.add_argument("--area", help="only requirements of this area (e.g. request, billing)")
    rules.add_argument(
        "--rulebook-overlay",
        type=Path,
        metavar="FILE",
        help="show the rulebook extended by this overlay: tariffs of MBEs it does not know "
        "(rulebook-overlay.toml of a vsb simulate run with [growth] MBEs)",
    )
    run = sub.add_parser(
        "run",
        help="run the reference application over the sample story",
        description="Load the fixture registry and MBEs, play the sample "
        "story of messages and staff decisions through the in-process "
        "reference application, and print every answer.",
    )
    run.add_argument(
        "--fixtures",
        type=fixtures_folder,
        default=fixtures(),
        help="fixtures folder with registry/ and mbes.toml (default: the packaged fixtures)",
    )
    run.add_argument(
        "--story",
        type=Path,
        default=None,
        help="story file, JSON Lines (default: FIXTURES/samples/story.jsonl)",
    )
    run.add_argument("--format", choices=("text", "json"), default="text")
    for extend in _EXTENSIONS:
        extend(sub)
    _check_values(parser)
    return parser


# `vsb simulate` and `vsb plan` check their own flags (simulator/).
_OWN_CHECKS = frozenset({"simulate", "plan"})


def _check_values(parser: argparse.ArgumentParser) -> None:
    """Give every value-taking flag of `parser` and its sub-commands the rules every value
    keeps (see `_checked`), on top of its own type; argparse then refuses a breach naming the
    flag, before anything runs."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command_parser in action.choices.items():
                if name not in _OWN_CHECKS:
                    _check_values(command_parser)
        elif action.nargs != 0 and action.choices is None:
            action.type = _checked(action.type)  # type: ignore[arg-type]


def _checked(convert: Callable[[str], object] | None) -> Callable[[str], object]:
    """`convert` (text by default) refusing what no flag takes: empty or blank text, control
    characters, text with blanks around it, and numbers that are negative or not finite."""

    def check(text: str) -> object:
        if not text.strip():
            raise argparse.ArgumentTypeError("empty; give a value")
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            raise argparse.ArgumentTypeError(f"{text!r} holds a control character")
        if convert is None and text != text.strip():
            raise argparse.ArgumentTypeError(f"{text!r} has blanks around it")
        value = text if convert is None else convert(text)
        if isinstance(value, float) and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text} is not a finite number")
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise argparse.ArgumentTypeError(f"{text} is negative; must be 0 or more")
        return value

    # argparse names the type in "invalid int value: 'x'"
    check.__name__ = getattr(convert, "__name__", "str")
    return check


# What other packages know about each requirement (the conformance suite: which scenarios test
# it), shown by `vsb rules`; each returns requirement id -> a short note.
RULE_NOTES: list[Callable[[], dict[str, str]]] = []


def _rule_notes() -> dict[str, list[str]]:
    notes: dict[str, list[str]] = {}
    for source in RULE_NOTES:
        for requirement, note in source().items():
            notes.setdefault(requirement, []).append(note)
    return notes


# Other packages add sub-commands here (simulate, conformance, serve).
_EXTENSIONS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = []


@command("rules")
def _rules(args: argparse.Namespace) -> int:
    catalogue = load_catalogue()
    rulebook = default_rulebook()
    if args.rulebook_overlay is not None:  # RulebookError naming the file and key: exit 2
        rulebook = load_overlay(args.rulebook_overlay).extend(rulebook)
    requirements = [r for r in catalogue.requirements if args.area in (None, r.area)]
    notes = _rule_notes()
    if args.area is not None and not requirements:
        areas = sorted({r.area for r in catalogue.requirements})
        raise ValueError(f"--area {args.area!r} matches no requirement; areas are {areas}")
    if args.format == "json":
        document = {
            "rulebook": {
                "id": rulebook.id,
                "description": rulebook.description,
                "effective_from": rulebook.effective_from.isoformat(),
                "parameters": {
                    name: {"value": _plain(p.value), "requirement": p.requirement, "text": p.text}
                    for name, p in rulebook.parameters.items()
                },
                "codelists": {name: dict(codes) for name, codes in rulebook.codelists.items()},
                "billing": tariff_document(billing_rules(rulebook)),
            },
            "requirements": [
                {**r.as_dict(), "coverage": notes.get(r.id, [])} for r in requirements
            ],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return 0
    for r in requirements:
        kind = f" [{r.error_type}]" if r.error_type else ""
        auto = "automated" if r.automated else "manual"
        print(f"{r.id}{kind}  ({r.area}; binds {r.actor}; {auto}; on breach: {r.outcome})")
        print(f"    {r.text}")
        print(f"    source: {r.source}")
        if not r.automated:
            print(f"    manual: {r.manual_reason}")
        for note in notes.get(r.id, []):
            print(f"    coverage: {note}")
    print(f"\nRulebook {rulebook.id}, effective {rulebook.effective_from}:")
    if args.rulebook_overlay is not None:
        print(f"  {rulebook.description}")
    for name, p in rulebook.parameters.items():
        print(f"  {name} = {_plain(p.value)}  ({p.requirement}) {p.text}")
    print("\n" + "\n".join(tariff_lines(billing_rules(rulebook))))
    print(f"\n{len(requirements)} requirements; code lists: {', '.join(rulebook.codelists)}")
    return 0


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


COMMAND_GROUP = "vsb.commands"


def _load_commands() -> None:
    """Import the modules that register sub-commands: vsb's own, then every entry point."""
    import vsb.registry_cli
    import vsb.serve.cli
    import vsb.serve.token_cli
    import vsb.story  # noqa: F401  (registers `run`)

    for entry in entry_points(group=COMMAND_GROUP):
        entry.load()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `vsb` console script."""
    _load_commands()
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except USER_ERRORS as exc:
        print(f"vsb {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader (| head) stopped listening: not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"vsb {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    # `python -m vsb.cli`: run the imported `vsb.cli`, the module the sub-commands register
    # with, not this copy named __main__ (which would know only `rules` and `run`).
    from vsb import cli

    sys.exit(cli.main())
