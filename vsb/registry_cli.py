"""`vsb registry generate`: a larger patient pool as a fixtures folder of one's own.

Writes `OUT/registry/` (docs/registry-format.md) with the generated persons of
`vsb.population` and `OUT/mbes.toml` (the packaged MBEs), so that `vsb serve --fixtures OUT`,
`vsb run --fixtures OUT` and `vsb certs --fixtures OUT` take it as it is.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from vsb.cli import _EXTENSIONS, command
from vsb.membership import ZORGKASSEN
from vsb.population import MAX_REGISTRY_PERSONS, generate_persons, write_registry
from vsb.resources import fixtures


def _persons(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of persons") from None
    if not 1 <= count <= MAX_REGISTRY_PERSONS:
        raise argparse.ArgumentTypeError(
            f"{count} is not from 1 to {MAX_REGISTRY_PERSONS:,} (what a registry may hold)"
        )
    return count


def _zorgkassen(text: str) -> list[int]:
    codes = [code.strip() for code in text.split(",")]
    wrong = [code for code in codes if code not in ZORGKASSEN]
    if wrong:
        raise argparse.ArgumentTypeError(
            f"{', '.join(map(repr, wrong))}: not a zorgkas; give some of {', '.join(ZORGKASSEN)}"
        )
    return sorted({ZORGKASSEN[code] for code in codes})


def _parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    registry = sub.add_parser(
        "registry",
        help="make registries of test persons",
        description="Make registries of test persons for `vsb serve --fixtures`.",
    )
    action = registry.add_subparsers(dest="registry_command", required=True, metavar="ACTION")
    p = action.add_parser(
        "generate",
        help="write a fixtures folder with N generated, insured test persons",
        description="Write OUT/registry/ (national-register.csv, affiliations.csv) with N test "
        "persons, each living in Flanders with a valid RRN and officially affiliated with a "
        "zorgkas from 2001-01-01, and OUT/mbes.toml (the packaged MBEs): a fixtures folder for "
        "`vsb serve --fixtures OUT`. The same seed gives the same persons.",
    )
    p.add_argument("--persons", type=_persons, required=True, metavar="N", help="how many")
    p.add_argument("--seed", type=int, default=0, help="the random seed (default 0)")
    p.add_argument(
        "--zorgkassen",
        type=_zorgkassen,
        default=sorted(ZORGKASSEN.values()),
        metavar="180,280,...",
        help="the zorgkassen the persons are affiliated with (default all six)",
    )
    p.add_argument("--out", type=Path, required=True, help="the folder to write (new or empty)")


_EXTENSIONS.append(_parser)


@command("registry")
def generate(args: argparse.Namespace) -> int:
    """Write the generated registry and the MBEs to `--out`."""
    out: Path = args.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"--out {out}: not a new or empty folder; nothing there is overwritten")
    snapshot = generate_persons(args.persons, args.seed, args.zorgkassen)
    try:
        write_registry(snapshot, out / "registry")
        shutil.copyfile(fixtures() / "mbes.toml", out / "mbes.toml")
    except OSError as exc:
        raise ValueError(f"--out {out}: cannot write there ({exc.strerror or exc})") from None
    print(
        f"wrote {len(snapshot.persons)} test persons (seed {args.seed}) to {out / 'registry'} "
        f"and the MBEs to {out / 'mbes.toml'}; use it with `vsb serve --fixtures {out}`"
    )
    return 0
