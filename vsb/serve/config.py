"""How one `vsb serve` process is set up: storage, identity, limits, test control."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from vsb.resources import fixtures
from vsb.serve.exposure import exposure_problem, token_problem
from vsb.serve.replay import DEFAULT_REPLAY_CACHE_SIZE
from vsb.serve.tokens import DEFAULT_MAX_TOKENS, DEFAULT_TOKEN_LIFETIME, token_settings_problem

DEFAULT_AUDIENCE = "vsb-central"
"""The `aud` a client assertion must carry unless `--audience` says otherwise."""

DEFAULT_MAX_BODY = 4 * 1024 * 1024
"""The largest request body accepted but for a shipment: a message is a few kB, a test-control
registry of 15,000 persons fits."""

DEFAULT_MAX_SHIPMENT_BODY = 32 * 1024 * 1024
"""The largest shipment accepted (`POST /v1/shipments`): room for 50,000 invoices."""

DEFAULT_HEADER_TIMEOUT = 10.0
"""Seconds a client has to send a request's line and headers (slowloris); then it is closed."""

DEFAULT_BODY_TIMEOUT = 30.0
"""Seconds the service waits for the next piece of a request body; then it answers 408."""

DEFAULT_RATE_LIMIT = 500.0
"""Requests per second one identity may make on average (token bucket; 0 switches it off)."""

DEFAULT_RATE_BURST = 1000
"""Requests one identity may make at once before the rate limit applies."""

DEFAULT_MAX_CONNECTIONS = 1000
"""Open connections (and requests in progress) beyond which uvicorn answers 503."""

DEFAULT_MAX_DEPTH = 32
"""The deepest nesting of arrays and objects a JSON body may have (messages need about 6)."""

DEFAULT_MAX_SANDBOXES = 20
"""Sandboxes per vendor one service holds at most, besides the default one (test control)."""

DEFAULT_MAX_GENERATED_PERSONS = 20_000
"""The most test persons one `registry/generate` call makes (a second or two); also the most
`--max-generated-persons` may say, since the OpenAPI document declares it."""

ASSERTION_MAX_LIFETIME = 300
"""Seconds an assertion may live (exp - iat); longer ones are refused."""


class ServeConfigError(ValueError):
    """A `vsb serve` option that cannot work; the message names the option and the fix."""


@dataclass(frozen=True)
class ServeConfig:
    """Everything `create_app` needs; the CLI builds one from its flags."""

    db: str = "vsb-central.sqlite"
    fixtures: Path | None = field(default_factory=fixtures)
    ca: Path | None = Path("certs/ca.pem")
    audience: str = DEFAULT_AUDIENCE
    insecure_dev_tokens: bool = False
    test_control: bool = False
    start_clock: dt.datetime | None = None
    max_body: int = DEFAULT_MAX_BODY
    max_depth: int = DEFAULT_MAX_DEPTH
    durable: bool = True
    max_shipment_body: int = DEFAULT_MAX_SHIPMENT_BODY
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    rate_limit: float = DEFAULT_RATE_LIMIT
    rate_burst: int = DEFAULT_RATE_BURST
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    replay_cache_size: int = DEFAULT_REPLAY_CACHE_SIZE
    host: str = "127.0.0.1"
    exposed: bool = False
    """`--i-know-this-is-exposed`: test control or dev tokens may listen off loopback."""
    test_control_token: str | None = None
    """`--test-control-token`: every /test/* call needs `Authorization: Bearer <it>`."""
    max_sandboxes: int = DEFAULT_MAX_SANDBOXES
    """`--max-sandboxes`: sandboxes per vendor (`POST /test/sandboxes`) besides the default."""
    max_generated_persons: int = DEFAULT_MAX_GENERATED_PERSONS
    """`--max-generated-persons`: the bound of `registry/generate`."""

    def sandbox_folder(self) -> Path | None:
        """Where the sandboxes per vendor keep their files: `<db without suffix>.sandboxes/`
        beside the database; None for a service in memory (its sandboxes are too)."""
        if self.db == ":memory:":
            return None
        path = Path(self.db)
        return path.with_name(f"{path.stem}.sandboxes")

    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    """`--token-lifetime`: seconds an access token of `POST /oauth/token` is accepted."""
    max_tokens: int = DEFAULT_MAX_TOKENS
    """`--max-tokens`: unexpired access tokens held (beyond it: 503)."""

    def check(self) -> None:
        """Refuse combinations that cannot work.

        Raises:
            ServeConfigError: no way to authenticate anyone, a missing CA or fixtures folder,
                a clock without test control, a non-positive body limit or a nesting
                limit outside 1..256 (the JSON parser itself stops near 1,000), a
                limit (`check_limits`) that cannot work, or test control or dev tokens
                exposed (`check_exposure`).
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
        if not 1 <= self.max_depth <= 256:
            raise ServeConfigError(f"--max-depth {self.max_depth}: must be from 1 to 256")
        if not 1 <= self.max_generated_persons <= DEFAULT_MAX_GENERATED_PERSONS:
            raise ServeConfigError(
                f"--max-generated-persons {self.max_generated_persons}: must be from 1 to "
                f"{DEFAULT_MAX_GENERATED_PERSONS}"
            )
        self.check_limits()
        self.check_exposure()

    def check_exposure(self) -> None:
        """Raises ServeConfigError for test control or dev tokens off loopback without
        `exposed`, or a test-control token that cannot work (see vsb.serve.exposure)."""
        problem = exposure_problem(
            self.host, self.test_control, self.insecure_dev_tokens, self.exposed
        ) or token_problem(self.test_control_token, self.test_control)
        if problem is not None:
            raise ServeConfigError(problem)

    def check_limits(self) -> None:
        """Raises ServeConfigError for a limit that is not positive (the rate may be 0: off)."""
        for flag, value in (
            ("--max-shipment-body", self.max_shipment_body),
            ("--header-timeout", self.header_timeout),
            ("--body-timeout", self.body_timeout),
            ("--rate-burst", self.rate_burst),
            ("--max-connections", self.max_connections),
            ("--replay-cache-size", self.replay_cache_size),
            ("--max-sandboxes", self.max_sandboxes),
        ):
            if not value > 0:
                raise ServeConfigError(f"{flag} {value}: must be positive")
        if not self.rate_limit >= 0:
            raise ServeConfigError(f"--rate-limit {self.rate_limit}: must be 0 (off) or more")
        tokens = token_settings_problem(self.token_lifetime, self.max_tokens)
        if tokens is not None:
            raise ServeConfigError(tokens)
