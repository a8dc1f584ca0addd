"""How one `vsb serve` process is set up: storage, identity, limits, test control."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

DEFAULT_AUDIENCE = "vsb-central"
"""The `aud` a client assertion must carry unless `--audience` says otherwise."""

DEFAULT_MAX_BODY = 32 * 1024 * 1024
"""The largest request body accepted: room for a 50,000-invoice shipment."""

ASSERTION_MAX_LIFETIME = 300
"""Seconds an assertion may live (exp - iat); longer ones are refused."""


class ServeConfigError(ValueError):
    """A `vsb serve` option that cannot work; the message names the option and the fix."""


@dataclass(frozen=True)
class ServeConfig:
    """Everything `create_app` needs; the CLI builds one from its flags."""

    db: str = "vsb-central.sqlite"
    fixtures: Path | None = Path("fixtures")
    ca: Path | None = Path("certs/ca.pem")
    audience: str = DEFAULT_AUDIENCE
    insecure_dev_tokens: bool = False
    test_control: bool = False
    start_clock: dt.datetime | None = None
    max_body: int = DEFAULT_MAX_BODY
    durable: bool = True

    def check(self) -> None:
        """Refuse combinations that cannot work.

        Raises:
            ServeConfigError: no way to authenticate anyone, a missing CA or fixtures folder,
                a clock without test control, or a non-positive body limit.
        """
        if self.ca is None and not self.insecure_dev_tokens:
            raise ServeConfigError(
                "--ca: no CA to verify client assertions; create one with "
                "`vsb certs` or switch on --insecure-dev-tokens"
            )
        if self.ca is not None and not self.ca.is_file():
            raise ServeConfigError(
                f"--ca {self.ca}: no such file; create it with `vsb certs` "
                "or pass the CA certificate (PEM) that signs client "
                "certificates"
            )
        if self.fixtures is not None and not (self.fixtures / "mbes.toml").is_file():
            raise ServeConfigError(
                f"--fixtures {self.fixtures}: no mbes.toml there; pass the "
                "fixtures folder or --no-fixtures"
            )
        if self.start_clock is not None and not self.test_control:
            raise ServeConfigError(
                "--clock needs --test-control: the real service reads the system clock"
            )
        if self.max_body <= 0:
            raise ServeConfigError(f"--max-body {self.max_body}: must be a positive byte count")
