"""Bad input to any `vsb` command: exit status 2, one error naming the flag, no traceback.

Each class of bad input a newcomer gives (a number out of range, a folder that cannot be
written, a missing or malformed file or folder, a value outside the rule) is tried on every
command that takes such a flag. Commands that fail before they start anything run in process;
those that get as far as opening a database or a port run as a process of their own.
"""

from __future__ import annotations

import argparse
import math
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.runner import check_app
from vsb import cli
from vsb.cli import _checked, main


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder with the things newcomers get wrong: a file where a folder should be,
    a file that is not PEM, a CA folder whose files are not a certificate and key, an empty
    folder, a fixtures folder without a registry, a story that is not JSON Lines."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("", "utf-8")
    (tmp_path / "bad.pem").write_text("not a certificate\n", "utf-8")
    (tmp_path / "badca").mkdir()
    (tmp_path / "badca" / "ca.pem").write_text("x\n", "utf-8")
    (tmp_path / "badca" / "ca.key").write_text("y\n", "utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "onlymbes").mkdir()
    (tmp_path / "onlymbes" / "mbes.toml").write_text("", "utf-8")
    return tmp_path


def _vsb(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run `vsb ARGS` in process: its exit status and what it wrote to stderr."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse refuses a flag by exiting 2
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


def _assert_refused(code: int, err: str, flag: str) -> None:
    assert code == 2, err
    assert flag in err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("vsb "), err


NUMBERS_OUT_OF_RANGE = [
    (("serve", "--port", "99999"), "--port"),
    (("serve", "--port", "-1"), "--port"),
    (("serve", "--port", "eighty"), "--port"),
    (("serve", "--max-body", "-5", "--insecure-dev-tokens"), "--max-body"),
    (("certs", "--days", "0"), "--days"),
    (("certs", "--days", "a year"), "--days"),
    (("certify", "central", "--timeout", "0", "--report", "r"), "--timeout"),
    (("certify", "mbe", "--wait", "-3", "--report", "r"), "--wait"),
]


@pytest.mark.parametrize(("args", "flag"), NUMBERS_OUT_OF_RANGE)
def test_a_number_out_of_range_is_refused_naming_its_flag(
    workdir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], flag: str
) -> None:
    _assert_refused(*_vsb(capsys, *args), flag)


UNWRITABLE_OUTPUT = [
    (("certs", "--out", "afile"), "--out"),
    (("certs", "--out", "afile/certs"), "--out"),
    (("certify", "central", "--report", "afile/report"), "--report"),
    (("audit", "afile", "--out", "afile/audit"), "--out"),
    (("serve", "--write-openapi", "afile/openapi.json"), "--write-openapi"),
]


@pytest.mark.parametrize(("args", "flag"), UNWRITABLE_OUTPUT)
def test_an_output_folder_that_cannot_be_written_is_refused_naming_its_flag(
    workdir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], flag: str
) -> None:
    _assert_refused(*_vsb(capsys, *args), flag)


