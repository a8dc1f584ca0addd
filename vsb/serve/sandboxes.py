"""Sandboxes per vendor: isolated state, clock, registry and MBEs inside one `vsb serve`.

One service is shared by everyone who uses it; with test control, each vendor can have a
sandbox of its own: its own store (a file of its own under the service's data folder, or
memory), its own clock (real until set, or fixed), its own registry and MBEs, its own test
control. A sandbox is reached under the path prefix `/sandboxes/{name}` (the whole API:
`/sandboxes/{name}/v1/...`, `/sandboxes/{name}/test/...`; the OpenAPI document declares it as a
second server), and only by the identities given to it: its MBEs and staff members. Anyone
else gets a 403 problem naming the sandbox and the identity. The service itself stays the
default sandbox, open to every identity, so that nothing changes for existing clients.

Sandboxes are created, listed, reset and deleted under `/test/sandboxes`; a service on a
database file keeps each one's manifest (`<name>.json`) and store (`<name>.sqlite`) in
`<db without suffix>.sandboxes/`, reopens them when it starts, and deletes both with them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from vsb.clock import FixedClock, SystemClock
from vsb.schemas import SchemaViolation
from vsb.serve import control, mbe_routes, staff_routes
from vsb.serve.bodies import schema_problem
from vsb.serve.central import Central
from vsb.serve.identity import Identity
from vsb.serve.problems import FieldError, Problem, ProblemError, not_found
from vsb.serve.sandbox_components import NAME_PATTERN, PREFIX
from vsb.serve.service import Service, json_response
from vsb.serve.validation import validate_body

log = logging.getLogger("vsb.serve")


class SandboxClock(FixedClock):
    """A sandbox's clock: the wall clock until test control sets it, then fixed there.

    `on_set` is told every new moment (the manifest keeps it for a restart).
    """

    def __init__(
        self, moment: dt.datetime | dt.date | None, on_set: Callable[[], None] = lambda: None
    ) -> None:
        super().__init__(moment or SystemClock().now())
        self.real = moment is None
        self.on_set = on_set

    def now(self) -> dt.datetime:
        """The wall clock's moment while real; else the moment set."""
        return SystemClock().now() if self.real else super().now()

    def set(self, moment: dt.datetime | dt.date) -> None:
        """Fix the clock at `moment`; when `on_set` fails, the clock stays as it was."""
        before = self.now(), self.real
        super().set(moment)
        self.real = False
        try:
            self.on_set()
        except BaseException:
            super().set(before[0])
            self.real = before[1]
            raise

    def advance(self, days: float = 0, seconds: float = 0) -> None:
        """Fix the clock this much after its current moment."""
        self.set(self.now() + dt.timedelta(days=days, seconds=seconds))


@dataclass(frozen=True)
class SandboxSpec:
    """What a sandbox was created with: its name, identities, fixtures and starting clock."""

    name: str
    mbes: tuple[str, ...]
    staff: tuple[str, ...]
    fixtures: bool
    clock: dt.datetime | dt.date | None

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> SandboxSpec:
        """The spec of a `NewSandbox` body that fits its schema.

        Raises:
            ProblemError: 422 naming /clock when it is not a real date or date-time.
        """
        return cls(
            body["name"],
            tuple(body["mbes"]),
            tuple(body.get("staff", ())),
            bool(body.get("fixtures", True)),
            _moment(body.get("clock"), "/clock"),
        )

    def manifest(self, clock: SandboxClock) -> dict[str, Any]:
        """What the sandbox's file `<name>.json` keeps, with the clock as it is now."""
        return {
            "name": self.name,
            "mbes": list(self.mbes),
            "staff": list(self.staff),
            "fixtures": self.fixtures,
            "clock": None if clock.real else clock.now().isoformat(),
        }


def _moment(value: str | None, pointer: str) -> dt.datetime | dt.date | None:
    if value is None:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise schema_problem(
            [SchemaViolation(pointer, "format", f"{value!r} is not an ISO 8601 date or date-time")],
            "sandbox",
        ) from None


def _gate(name: str, spec: SandboxSpec) -> Callable[[Identity], None]:
    mbes, staff = frozenset(spec.mbes), frozenset(spec.staff)

    def gate(identity: Identity) -> None:
        given = (
            identity.hco in mbes
            if identity.kind == "mbe"
            else f"{identity.zorgkas}:{identity.staff}" in staff
        )
        if not given:
            detail = (
                f"{identity.subject} was not given to sandbox {name!r}; a sandbox admits only "
                "the MBEs and staff it was created with"
            )
            error = FieldError("", "sandbox-identity", detail)
            raise ProblemError(Problem(403, "forbidden", "Forbidden", detail, (error,)))

    return gate


