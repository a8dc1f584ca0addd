"""Serve any Python `MbeDriver` over the HTTP driver interface (`docs/driver-openapi.json`).

    python -m conformance.mbe.driver_server MODULE:CLASS [--host 127.0.0.1] [--port 9000]

The server is the software's side of `HttpDriver`: every scenario opens a fresh instance of
the class (`POST /driver/open`), calls its actions and closes it. An action answers once the
driver method returned, that is once the software has sent its messages. A driver that raises
answers a problem naming the action and the error (409 for `DriverError`, 500 for anything
else); a body that is not JSON or breaks its schema answers 422 naming every field. With
`--port 0` the system picks a free port; the first line on stdout says which.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.mbe.driver import DriverError, MbeDriver
from conformance.mbe.driver_bodies import PERFORM, DriverHost, NoSoftware
from conformance.mbe.driver_openapi import ACTIONS, CONTRACT, PROBLEM, Action
from conformance.mbe.driver_schemas import FieldProblem, violations
from conformance.plugin import load_factory
from vsb.serve.server import bind, uvicorn_server

log = logging.getLogger("conformance.driver")
PROBLEM_BASE = "https://vsb-harness.example/problems/driver/"


class ActionProblem(Exception):
    """An action that was not performed, as the problem document that says why."""

    def __init__(self, status: int, slug: str, detail: str, **more: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.document = {
            "type": PROBLEM_BASE + slug,
            "title": slug.replace("-", " ").capitalize(),
            "status": status,
            "detail": detail,
            **more,
        }

    def response(self, instance: str) -> Response:
        """The problem as an `application/problem+json` answer."""
        body = json.dumps({**self.document, "instance": instance}, ensure_ascii=False)
        return Response(body, self.status, media_type=PROBLEM)


def _invalid(action: Action, problems: Sequence[FieldProblem]) -> ActionProblem:
    fields = ", ".join(p.pointer or "the body" for p in problems)
    return ActionProblem(
        422,
        "invalid-body",
        f"{action.method}: the body breaks its schema ({action.body}) at {fields}",
        action=action.method,
        errors=[{"pointer": p.pointer, "rule": p.rule, "message": p.message} for p in problems],
    )


async def _body(request: Request, action: Action) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError) as exc:
        raise _invalid(
            action, [FieldProblem("", "json", f"the body is not JSON ({exc})")]
        ) from None
    problems = violations(action.body or "Empty", body)
    insz = request.path_params.get("insz")
    if insz is not None:
        problems += [
            FieldProblem("/path/insz", p.rule, f"the INSZ in the path: {p.message}")
            for p in violations("Insz", insz)
        ]
    if problems:
        raise _invalid(action, problems)
    assert isinstance(body, dict)
    return body


def _failed(action: Action, exc: Exception) -> ActionProblem:
    name = type(exc).__name__
    if isinstance(exc, NoSoftware):
        return ActionProblem(409, "no-software", f"{action.method}: {exc}", action=action.method)
    if isinstance(exc, DriverError):
        detail = f"{action.method}: the software could not do it: {exc}"
        return ActionProblem(409, "driver-error", detail, action=action.method, error=name)
    log.exception("the driver failed on %s", action.method)
    detail = f"{action.method}: the driver failed: {name}: {exc}"
    return ActionProblem(500, "driver-failure", detail, action=action.method, error=name)


def _endpoint(host: DriverHost, action: Action) -> Callable[[Request], Any]:
    perform = PERFORM[action.method]

    async def endpoint(request: Request) -> Response:
        try:
            body = await _body(request, action)
            insz = str(request.path_params.get("insz", ""))
            result = await anyio.to_thread.run_sync(host.call, perform, body, insz)
        except ActionProblem as problem:
            return problem.response(request.url.path)
        except Exception as exc:  # the driver's own failure: a problem, never a traceback page
            return _failed(action, exc).response(request.url.path)
        return JSONResponse(result) if action.answer else Response(status_code=204)

    return endpoint


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    detail = f"{request.method} {request.url.path}: {exc.detail} (see docs/driver-openapi.json)"
    return ActionProblem(exc.status_code, slug, detail).response(request.url.path)


def create_driver_app(factory: Callable[[], MbeDriver], name: str, release: str) -> Starlette:
    """The ASGI application serving the driver class `factory` (one instance per scenario)."""
    host = DriverHost(factory)
    info = {"name": name, "version": release, "contract": CONTRACT}

    async def describe(request: Request) -> Response:
        return JSONResponse(info)

    routes = [Route("/driver", describe, methods=["GET"])]
    routes += [Route(a.path, _endpoint(host, a), methods=["POST"]) for a in ACTIONS]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        host.close_quietly()  # software left open by a run that ended early

    return Starlette(
        routes=routes, exception_handlers={HTTPException: _http_error}, lifespan=lifespan
    )


def _describe(factory: object, spec: str) -> tuple[str, str]:
    """The software's name and version: the class's `name`/`version` text attributes when it
    has them, else its MODULE:CLASS and the harness's version."""
    name = getattr(factory, "name", None)
    release = getattr(factory, "version", None)
    if not isinstance(release, str):
        try:
            release = version("vsb-harness")
        except PackageNotFoundError:
            release = "unknown"
    return (name if isinstance(name, str) else spec), release


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the driver class named on the command line until interrupted; 2 on a bad option."""
    parser = argparse.ArgumentParser(
        prog="python -m conformance.mbe.driver_server",
        description="Serve a Python MbeDriver over the HTTP driver interface "
        "(docs/driver.md), for `vsb certify mbe --driver-url`.",
    )
    parser.add_argument("driver", metavar="MODULE:CLASS", help="the driver class to serve")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=9000, help="port; 0 picks a free one")
    parser.add_argument("--log-level", default="warning", help="uvicorn's log level")
    args = parser.parse_args(argv)
    try:
        factory = load_factory(args.driver, "driver")
        sock = bind(args.host, args.port)
    except ValueError as exc:
        print(f"driver_server: {exc}", file=sys.stderr)
        return 2
    name, release = _describe(factory, args.driver)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"listening on http://{shown}:{port}", flush=True)
    app = create_driver_app(factory, name, release)
    server = uvicorn_server(app, log_level=args.log_level, access_log=args.log_level != "warning")
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