def _flags() -> list[tuple[str, str, str]]:
    """(command, flag, what it takes: number, text or path) for every value-taking flag of
    every command but `simulate` and `plan` (simulator/ checks those), read from the parser."""
    cli._load_commands()
    found: list[tuple[str, str, str]] = []

    def walk(command: str, parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    if name not in ("simulate", "plan"):
                        walk(f"{command} {name}".strip(), sub)
            elif action.nargs != 0 and action.choices is None:
                flag = action.option_strings[-1] if action.option_strings else action.metavar
                found.append((command, str(flag), _kind(action)))

    walk("", cli._parser())
    return found


def _kind(action: argparse.Action) -> str:
    if getattr(action.type, "__name__", "str") == "str":  # no type of its own
        return "text"
    try:
        number = isinstance(action.type("1"), int | float)  # type: ignore[misc,operator]
    except (TypeError, argparse.ArgumentTypeError):
        number = False
    return "number" if number else "path"


FLAGS = _flags()
# Where a value slipped through would otherwise start something slow or lasting.
_GUARD = {"serve": ("--write-openapi", "afile/x"), "run": ("--story", "nowhere.jsonl")}
BAD = {
    "number": ("-1", "inf", "nan", "1e999"),
    "text": ("", "  ", " padded", "a\nb"),
    "path": ("", "  ", "a\nb"),  # a file name may begin with a blank
}
BAD_VALUES = [
    pytest.param(command, flag, value, id=f"{command} {flag} {value!r}")
    for command, flag, kind in FLAGS
    for value in BAD[kind]
]


def test_the_flags_tried_include_every_command_and_the_numbers_of_serve() -> None:
    commands = {command for command, _, _ in FLAGS}
    assert {"rules", "run", "serve", "certs", "token", "audit", "certify central"} <= commands
    numbers = {flag for command, flag, kind in FLAGS if command == "serve" and kind == "number"}
    assert {"--header-timeout", "--body-timeout", "--rate-limit", "--max-body"} <= numbers


@pytest.mark.parametrize(("command", "flag", "value"), BAD_VALUES)
def test_every_flag_refuses_an_empty_blank_negative_or_infinite_value_before_running(
    workdir: Path, capsys: pytest.CaptureFixture[str], command: str, flag: str, value: str
) -> None:
    # Text: empty, blank, blanks around it, a control character; numbers: negative, not finite.
    given = (flag, value) if flag.startswith("--") else (value,)
    code, err = _vsb(capsys, *command.split(), *_GUARD.get(command, ()), *given)
    _assert_refused(code, err, f"argument {flag}:")
    assert len(err.strip().splitlines()) == 1, err


URL = "http://127.0.0.1:9"
MISSING_OR_MALFORMED_INPUT = [
    (("run", "--fixtures", "nowhere"), "--fixtures"),
    (("run", "--fixtures", "onlymbes"), "--fixtures"),
    (("certs", "--fixtures", "afile"), "--fixtures"),
    (("serve", "--fixtures", "empty", "--insecure-dev-tokens"), "--fixtures"),
    (("serve", "--ca", "nowhere.pem"), "--ca"),
    (("serve", "--ca", "bad.pem"), "--ca"),
    (("serve", "--tls-cert", "bad.pem", "--tls-key", "bad.pem", "--ca", "bad.pem"), "--ca"),
    (
        ("serve", "--insecure-dev-tokens", "--tls-cert", "bad.pem", "--tls-key", "bad.pem"),
        "--tls-cert",
    ),
    (("serve", "--insecure-dev-tokens", "--tls-cert", "bad.pem", "--tls-key", "no.key"), "--tls"),
    (("certs", "--out", "badca"), "--out"),
    (("run", "--story", "nowhere.jsonl"), "--story"),
    (("certify", "central", "--url", URL, "--ca", "bad.pem", "--report", "r"), "--ca"),
    (("certify", "central", "--url", URL, "--ca", "badca/ca", "--report", "r"), "--ca"),
    (("certify", "central", "--url", URL, "--cert-dir", "empty", "--report", "r"), "--cert-dir"),
    (("certify", "central", "--features", "empty", "--report", "r"), "--features"),
    (("audit", "nowhere.jsonl"), "nowhere.jsonl"),
    (("audit", "empty"), "empty"),
    (("audit", "afile", "--registry", "nowhere", "--mbes", "afile"), "--registry"),
    (("audit", "afile", "--registry", "empty", "--mbes", "nowhere.toml"), "--mbes"),
]


@pytest.mark.parametrize(("args", "flag"), MISSING_OR_MALFORMED_INPUT)
def test_a_missing_or_malformed_file_or_folder_is_refused_naming_its_flag(
    workdir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], flag: str
) -> None:
    _assert_refused(*_vsb(capsys, *args), flag)


