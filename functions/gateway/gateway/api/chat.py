"""`POST /chat/completions`: one request, one walk (STYLE §8).

    prepare (auth, parse, target, policy, mode, protect)   pipeline/prepare.py
    -> call (plain provider, or the web_search loop)        pipeline/call.py
    -> relay (guard, restore, frame)                        pipeline/relay.py
    -> finish (tokens, audit)                               pipeline/finish.py

Each stage owns what it produces and hands it down; `stream` changes only how the
answer is read and written, never the path. Retries end when the provider's answer
starts, before our headers go out, so a failure before that is a normal HTTP error
(rendered by the app's error handler, which also finishes the audit record) and one
after it is a final SSE event.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.deps import get_caller
from gateway.disconnect import unless_disconnected
from gateway.errors import GatewayError
from gateway.pipeline.call import open_call
from gateway.pipeline.finish import Outcome, count_tokens, finish
from gateway.pipeline.guards import AnswerGuard
from gateway.pipeline.prepare import prepare
from gateway.pipeline.relay import relay_stream, relay_whole
from gateway.pipeline.render import ChatCompletionWriter

router = APIRouter()

_STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


@router.post("/chat/completions", response_model=None)
async def chat_completions(request: Request) -> JSONResponse | StreamingResponse:
    caller = await get_caller(request)
    audit, key, services = caller.audit, caller.key, caller.services
    prepared = await prepare(request, key, services, audit)
    call = open_call(prepared, services)
    guard = AnswerGuard(prepared.protected.vault, prepared.protected.mode, prepared.protected.config)
    writer = ChatCompletionWriter(prepared.chat.model)
    payload, deadline = prepared.protected.payload, prepared.deadline

    async def done(outcome: Outcome, tokens: asyncio.Task[None] | None = None) -> None:
        await finish(
            audit,
            outcome,
            auditor=services.auditor,
            authenticator=services.authenticator,
            key=key,
            tokens=tokens,
        )

    try:
        if prepared.chat.stream:
            stream = await unless_disconnected(request, call.stream(payload, deadline))
        else:
            answer = await unless_disconnected(request, call.complete(payload, deadline))
    except GatewayError as exc:
        await done(Outcome(error=exc, web_searches=call.searches))
        raise

    if prepared.chat.stream:
        body = relay_stream(
            stream,
            guard,
            writer,
            include_usage=bool(prepared.chat.stream_options and prepared.chat.stream_options.include_usage),
            finish=done,
            searches=lambda: call.searches,
            first_extra=prepared.upstream_view(),
        )
        headers = {**_STREAM_HEADERS, **prepared.headers}
        return StreamingResponse(body, media_type="text/event-stream", headers=headers)

    # The token update's round trip overlaps the answer's guard and serialisation.
    tokens = count_tokens(services.authenticator, key, answer.usage)
    outcome = Outcome(usage=answer.usage, upstream_status=200, web_searches=call.searches)
    try:
        completion = await relay_whole(answer, guard, writer, prepared.upstream_view())
    except GatewayError as exc:
        outcome.error, outcome.redactions = exc, guard.redactions
        await done(outcome, tokens)
        raise
    finally:
        if tokens is not None:
            await tokens  # whatever happened, nothing is left running after the response
    outcome.redactions = guard.redactions
    outcome.mark_first_byte()
    await done(outcome, tokens)
    headers = dict(prepared.headers)
    if guard.redactions:
        headers["x-gateway-redacted"] = ",".join(f"{k}={n}" for k, n in sorted(guard.redactions.items()))
    return JSONResponse(completion, headers=headers)
