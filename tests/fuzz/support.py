"""What Schemathesis needs to test `vsb serve`: an identity for each operation, and messages
sent in the caller's own name (the document resolves alone: its schemas are bundled).

Used by the CI-sized test (`tests/integration/test_serve_schemathesis.py`, Python API) and by
the long run (`make fuzz`, the `schemathesis` CLI with `tests.fuzz.hooks`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schemathesis.core.parameters import ParameterLocation

from vsb.serve.certs import ClientIdentity
from vsb.serve.config import DEFAULT_AUDIENCE

MBE = "76310195930"
"""The MBE the tests call as (a fixture MBE with a Circle-of-Trust declaration)."""

STEMS = {"mbe": f"mbe-{MBE}", "staff": "staff-180-s1"}
"""The certificate (of `vsb certs`) used for the operations of each tag."""


class Identities:
    """A fresh Authorization header per call (assertions are single-use) for an operation's
    tag: a client assertion for `mbe` and `staff`, the token for `test-control`, none for
    `oauth`."""

    def __init__(self, certs: Path, control_token: str | None = None) -> None:
        self.certs = certs
        self.control_token = control_token
        self._loaded: dict[str, ClientIdentity] = {}

    def authorization(self, tags: list[str] | None) -> str | None:
        """The header value for an operation with these tags; None when it needs none."""
        tag = (tags or ["test-control"])[0]
        if tag == "oauth":  # the token endpoint: the client authenticates in the form
            return None
        if tag == "test-control":
            return f"Bearer {self.control_token}" if self.control_token else None
        stem = STEMS[tag]
        if stem not in self._loaded:
            self._loaded[stem] = ClientIdentity.load(self.certs / stem)
        return self._loaded[stem].headers(DEFAULT_AUDIENCE)["Authorization"]

    def headers(self, tags: list[str] | None) -> dict[str, str]:
        """The Authorization header as a dict (empty when none is needed)."""
        value = self.authorization(tags)
        return {"Authorization": value} if value else {}


def in_callers_name(case: Any) -> Any:
    """A valid message names the calling MBE (`mbe`), or it is refused 403 before the engine
    sees it: set it in a positive body; leave a negative one as generated."""
    body = case.body
    negative = case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY)
    tags = case.operation.tags or []
    if not negative and "mbe" in tags and isinstance(body, dict) and "mbe" in body:
        body["mbe"] = MBE
    return case