VALUES_AGAINST_THE_RULE = [
    (("rules", "--area", "gardening"), "--area"),
    (("rules", "--format", "xml"), "--format"),
    (("run", "--format", "xml"), "--format"),
    (("certs", "--staff", "anna maria"), "--staff"),
    (("certs", "--staff", ","), "--staff"),
    (("certify", "central", "--url", "localhost:8080", "--report", "r"), "--url"),
    (("certify", "central", "--tags", "REQ-RQ-DEADLINE and (", "--report", "r"), "--tags"),
    (("certify", "central", "--requirement", "REQ-NOT-A-RULE", "--report", "r"), "--requirement"),
    (("certify", "central", "--app", "no_colon", "--report", "r"), "--app"),
    (("certify", "mbe", "--driver-url", "ftp://driver", "--report", "r"), "--driver-url"),
    (("audit", "afile", "--format", "xml"), "--format"),
    (("audit", "afile", "--registry", "empty"), "--mbes"),
]


@pytest.mark.parametrize(("args", "flag"), VALUES_AGAINST_THE_RULE)
def test_a_value_against_the_rule_is_refused_naming_its_flag(
    workdir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], flag: str
) -> None:
    _assert_refused(*_vsb(capsys, *args), flag)


def _vsb_process(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vsb.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


SERVE_THAT_CANNOT_START = [
    (("--db", "afile/state.sqlite"), "--db"),
    (("--db", "bad.pem"), "--db"),  # a file that is not an SQLite database
]


@pytest.mark.parametrize(("args", "flag"), SERVE_THAT_CANNOT_START)
def test_serve_with_a_database_it_cannot_use_exits_2_naming_the_flag(
    workdir: Path, args: tuple[str, ...], flag: str
) -> None:
    done = _vsb_process(workdir, "serve", "--insecure-dev-tokens", "--port", "0", *args)
    _assert_refused(done.returncode, done.stderr, flag)


def test_serve_on_a_port_in_use_exits_2_naming_the_port(workdir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        done = _vsb_process(workdir, "serve", "--insecure-dev-tokens", "--port", port)
    _assert_refused(done.returncode, done.stderr, f"--port {port}")
    assert "in use" in done.stderr


def test_an_error_no_check_names_is_still_one_line_without_traceback(workdir: Path) -> None:
    # The last resort of vsb.cli.main: an OS error is one line naming the command and the path.
    done = _vsb_process(workdir, "simulate", "--scenario", "empty", "--days", "1")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("vsb simulate: error:") and "empty" in done.stderr


NOT_A_CENTRAL_APPLICATION = [
    ("json:loads", "calling it with a clock failed (TypeError"),
    ("copy:copy", "built a FixedClock, not a central application: it has no handle, feed"),
]


@pytest.mark.parametrize(("spec", "what"), NOT_A_CENTRAL_APPLICATION)
def test_an_app_factory_that_builds_no_central_application_is_refused_before_the_run(
    workdir: Path, capsys: pytest.CaptureFixture[str], spec: str, what: str
) -> None:
    code, err = _vsb(capsys, "certify", "central", "--app", spec, "--report", "r")
    _assert_refused(code, err, f"--app {spec}: {what}")
    assert not (workdir / "r").exists()  # refused before anything ran


def test_an_app_factory_that_builds_a_central_application_passes_the_check() -> None:
    check_app("tests.faulty.variants:deadline_31_days")  # raises CannotStart otherwise


@settings(max_examples=300)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_number_flag_takes_exactly_the_finite_numbers_from_0(number: float) -> None:
    check = _checked(float)
    if math.isfinite(number) and number >= 0:
        assert check(repr(number)) == number
    else:
        with pytest.raises(argparse.ArgumentTypeError):
            check(repr(number))


@settings(max_examples=300)
@given(st.text(max_size=12))
def test_a_text_flag_takes_exactly_the_text_without_blanks_around_or_control_characters(
    text: str,
) -> None:
    check = _checked(None)
    if text.strip() == text != "" and text.isprintable():
        assert check(text) == text
    elif any(ord(c) < 32 or ord(c) == 127 for c in text) or text != text.strip() or not text:
        with pytest.raises(argparse.ArgumentTypeError):
            check(text)
