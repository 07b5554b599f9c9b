"""`create_app`: the one FastAPI application behind every door.

Mangum (API Gateway), uvicorn under the Lambda Web Adapter (function URL
streaming) and uvicorn on a laptop all serve what this returns. Every error leaves
in OpenAI's shape; nothing FastAPI-specific (its 422 body, its HTML 404) escapes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import Scope

from gateway import openapi
from gateway.api import admin, chat, health, messages, models, playground, responses
from gateway.audit import AuditRecord
from gateway.errors import GatewayError, InvalidRequest, MethodNotAllowed, NotFound
from gateway.formats.anthropic.errors import error_body as anthropic_error_body
from gateway.logs import configure_logging
from gateway.middleware import BodyLimitMiddleware, RequestIdMiddleware, UnhandledErrorMiddleware
from gateway.pipeline.finish import Outcome, finish
from gateway.services import Services, build_services
from gateway.settings import Settings

API_PREFIXES = ("/api/v1", "/v1")


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    configure_logging(settings.log_level)
    built = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Under uvicorn only: Mangum runs with lifespan="off", and a Lambda process
        # simply ends. Closing the pool lets aiohttp release its connections quietly.
        yield
        await built.http.aclose()

    app = FastAPI(
        # FastAPI's own OpenTelemetry (spans, metrics, and logs of exception messages, which
        # may quote a request) stays off: the audit record and its EMF metrics are the
        # gateway's telemetry, and checking for configured providers cost ~8 us per request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        lifespan=lifespan,
        title="Secure AI Gateway",
        version="0.1.0",
        docs_url="/docs" if settings.docs_enabled else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
    )
    app.state.services = built
    # Routes are tried in the order they are added (no two paths overlap, so the order decides
    # nothing else): chat completions first, under both prefixes, then the other model
    # routes, then the rest. Each route tried costs a path match on every request.
    for prefix in API_PREFIXES:
        app.include_router(chat.router, prefix=prefix, tags=["chat"])
    for prefix in API_PREFIXES:
        app.include_router(messages.router, prefix=prefix, tags=["anthropic"])
        app.include_router(responses.router, prefix=prefix, tags=["responses"])
    for prefix in API_PREFIXES:
        app.include_router(models.router, prefix=prefix, tags=["models"])
        if settings.admin_routes:
            app.include_router(admin.router, prefix=prefix)
    app.include_router(health.router)
    app.include_router(playground.router)
    app.add_exception_handler(GatewayError, _gateway_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_middleware(UnhandledErrorMiddleware, on_error=_close_audit)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestIdMiddleware)
    openapi.install(app)
    return app


async def _render(error: GatewayError, request: Request) -> JSONResponse:
    await _close_audit(request.scope, error)
    # Anthropic's clients read Anthropic's error shape; everyone else reads OpenAI's.
    anthropic = request.url.path.rstrip("/").endswith(("/messages", "/messages/count_tokens"))
    body = anthropic_error_body(error) if anthropic else error.body()
    return JSONResponse(body, status_code=error.status, headers=error.headers)


async def _close_audit(scope: Scope, error: GatewayError) -> None:
    """Finish the request's audit record (if it has one) with the error it ends in."""
    record: AuditRecord | None = scope.get("state", {}).get("audit")
    if record is None:
        return
    services: Services = scope["app"].state.services
    await finish(record, Outcome(error=error), auditor=services.auditor)


async def _gateway_error(request: Request, exc: GatewayError) -> JSONResponse:
    return await _render(exc, request)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 405:
        return await _render(MethodNotAllowed(f"{request.method} is not allowed on this route."), request)
    if exc.status_code == 404:
        return await _render(NotFound("No such route; the API lives under /api/v1 (or /v1)."), request)
    return await _render(InvalidRequest("The request could not be processed."), request)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return await _render(InvalidRequest("The request is not valid."), request)
