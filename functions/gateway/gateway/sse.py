"""Server-sent events, both directions, as pure functions.

Providers send `data: <json>` events separated by blank lines and end with
`data: [DONE]`. The decoder is fed lines and yields each event's data once it is
complete; it knows nothing about HTTP, so it is tested with plain lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

DONE = "[DONE]"
DONE_FRAME = b"data: [DONE]\n\n"


class SSEDecoder:
    """Turns lines (without their line ending) into event data strings."""

    def __init__(self) -> None:
        self._data: list[str] = []

    def feed(self, line: str) -> Iterator[str]:
        if line == "":
            yield from self._dispatch()
            return
        if line.startswith(":"):
            return  # comment / keep-alive
        name, _, value = line.partition(":")
        if name == "data":
            self._data.append(value[1:] if value.startswith(" ") else value)

    def close(self) -> Iterator[str]:
        """Dispatch an event that ended without its blank line."""
        yield from self._dispatch()

    def _dispatch(self) -> Iterator[str]:
        if self._data:
            data = "\n".join(self._data)
            self._data = []
            yield data


def frame(payload: dict[str, Any]) -> bytes:
    """One `data:` event carrying a JSON object."""
    return b"data: " + json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n"


def named_frame(payload: dict[str, Any]) -> bytes:
    """One event named after its payload's `type` (Anthropic's and the Responses API's streams)."""
    return f"event: {payload['type']}\n".encode() + frame(payload)
