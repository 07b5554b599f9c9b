"""`POST /chat/completions`: the request flow of DESIGN §3, one step per call.

auth -> parse -> usage update -> PII mode -> scan/mask -> upstream -> guard -> caller.
Retries end when the provider's response starts, before our headers go out, so a
failure before that is a normal HTTP error and one after it is a final SSE event.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.answer import guard_completion, relay_stream
from gateway.api.models import resolve_model
from gateway.deadline import seconds_left
from gateway.deps import ApiKeyDep, ServicesDep
from gateway.protection import GuardSet, effective_mode, protect
from gateway.upstream.payload import build_payload
from gateway.validation import parse_chat_request

router = APIRouter()

_STREAM_HEADERS = {
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
}


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    request: Request, key: ApiKeyDep, services: ServicesDep
) -> JSONResponse | StreamingResponse:
    chat = parse_chat_request(await request.body())
    spec = resolve_model(services.catalog, chat.model, key)
    await services.authenticator.record_use(key)
    mode = effective_mode(
        chat.pii, request.headers.get("x-gateway-pii"), key.pii_floor, services.settings.pii_floor
    )
    protected = protect(build_payload(chat, spec), mode, services.masking)
    guards = GuardSet(protected, services.masking)
    deadline = asyncio.get_running_loop().time() + seconds_left(
        request.scope, request.headers, services.settings.deadline_s, time.time()
    )

    if chat.stream:
        upstream = await services.upstream.stream(spec, protected.payload, deadline)
        body = relay_stream(
            upstream,
            public_model=chat.model,
            include_usage=bool(chat.stream_options and chat.stream_options.include_usage),
            guards=guards,
        )
        return StreamingResponse(
            body,
            media_type="text/event-stream",
            headers={**_STREAM_HEADERS, **protected.headers()},
        )

    completion: dict[str, Any] = await services.upstream.complete(spec, protected.payload, deadline)
    guard_completion(completion, chat.model, guards)
    headers = protected.headers()
    if protected.redactions:
        headers["x-gateway-redacted"] = ",".join(
            f"{kind}={count}" for kind, count in sorted(protected.redactions.items())
        )
    return JSONResponse(completion, headers=headers)
