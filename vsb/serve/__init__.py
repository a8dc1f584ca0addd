"""The reference central application as a network service (`vsb serve`) and its test PKI.

Import `vsb.serve.cli` to register the `serve` and `certs` sub-commands with `vsb`.
"""

from vsb.serve.app import billing_available, create_app
from vsb.serve.central import Central
from vsb.serve.certs import ClientIdentity, Issued, issue, make_ca, staff_subject, write_test_pki
from vsb.serve.config import ServeConfig, ServeConfigError
from vsb.serve.identity import AssertionVerifier, Authenticator, Identity
from vsb.serve.masking import InszMaskFilter, mask_insz
from vsb.serve.problems import FieldError, Problem, ProblemError

__all__ = [
    "AssertionVerifier",
    "Authenticator",
    "Central",
    "ClientIdentity",
    "FieldError",
    "Identity",
    "InszMaskFilter",
    "Issued",
    "Problem",
    "ProblemError",
    "ServeConfig",
    "ServeConfigError",
    "billing_available",
    "create_app",
    "issue",
    "make_ca",
    "mask_insz",
    "staff_subject",
    "write_test_pki",
]
