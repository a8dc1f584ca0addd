"""`vsb token`: prints an access token of a running service, and one clear line when it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import MBE, LiveServer
from vsb.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["token", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_printed_token_works_as_the_mbe(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "--mbe", MBE, "--url", server.url, "--cert-dir", str(server.pki))
    assert code == 0, err
    token = out.strip()
    assert token.startswith("vsbat_") and "\n" not in token
    assert f"{MBE}, valid 3600 s" in err
    answer = server.client.get("/v1/feed", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_curl_prints_the_header_form_for_a_staff_member(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(
        capsys, "--staff", "180:s1", "--url", server.url, "--cert-dir", str(server.pki), "--curl"
    )
    assert code == 0
    assert out.startswith("-H 'Authorization: Bearer vsbat_") and out.endswith("'\n")
    token = out.strip().removeprefix("-H 'Authorization: Bearer ").removesuffix("'")
    queue = server.client.get(
        "/v1/zorgkassen/180/reviews", headers={"Authorization": f"Bearer {token}"}
    )
    assert queue.status_code == 200


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--mbe", "123"], "--mbe '123': must be an 11-digit HCO number"),
        (["--staff", "190:s1"], "--staff '190:s1': must be <zorgkas>:<id>"),
        (["--mbe", "76310195931"], "no mbe-76310195931.pem"),
        (["--staff", "180:nobody"], "no staff-180-nobody.pem"),
        (["--url", "ftp://x"], "--url 'ftp://x': must start with http"),
        (["--url", "http://127.0.0.1:1"], "--url http://127.0.0.1:1: cannot reach the service"),
        (["--url", "http://[::1"], "--url http://[::1: not a URL"),
    ],
)
def test_what_keeps_a_token_from_being_asked_for_is_one_line_naming_the_flag(
    server: LiveServer, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    base = {"--mbe": MBE, "--url": server.url, "--cert-dir": str(server.pki)}
    if "--staff" in argv:
        del base["--mbe"]
    base.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    code, out, err = _run(capsys, *[part for pair in base.items() for part in pair])
    assert code == 2 and out == ""
    assert says in err and "Traceback" not in err
    assert err.startswith("vsb token: error: ") and err.count("\n") == 1


def test_a_missing_key_is_named(
    server: LiveServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / f"mbe-{MBE}.pem").write_bytes((server.pki / f"mbe-{MBE}.pem").read_bytes())
    code, _, err = _run(capsys, "--mbe", MBE, "--url", server.url, "--cert-dir", str(tmp_path))
    assert code == 2
    assert f"--cert-dir {tmp_path}: no mbe-{MBE}.key" in err


def test_a_refusal_names_the_service_s_error_and_exits_1(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys,
        *("--mbe", MBE, "--url", server.url, "--cert-dir", str(server.pki)),
        *("--audience", "somewhere-else"),
    )
    assert (code, out) == (1, "")
    assert "refused the token: 401 invalid_client: aud must be 'vsb-central'" in err


def test_a_url_that_is_no_token_endpoint_is_named(
    server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        capsys, "--mbe", MBE, "--url", f"{server.url}/v1", "--cert-dir", str(server.pki)
    )
    assert code == 2 and "Traceback" not in err
    assert f"--url {server.url}/v1: POST /oauth/token answered 404" in err


def test_a_key_that_is_no_key_is_named(
    server: LiveServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / f"mbe-{MBE}.pem").write_bytes((server.pki / f"mbe-{MBE}.pem").read_bytes())
    (tmp_path / f"mbe-{MBE}.key").write_text("not a key")
    code, _, err = _run(capsys, "--mbe", MBE, "--url", server.url, "--cert-dir", str(tmp_path))
    assert code == 2 and "Traceback" not in err
    assert f"--cert-dir {tmp_path}: mbe-{MBE}:" in err
