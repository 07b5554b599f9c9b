"""Three small ASGI middlewares: request ids, the body limit, and the last-resort 500.

All are pure ASGI (not BaseHTTPMiddleware) so they never buffer or delay a
streaming response. The body limit reads the body up front, which also bounds how
long a slow sender may take; chat bodies are read whole by the route anyway.

Order, outermost first: request id, body limit, unhandled errors, then Starlette's
own exception handling and the routes. The last-resort handler sits *inside* the
request-id middleware (Starlette's `Exception` handler would run outside it, in
`ServerErrorMiddleware`), so even an unexpected 500 carries its `x-request-id`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import GatewayError, InternalError, InvalidRequest, RequestTooLarge

logger = logging.getLogger("gateway")

BODY_READ_TIMEOUT_S = 30.0


class RequestIdMiddleware:
    """Gives every request an id, in `scope["state"]` and the `x-request-id` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = f"req_{uuid.uuid4().hex}"
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


class UnhandledErrorMiddleware:
    """Any exception no handler took becomes a 500 `internal_error` (if nothing was sent yet).

    Only the exception's type is logged: its text could quote request content.
    `on_error` closes the request's books (its audit record) with the error.
    """

    def __init__(self, app: ASGIApp, on_error: Callable[[Scope, GatewayError], Awaitable[None]]) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            logger.error("unhandled %s on %s", type(exc).__name__, scope.get("path", "?"))
            error = InternalError("The gateway failed to handle this request.")
            await self.on_error(scope, error)
            if not started:
                await _send_error(send, error)


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413, before any of them is parsed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        try:
            if declared is not None and declared > self.max_bytes:
                raise _too_large(self.max_bytes)
            body = await asyncio.wait_for(self._read(receive), BODY_READ_TIMEOUT_S)
        except TimeoutError:
            await _send_error(send, InvalidRequest("The request body was not received in time."))
            return
        except GatewayError as exc:
            await _send_error(send, exc)
            return
        except _Disconnected:
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise _too_large(self.max_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class _Disconnected(Exception):
    pass


def _too_large(limit: int) -> RequestTooLarge:
    return RequestTooLarge(f"The request body is larger than this gateway accepts ({limit} bytes).")


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_error(send: Send, error: GatewayError) -> None:
    body = json.dumps(error.body()).encode()
    headers: list[Any] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
