"""Test control and dev tokens stay on loopback unless told otherwise; the test-control token."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from vsb.cli import main
from vsb.serve.config import ServeConfig, ServeConfigError
from vsb.serve.exposure import EXPOSED_FLAG, check_control_token, is_loopback
from vsb.serve.problems import ProblemError

ROOT = Path(__file__).resolve().parents[3]
BASE = ServeConfig(db=":memory:", fixtures=ROOT / "fixtures", ca=None, insecure_dev_tokens=True)
TOKEN = "a-test-control-token-of-32-chars"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])
def test_loopback_addresses_and_localhost_are_loopback(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "", "192.0.2.10", "10.1.2.3", "fe80::1", "no-such-host.invalid"]
)
def test_wildcards_other_addresses_and_unknown_names_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(
    ("test_control", "dev_tokens", "named"),
    [
        (True, False, "--test-control"),
        (False, True, "--insecure-dev-tokens"),
        (True, True, "--test-control and --insecure-dev-tokens"),
    ],
)
def test_test_control_or_dev_tokens_off_loopback_are_refused_naming_the_flag(
    test_control: bool, dev_tokens: bool, named: str
) -> None:
    config = replace(
        BASE,
        host="0.0.0.0",
        test_control=test_control,
        insecure_dev_tokens=dev_tokens,
        ca=None if dev_tokens else ROOT / "fixtures" / "mbes.toml",
    )
    with pytest.raises(ServeConfigError, match=EXPOSED_FLAG) as refused:
        config.check()
    assert named in str(refused.value) and "0.0.0.0" in str(refused.value)


def test_the_explicit_flag_lets_them_listen_off_loopback() -> None:
    replace(BASE, host="0.0.0.0", test_control=True, exposed=True).check()


def test_without_test_control_or_dev_tokens_any_host_is_fine(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not read by check")
    replace(BASE, host="0.0.0.0", insecure_dev_tokens=False, ca=ca).check()


def test_on_loopback_nothing_more_is_needed() -> None:
    replace(BASE, host="127.0.0.1", test_control=True).check()


@pytest.mark.parametrize(
    ("token", "test_control", "says"),
    [
        (TOKEN, False, "needs --test-control"),
        ("short", True, "16 to 256"),
        ("has a space in it somewhere", True, "16 to 256"),
        ("x" * 257, True, "16 to 256"),
    ],
)
def test_a_token_that_cannot_work_is_refused(token: str, test_control: bool, says: str) -> None:
    config = replace(BASE, test_control=test_control, test_control_token=token)
    with pytest.raises(ServeConfigError, match=says):
        config.check()


def test_the_token_is_checked_on_every_call() -> None:
    check_control_token(None, None)  # no token required: anything goes
    check_control_token(TOKEN, f"Bearer {TOKEN}")
    check_control_token(TOKEN, f"bearer {TOKEN}")
    for header in (None, "", TOKEN, f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer ", "Bearer é"):
        with pytest.raises(ProblemError) as refused:
            check_control_token(TOKEN, header)
        problem = refused.value.problem
        assert problem.status == 401
        assert problem.errors[0].rule == "test-control-token"


def test_vsb_serve_refuses_test_control_on_all_addresses_with_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["serve", "--host", "0.0.0.0", "--test-control", "--no-fixtures", "--insecure-dev-tokens"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert EXPOSED_FLAG in err and err.count("\n") == 1


def test_the_token_comes_from_the_environment_only_with_test_control(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VSB_TEST_CONTROL_TOKEN", "short")
    # Without --test-control the variable is not read: the config is fine up to the host.
    assert main(["serve", "--host", "0.0.0.0", "--insecure-dev-tokens", "--no-fixtures"]) == 2
    assert "--insecure-dev-tokens" in capsys.readouterr().err
    # With it, the (too short) token is read and refused.
    code = main(["serve", "--test-control", "--insecure-dev-tokens", "--no-fixtures"])
    assert code == 2
    assert "--test-control-token" in capsys.readouterr().err
