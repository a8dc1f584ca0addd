"""Schemathesis CLI hooks for `vsb serve` (`SCHEMATHESIS_HOOKS=tests.fuzz.hooks`).

The runner (`python -m tests.fuzz`) sets `VSB_FUZZ_CERTS` (the folder `vsb certs` wrote) and
`VSB_FUZZ_TOKEN` (the test-control token the service was started with).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import schemathesis

from tests.fuzz.support import Identities, in_callers_name

IDENTITIES = Identities(Path(os.environ["VSB_FUZZ_CERTS"]), os.environ.get("VSB_FUZZ_TOKEN"))


@schemathesis.auth(refresh_interval=None)
class ClientAssertion:
    """A new assertion (or the test-control token) for every call."""

    def get(self, case: Any, ctx: Any) -> str | None:
        return IDENTITIES.authorization(case.operation.tags)

    def set(self, case: Any, data: str | None, ctx: Any) -> None:
        if data is not None:
            case.headers = {**(case.headers or {}), "Authorization": data}


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    """Positive messages are sent in the calling MBE's name."""
    return in_callers_name(case)
