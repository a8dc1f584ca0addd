"""Build the ASGI application: routes, problem handling, the OpenAPI document."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cryptography import x509
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from vsb.engine import CentralApplication
from vsb.schemas import load_schemas
from vsb.serve import control, mbe_routes, staff_routes, token
from vsb.serve.central import Central, CentralClosed
from vsb.serve.collector import PauseCollectorForLargeBodies
from vsb.serve.config import ServeConfig
from vsb.serve.identity import AssertionVerifier, Authenticator
from vsb.serve.limits import BodyTimeout
from vsb.serve.openapi import build_document
from vsb.serve.problems import Problem, ProblemError, not_found
from vsb.serve.replay import ReplayCache
from vsb.serve.sandboxes import Sandboxes
from vsb.serve.sandboxes import routes as sandbox_routes
from vsb.serve.service import Service
from vsb.serve.tokens import TokenStore

log = logging.getLogger("vsb.serve")


def billing_available() -> bool:
    """Whether the engine has the billing API (shipments, signing, payment)."""
    return hasattr(CentralApplication, "sign")


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return exc.problem.response(request.url.path)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    problem = Problem(exc.status_code, slug, str(exc.detail), str(exc.detail))
    response = problem.response(request.url.path)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    problem = Problem(
        500,
        "internal-error",
        "Internal server error",
        "the service failed; the message was not processed",
    )
    return problem.response(request.url.path)


async def _closed(request: Request, exc: Exception) -> Response:
    return not_found(f"{exc}; nothing was processed").problem.response(request.url.path)


def _authenticator(config: ServeConfig) -> Authenticator:
    verifier = None
    if config.ca is not None:
        ca = x509.load_pem_x509_certificate(config.ca.read_bytes())
        verifier = AssertionVerifier(
            ca, config.audience, replay=ReplayCache(config.replay_cache_size)
        )
    tokens = TokenStore(config.token_lifetime, config.max_tokens)
    return Authenticator(verifier, config.insecure_dev_tokens, tokens)


def _document_routes(billing: bool, config: ServeConfig) -> list[Route]:
    document = build_document(
        billing, config.test_control, control_token=config.test_control_token is not None
    )
    schemas = load_schemas()

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    async def schema(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in (*schemas.names, "common"):
            raise HTTPException(404, f"no schema {name}")
        return JSONResponse(schemas.schema(name), media_type="application/schema+json")

    return [
        Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
        Route("/schemas/{name}.schema.json", schema, methods=["GET"], include_in_schema=False),
    ]


def create_app(config: ServeConfig, central: Central | None = None) -> Starlette:
    """The ASGI application for `config` (checked first).

    Raises:
        ServeConfigError: see `ServeConfig.check`.
    """
    config.check()
    central = central or Central(config)
    billing = billing_available()
    service = Service(config, central, _authenticator(config), load_schemas())
    routes: list[BaseRoute] = [
        *mbe_routes.routes(billing),
        *staff_routes.routes(billing),
        *token.routes(),
    ]
    sandboxes = Sandboxes(service)
    if config.test_control:
        routes += control.routes() + sandbox_routes(billing)
        sandboxes.restore()
    routes += _document_routes(billing, config)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        sandboxes.close()
        central.close()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(PauseCollectorForLargeBodies),
            Middleware(BodyTimeout, seconds=config.body_timeout),
        ],
        exception_handlers={
            ProblemError: _problem,
            HTTPException: _http_error,
            CentralClosed: _closed,
            Exception: _server_error,
        },
    )
    app.state.service = service
    app.state.sandboxes = sandboxes
    return app
