"""The relay: the provider's answer in, the caller's answer out (guard, restore, frame).

Both shapes take the same path: a `Piece` read from the provider (only known
fields), the `AnswerGuard` (every model-written string restored and scrubbed), a
writer (the caller's wire format, the gateway's ids). A whole answer is guarded in
one go, in a worker thread when its text exceeds `OFF_LOOP_CHARS`; a stream is
guarded piece by piece, each text field of each choice through its own stream
guard, and whatever a guard still holds is released with the choice's finish
reason (or at the end). The provider's usage is held until the end, so the caller's
last chunk before `[DONE]` is the usage chunk when asked for.

The relay ends every stream itself: a failure after the first byte becomes one final
error event, and the finish step (tokens, audit) runs before `[DONE]`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio

from gateway.answers import Piece
from gateway.errors import GatewayError, InternalError
from gateway.pipeline.finish import Outcome
from gateway.pipeline.guards import AnswerGuard
from gateway.pipeline.render import ChatCompletionWriter
from gateway.sse import DONE_FRAME, frame
from gateway.upstream.client import AnswerStream

OFF_LOOP_CHARS = 64 * 1024


async def relay_whole(
    piece: Piece, guard: AnswerGuard, writer: ChatCompletionWriter, extra: dict[str, Any] | None
) -> dict[str, Any]:
    """The caller's `chat.completion`. `extra` adds the gateway's own opt-in fields."""
    if piece.text_size() > OFF_LOOP_CHARS:
        guarded = await anyio.to_thread.run_sync(guard.whole, piece)
    else:
        guarded = guard.whole(piece)
    return {**writer.completion(guarded), **(extra or {})}


async def relay_stream(
    stream: AnswerStream,
    guard: AnswerGuard,
    writer: ChatCompletionWriter,
    *,
    include_usage: bool,
    finish: Callable[[Outcome], Awaitable[None]],
    searches: Callable[[], int],
    first_extra: dict[str, Any] | None = None,
) -> AsyncIterator[bytes]:
    """Provider pieces in, caller SSE frames out, ending in `[DONE]`.

    Closing this generator (the caller went away) closes the provider stream and
    still finishes (tokens, audit), shielded from the cancellation that ended it.
    `first_extra` adds fields to the first chunk only (the opt-in upstream view).
    """
    outcome = Outcome(upstream_status=stream.status)
    finished = False
    try:
        try:
            try:
                async for piece in stream.pieces:
                    if piece.usage is not None:
                        outcome.usage = piece.usage
                    if not piece.choices:
                        continue
                    chunk = writer.chunk(guard.feed(piece))
                    if chunk is not None:
                        outcome.mark_first_byte()
                        if first_extra:
                            chunk, first_extra = {**chunk, **first_extra}, None
                        yield frame(chunk)
            except GatewayError as exc:
                # The provider failed mid-answer: what the guards hold is still released
                # (they decide on it as at a normal end), then the error event follows.
                outcome.error = exc
            for index in guard.open_choices():
                released = guard.release(index)
                chunk = writer.chunk(Piece([released])) if released else None
                if chunk is not None:
                    yield frame(chunk)
        except GatewayError as exc:
            outcome.error = exc
        except Exception:
            outcome.error = InternalError("The gateway failed while relaying the answer.")
        finally:
            await stream.aclose()
        outcome.redactions, outcome.web_searches = guard.redactions, searches()
        await finish(outcome)
        finished = True
        if outcome.error is not None:
            yield frame(outcome.error.body())
        elif include_usage and outcome.usage is not None:
            yield frame(writer.usage_chunk(outcome.usage))
        yield DONE_FRAME
    finally:
        if not finished:
            outcome.disconnected = True
            outcome.redactions, outcome.web_searches = guard.redactions, searches()
            with anyio.CancelScope(shield=True):
                await stream.aclose()
                await finish(outcome)
