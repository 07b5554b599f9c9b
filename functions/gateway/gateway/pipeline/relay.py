"""The relay: the provider's answer in, the caller's answer out (guard, restore, frame).

Both shapes take the same path: a `Piece` read from the provider (only known
fields), the `AnswerGuard` (every model-written string restored and scrubbed), a
writer (the caller's wire format, the gateway's ids: `pipeline/writer.py`). A whole answer is guarded in
one go, in a worker thread when its text exceeds `OFF_LOOP_CHARS`; a stream is
guarded piece by piece, each text field of each choice through its own stream
guard, and whatever a guard still holds is released with the choice's finish
reason (or at the end). The provider's usage is held until the end, so it reaches
the writer's closing frames (chat completions' usage chunk when asked for).

The relay ends every stream itself: a failure after the first byte becomes the writer's
failure frames, and the finish step (tokens, audit) runs before the last frame.

The frames a writer makes at one time (a stream's opening, one piece, the usage chunk and
the terminator) leave as one body message: each message costs an HTTP chunk, a pass through
every middleware's `send` and a socket write, and the caller reads the same bytes either way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio

from gateway.answers import Piece
from gateway.errors import GatewayError, InternalError
from gateway.pipeline.finish import Outcome
from gateway.pipeline.guards import AnswerGuard
from gateway.pipeline.writer import AnswerWriter
from gateway.upstream.client import AnswerStream

OFF_LOOP_CHARS = 64 * 1024


async def relay_whole(piece: Piece, guard: AnswerGuard, writer: AnswerWriter) -> dict[str, Any]:
    """The caller's whole answer, in its wire format."""
    if piece.text_size() > OFF_LOOP_CHARS:
        guarded = await anyio.to_thread.run_sync(guard.whole, piece)
    else:
        guarded = guard.whole(piece)
    return writer.whole(guarded)


async def relay_stream(
    stream: AnswerStream,
    guard: AnswerGuard,
    writer: AnswerWriter,
    *,
    finish: Callable[[Outcome], Awaitable[None]],
    searches: Callable[[], int],
) -> AsyncIterator[bytes]:
    """Provider pieces in, the caller's stream frames out, ending in the format's terminator.

    Closing this generator (the caller went away) closes the provider stream and
    still finishes (tokens, audit), shielded from the cancellation that ended it.
    """
    outcome = Outcome(upstream_status=stream.status)
    finished = False
    try:
        try:
            if opening := writer.opening():
                yield b"".join(opening)
            try:
                async for piece in stream.pieces:
                    if piece.usage is not None:
                        outcome.usage = piece.usage
                    if not piece.choices:
                        continue
                    if frames := writer.frames(guard.feed(piece)):
                        outcome.mark_first_byte()
                        yield b"".join(frames)
            except GatewayError as exc:
                # The provider failed mid-answer: what the guards hold is still released
                # (they decide on it as at a normal end), then the error event follows.
                outcome.error = exc
            for index in guard.open_choices():
                released = guard.release(index)
                if released and (frames := writer.frames(Piece([released]))):
                    yield b"".join(frames)
        except GatewayError as exc:
            outcome.error = exc
        except Exception:
            outcome.error = InternalError("The gateway failed while relaying the answer.")
        finally:
            await stream.aclose()
        outcome.redactions, outcome.web_searches = guard.redactions, searches()
        await finish(outcome)
        finished = True
        ending = writer.failure(outcome.error) if outcome.error else writer.closing(outcome.usage)
        yield b"".join(ending)
    finally:
        if not finished:
            outcome.disconnected = True
            outcome.redactions, outcome.web_searches = guard.redactions, searches()
            with anyio.CancelScope(shield=True):
                await stream.aclose()
                await finish(outcome)
