"""What a route's wire format must do with the guarded answer: the writer protocol.

The relay guards `Piece`s and hands them to a writer; the writer alone knows the caller's wire:
chat completions (`pipeline/render.py`), Anthropic Messages (`formats/anthropic/writer.py`),
OpenAI Responses (`formats/responses/writer.py`). Each builds its answer from the pieces'
declared fields only, with the gateway's own ids, so the answer allowlist holds for every
format by construction. A stream is opening frames, one call of `frames` per guarded piece,
then either the closing frames (usage, the format's terminator) or the failure frames: every
format ends its stream itself, so a stream never just stops.
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.answers import Piece, Usage
from gateway.errors import GatewayError


class AnswerWriter(Protocol):
    def whole(self, piece: Piece) -> dict[str, Any]:
        """A whole (guarded) answer as the caller's JSON body."""
        ...

    def opening(self) -> list[bytes]:
        """Frames a stream starts with, before any answer text."""
        ...

    def frames(self, piece: Piece) -> list[bytes]:
        """One guarded stream piece; empty while there is nothing to say."""
        ...

    def closing(self, usage: Usage | None) -> list[bytes]:
        """The end of a stream that finished: what is still open, usage, the terminator."""
        ...

    def failure(self, error: GatewayError) -> list[bytes]:
        """The end of a stream that failed after it started."""
        ...
