"""Units of the service: assertion rules, INSZ masking, problems, the shipped document."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

import vsb.serve
from vsb.schemas import load_schemas
from vsb.serve import (
    AssertionVerifier,
    ClientIdentity,
    InszMaskFilter,
    ProblemError,
    issue,
    make_ca,
    mask_insz,
    staff_subject,
)
from vsb.serve.app import billing_available
from vsb.serve.openapi import build_document

ROOT = Path(__file__).resolve().parents[3]
CA = make_ca()


def _rule(verifier: AssertionVerifier, token: str) -> str:
    with pytest.raises(ProblemError) as caught:
        verifier.verify(token)
    return str(caught.value.problem.errors[0].rule)


def test_a_valid_mbe_assertion_names_the_hco() -> None:
    identity = ClientIdentity(issue(CA, "76310195930", "PHA"))
    verified = AssertionVerifier(CA.certificate, "aud").verify(identity.assertion("aud"))
    assert (verified.kind, verified.hco) == ("mbe", "76310195930")


def test_a_staff_assertion_names_zorgkas_and_staff() -> None:
    identity = ClientIdentity(issue(CA, staff_subject(380, "an"), "An", key_kind="rsa"))
    verified = AssertionVerifier(CA.certificate, "aud").verify(identity.assertion("aud"))
    assert (verified.kind, verified.zorgkas, verified.staff) == ("staff", 380, "an")


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"lifetime": 3600}, "lifetime"),
        ({"issued_at": -120}, "expired"),
        ({"issued_at": 600}, "not-yet-valid"),
    ],
)
def test_assertion_lifetimes_are_checked(change: dict[str, float], rule: str) -> None:
    # `issued_at` is an offset from now, taken when the test runs (not when it is collected:
    # the whole suite takes longer than these offsets).
    if "issued_at" in change:
        change = {"issued_at": time.time() + change["issued_at"]}
    identity = ClientIdentity(issue(CA, "76310195930", "PHA"))
    token = identity.assertion("aud", **{k: v for k, v in change.items()})  # type: ignore[arg-type]
    assert _rule(AssertionVerifier(CA.certificate, "aud"), token) == rule


def test_an_expired_certificate_is_refused() -> None:
    import datetime as dt

    old = issue(
        CA, "76310195930", "PHA", days=1, not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    )
    token = ClientIdentity(old).assertion("aud")
    assert _rule(AssertionVerifier(CA.certificate, "aud"), token) == "certificate-expired"


def test_a_tampered_assertion_is_refused() -> None:
    token = ClientIdentity(issue(CA, "76310195930", "PHA")).assertion("aud")
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert (
        _rule(AssertionVerifier(CA.certificate, "aud"), f"{head}.{payload}.{flipped}")
        == "signature"
    )


def test_a_subject_that_is_no_identity_is_refused() -> None:
    token = ClientIdentity(issue(CA, "someone", "x")).assertion("aud")
    assert _rule(AssertionVerifier(CA.certificate, "aud"), token) == "subject"


def test_mask_keeps_six_digits_of_every_eleven_digit_number() -> None:
    assert (
        mask_insz("insz=85073003328, hco 76310195930; 123456789012")
        == "insz=850730*****, hco 763101*****; 123456789012"
    )


def test_the_filter_masks_message_and_arguments() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, "f", 1, "patient %s (%d)", ("85073003328", 85073003328), None
    )
    InszMaskFilter().filter(record)
    assert record.getMessage() == "patient 850730***** (850730*****)"


def test_the_shipped_openapi_document_is_the_built_one() -> None:
    shipped = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert shipped == json.loads(json.dumps(build_document(billing_available(), True)))


def test_message_schemas_are_bundled_from_the_schema_files() -> None:
    document = build_document(True, True)
    body = document["paths"]["/v1/requests"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/request"}
    request = load_schemas().schema("request")
    bundled = document["components"]["schemas"]["request"]
    assert bundled["properties"]["begeleiding"]["properties"].keys() == (
        request["properties"]["begeleiding"]["properties"].keys()  # type: ignore[index]
    )


def test_public_exports_are_complete() -> None:
    for name in vsb.serve.__all__:
        assert hasattr(vsb.serve, name), name
