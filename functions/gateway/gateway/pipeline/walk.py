"""One request, one walk, whatever the wire format (STYLE §8).

    prepare (auth, parse, target, policy, mode, protect)   pipeline/prepare.py
    -> call (plain provider, or the web_search loop)        pipeline/call.py
    -> relay (guard, restore, frame)                        pipeline/relay.py
    -> finish (tokens, audit)                               pipeline/finish.py

A route names its wire format (`Wire`: how its body becomes the internal chat request, and
the writer of its answers) and hands the request here, so chat completions, Anthropic
Messages and OpenAI Responses share auth, policy, limits, masking, the guard and the audit
trail: one code path. Each stage owns what it produces and hands it down; `stream` changes
only how the answer is read and written, never the path. Retries end when the provider's
answer starts, before our headers go out, so a failure before that is a normal HTTP error
(rendered by the app's error handler, which also finishes the audit record) and one after
it ends the stream in the format's own way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.after_response import AfterResponse
from gateway.deps import get_caller
from gateway.disconnect import unless_disconnected
from gateway.errors import GatewayError
from gateway.pipeline.call import open_call
from gateway.pipeline.finish import Outcome, count_tokens, finish
from gateway.pipeline.guards import AnswerGuard
from gateway.pipeline.prepare import Prepared, prepare
from gateway.pipeline.relay import relay_stream, relay_whole
from gateway.pipeline.writer import AnswerWriter
from gateway.schemas import ChatCompletionRequest

_STREAM_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


@dataclass(frozen=True)
class Wire:
    parse: Callable[[bytes], ChatCompletionRequest]
    writer: Callable[[Prepared], AnswerWriter]


async def walk(request: Request, wire: Wire) -> JSONResponse | StreamingResponse:
    caller = await get_caller(request)
    audit, key, services = caller.audit, caller.key, caller.services
    prepared = await prepare(request, key, services, audit, wire.parse)
    call = open_call(prepared, services)
    guard = AnswerGuard(prepared.protected.vault, prepared.protected.mode, prepared.protected.config)
    writer = wire.writer(prepared)
    payload, deadline = prepared.protected.payload, prepared.deadline
    # The token update's reply is awaited after the answer's last byte (`gateway.after_response`).
    after = AfterResponse()

    async def done(
        outcome: Outcome, tokens: asyncio.Task[None] | None = None, *, answered: bool = False
    ) -> None:
        """`answered`: a response will be sent, so the token update's reply can wait for its end."""
        await finish(
            audit,
            outcome,
            auditor=services.auditor,
            authenticator=services.authenticator,
            key=key,
            tokens=tokens,
            after=after if answered else None,
        )

    async def stream_done(outcome: Outcome) -> None:
        # A caller who left gets no background: the update is awaited in the relay's shield.
        await done(outcome, answered=not outcome.disconnected)

    try:
        if prepared.chat.stream:
            stream = await unless_disconnected(request, call.stream(payload, deadline))
        else:
            answer = await unless_disconnected(request, call.complete(payload, deadline))
    except GatewayError as exc:
        await done(Outcome(error=exc, web_searches=call.searches))
        raise

    if prepared.chat.stream:
        body = relay_stream(stream, guard, writer, finish=stream_done, searches=lambda: call.searches)
        headers = {**_STREAM_HEADERS, **prepared.headers}
        return StreamingResponse(
            body, media_type="text/event-stream", headers=headers, background=after.background()
        )

    # The token update is on the wire while the answer is guarded and serialised.
    tokens = count_tokens(services.authenticator, key, answer.usage)
    outcome = Outcome(usage=answer.usage, upstream_status=200, web_searches=call.searches)
    try:
        whole = await relay_whole(answer, guard, writer)
    except GatewayError as exc:
        outcome.error, outcome.redactions = exc, guard.redactions
        await done(outcome, tokens)
        raise
    except BaseException:
        if tokens is not None:
            await tokens  # whatever happened, nothing is left running after the response
        raise
    outcome.redactions = guard.redactions
    outcome.mark_first_byte()
    await done(outcome, tokens, answered=True)
    headers = dict(prepared.headers)
    if guard.redactions:
        headers["x-gateway-redacted"] = ",".join(f"{k}={n}" for k, n in sorted(guard.redactions.items()))
    return JSONResponse(whole, headers=headers, background=after.background())