@dataclass
class Sandbox:
    """One open sandbox: what it was created with, its service (engine, gate) and clock."""

    spec: SandboxSpec
    service: Service
    clock: SandboxClock

    def info(self) -> dict[str, Any]:
        """The sandbox as test control shows it."""
        return {
            "name": self.spec.name,
            "mbes": list(self.spec.mbes),
            "staff": list(self.spec.staff),
            "fixtures": self.spec.fixtures,
            "clock": "real" if self.clock.real else "fixed",
            "now": self.clock.now().isoformat(),
            "base": f"{PREFIX}/{self.spec.name}",
        }


class Sandboxes:
    """The sandboxes per vendor of one service (`default`), by name."""

    def __init__(self, default: Service) -> None:
        self.default = default
        self.folder = default.config.sandbox_folder()
        self._open: dict[str, Sandbox] = {}
        self._busy: set[str] = set()  # names being created or deleted

    def _files(self, name: str) -> tuple[Path, ...]:
        if self.folder is None:
            return ()
        db = self.folder / f"{name}.sqlite"
        return (
            self.folder / f"{name}.json",
            db,
            db.with_name(db.name + "-wal"),
            db.with_name(db.name + "-shm"),
        )

    def _write_manifest(self, sandbox: Sandbox) -> None:
        """Save the sandbox's manifest (whole or not at all).

        Raises:
            ProblemError: 507 naming the file and the system's reason when it cannot be
                written (disk full, permissions).
        """
        if self.folder is not None:
            path = self.folder / f"{sandbox.spec.name}.json"
            temporary = path.with_suffix(".json.new")
            try:
                temporary.write_text(json.dumps(sandbox.spec.manifest(sandbox.clock)) + "\n")
                temporary.replace(path)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)
                raise _not_saved(sandbox.spec.name, path, exc) from None

    def _open_sandbox(self, spec: SandboxSpec) -> Sandbox:
        base = self.default.config
        config = replace(
            base,
            db=":memory:" if self.folder is None else str(self.folder / f"{spec.name}.sqlite"),
            fixtures=base.fixtures if spec.fixtures else None,
            start_clock=None,
        )
        clock = SandboxClock(spec.clock)
        service = Service(config, Central(config, clock), self.default.auth, self.default.schemas)
        service.gate = _gate(spec.name, spec)
        service.limiter = self.default.limiter  # the rate is per identity, service-wide
        sandbox = Sandbox(spec, service, clock)
        clock.on_set = lambda: self._write_manifest(sandbox)
        return sandbox

    def restore(self) -> None:
        """Reopen the sandboxes a previous run of the service left in its data folder; a
        manifest that cannot be read is logged (file and reason) and left alone."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
                violations = validate_body("NewSandbox", manifest)
                if violations or path.stem != manifest["name"]:
                    raise ValueError(violations[0].message if violations else "name differs")
                spec = SandboxSpec.from_body(manifest)
            except (OSError, ValueError, ProblemError) as exc:
                log.error("sandbox manifest %s not reopened: %s", path, exc)
                continue
            self._open[spec.name] = self._open_sandbox(spec)
        if self._open:
            log.info("reopened %d sandboxes from %s", len(self._open), self.folder)

    def get(self, name: str) -> Sandbox:
        """The open sandbox `name`.

        Raises:
            ProblemError: 404 when there is none by that name.
        """
        sandbox = self._open.get(name)
        if sandbox is None:
            raise not_found(f"no sandbox named {name!r}; create it with POST /test/sandboxes")
        return sandbox

    def service(self, name: str) -> Service:
        """The service of sandbox `name` (404 problem when there is none)."""
        return self.get(name).service

    def all(self) -> list[Sandbox]:
        """Every open sandbox, by name."""
        return [self._open[name] for name in sorted(self._open)]

    async def create(self, spec: SandboxSpec) -> Sandbox:
        """Open a new, empty sandbox (with the fixtures when asked).

        Raises:
            ProblemError: 409 when the name is taken or `--max-sandboxes` are open.
        """
        if spec.name in self._open or spec.name in self._busy:
            raise _conflict("sandbox-exists", f"a sandbox named {spec.name!r} exists", "/name")
        limit = self.default.config.max_sandboxes
        if len(self._open) + len(self._busy) >= limit:
            raise _conflict(
                "sandbox-limit",
                f"{limit} sandboxes are open, the limit (--max-sandboxes); delete one first",
                "",
            )
        self._busy.add(spec.name)
        try:
            sandbox = await anyio.to_thread.run_sync(self._create, spec)
            self._open[spec.name] = sandbox
        finally:
            self._busy.discard(spec.name)
        log.info("test control: sandbox %s created", spec.name)
        return sandbox

    def _create(self, spec: SandboxSpec) -> Sandbox:
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._remove_files(spec.name)  # a stale store of an earlier one of that name
        try:
            sandbox = self._open_sandbox(spec)
            self._write_manifest(sandbox)
        except BaseException:
            self._remove_files(spec.name)
            raise
        return sandbox

    async def delete(self, name: str) -> None:
        """Close sandbox `name` and delete its files (404 problem when there is none)."""
        sandbox = self.get(name)
        del self._open[name]
        self._busy.add(name)
        try:
            await anyio.to_thread.run_sync(self._close_and_remove, sandbox)
        finally:
            self._busy.discard(name)
        log.info("test control: sandbox %s deleted", name)

    def _close_and_remove(self, sandbox: Sandbox) -> None:
        sandbox.service.central.close()
        self._remove_files(sandbox.spec.name)

    def _remove_files(self, name: str) -> None:
        for path in self._files(name):
            path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close every sandbox's store (the files stay)."""
        for sandbox in self._open.values():
            sandbox.service.central.close()


