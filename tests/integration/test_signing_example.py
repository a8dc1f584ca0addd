"""The worked signing example of docs/serve.md: its copy is the file, the file signs
assertions a live service accepts, and the test vector holds (issue 11)."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.integration.conftest import MBE, LiveServer
from vsb.serve.identity import AssertionVerifier
from vsb.serve.token import ASSERTION_TYPE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "sign_assertion.py"
DOC = (ROOT / "docs" / "serve.md").read_text("utf-8")
VECTOR = {
    name: text
    for name, text in re.findall(r"<!-- vector:([a-z0-9-]+) -->\n```[a-z]*\n(.*?)\n```", DOC, re.S)
}


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sign_assertion", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _joined(name: str) -> str:
    return "".join(VECTOR[name].split())


def _key() -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(VECTOR["key"].encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def _verifies(signature: bytes, data: bytes) -> bool:
    assert len(signature) == 64
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        _key().public_key().verify(der, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_doc_s_copy_of_the_example_is_the_file() -> None:
    marker = "<!-- copy of docs/examples/sign_assertion.py"
    copy = re.search(re.escape(marker) + r".*?-->\n```python\n(.*?)```", DOC, re.S)
    assert copy is not None, "docs/serve.md lost the example's copy"
    assert copy[1] == EXAMPLE.read_text("utf-8")


def test_the_example_makes_the_documented_signing_input_byte_for_byte(
    example: ModuleType,
) -> None:
    certificate = x509.load_pem_x509_certificate(VECTOR["certificate"].encode())
    claims = json.loads(VECTOR["claims"])
    made = example.signing_input(certificate, claims)
    documented = f"{_joined('header-segment')}.{_joined('claims-segment')}".encode()
    assert made == documented
    assert len(made) == 821 and hashlib.sha256(made).hexdigest() == VECTOR["signing-input-sha256"]
    assert json.loads(_b64url_decode(_joined("claims-segment"))) == claims


def test_the_documented_signature_verifies_with_the_documented_key() -> None:
    documented = f"{_joined('header-segment')}.{_joined('claims-segment')}".encode()
    signature = _b64url_decode(VECTOR["signature"])
    assert len(VECTOR["signature"]) == 86 and _verifies(signature, documented)
    assert not _verifies(signature, documented + b"x")


def test_the_example_signs_raw_r_and_s_that_verify(example: ModuleType) -> None:
    data = f"{_joined('header-segment')}.{_joined('claims-segment')}".encode()
    signature = example.sign_es256(_key(), data)
    assert _verifies(signature, data)


def test_the_service_s_verifier_accepts_the_vector_s_assertion() -> None:
    certificate = x509.load_pem_x509_certificate(VECTOR["certificate"].encode())
    assertion = f"{_joined('header-segment')}.{_joined('claims-segment')}.{VECTOR['signature']}"
    verifier = AssertionVerifier(certificate, "vsb-central", now=lambda: 1710061230.0)
    identity = verifier.verify(assertion)
    assert (identity.kind, identity.hco) == ("mbe", "76310195930")


def test_the_example_reads_the_feed_of_a_live_service(server: LiveServer) -> None:
    stem = str(server.pki / f"mbe-{MBE}")
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), stem, server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("200 ")
    assert json.loads(run.stdout.removeprefix("200 "))["items"] == []


def test_the_example_s_assertion_buys_an_access_token(
    server: LiveServer, example: ModuleType
) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": example.assertion(str(server.pki / f"mbe-{MBE}")),
    }
    answer = server.client.post("/oauth/token", data=form)
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    feed = httpx.get(f"{server.url}/v1/feed", headers={"Authorization": f"Bearer {token}"})
    assert feed.status_code == 200