def _not_saved(name: str, path: Path, exc: OSError) -> ProblemError:
    detail = (
        f"sandbox {name!r}: its manifest {path} cannot be written ({exc.strerror or exc}); "
        "nothing was changed"
    )
    error = FieldError("", "sandbox-storage", detail)
    return ProblemError(Problem(507, "sandbox-storage", "Sandbox not saved", detail, (error,)))


def _conflict(slug: str, detail: str, pointer: str) -> ProblemError:
    error = FieldError(pointer, slug, detail)
    return ProblemError(Problem(409, slug, "Sandbox conflict", detail, (error,)))


def sandboxes_of(request: Request) -> Sandboxes:
    """The sandboxes of the app's service."""
    sandboxes: Sandboxes = request.app.state.sandboxes
    return sandboxes


async def sandboxes(request: Request) -> Response:
    """`/test/sandboxes`: list them (GET), or create one (POST)."""
    if request.method == "GET":
        found = sandboxes_of(request)
        items = [sandbox.info() for sandbox in found.all()]
        return json_response({"items": items, "limit": found.default.config.max_sandboxes})
    body = await sandboxes_of(request).default.body(request)
    violations = validate_body("NewSandbox", body)
    if violations:
        raise schema_problem(violations, "sandbox")
    sandbox = await sandboxes_of(request).create(SandboxSpec.from_body(body))
    return json_response(sandbox.info())


async def one_sandbox(request: Request) -> Response:
    """`/test/sandboxes/{sandbox}`: show it (GET) or delete it and its files (DELETE)."""
    name = request.path_params["sandbox"]
    found = sandboxes_of(request)
    if request.method == "GET":
        return json_response(found.get(name).info())
    info = found.get(name).info()
    await found.delete(name)
    return json_response(info)


def routes(billing: bool) -> list[BaseRoute]:
    """Managing sandboxes under /test/sandboxes, and each one's API under /sandboxes/{name}."""
    guarded = control.guarded
    return [
        Route("/test/sandboxes", guarded(sandboxes), methods=["GET", "POST"], name="sandboxes"),
        Route(
            "/test/sandboxes/{sandbox}",
            guarded(one_sandbox),
            methods=["GET", "DELETE"],
            name="sandbox",
        ),
        Route(
            "/test/sandboxes/{sandbox}/reset",
            guarded(control.reset),
            methods=["POST"],
            name="reset-sandbox",
        ),
        Mount(
            PREFIX + "/{sandbox}",
            routes=[
                *mbe_routes.routes(billing),
                *staff_routes.routes(billing),
                *control.routes(),
            ],
            name="in-sandbox",
        ),
    ]


__all__ = ["NAME_PATTERN", "Sandbox", "SandboxClock", "SandboxSpec", "Sandboxes", "routes"]
