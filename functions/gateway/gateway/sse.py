"""Server-sent events, both directions, as pure functions.

Providers send `data: <json>` events separated by blank lines and end with
`data: [DONE]`. The decoder is fed lines and yields each event's data once it is
complete; it knows nothing about HTTP, so it is tested with plain lists.
"""

from __future__ import annotations

import json
from typing import Any

DONE = "[DONE]"
DONE_FRAME = b"data: [DONE]\n\n"


class SSEDecoder:
    """Turns lines (without their line ending) into event data strings."""

    def __init__(self) -> None:
        self._data: list[str] = []

    def feed(self, line: str) -> list[str]:
        """The event this line completes, if any (a list: the caller loops over it either way).

        A plain function, not a generator: it runs for every line of every stream, and a
        generator object per line cost more than the line's own work."""
        if line == "":
            return self._dispatch()
        if line.startswith("data"):
            if line == "data":  # a field with no colon has an empty value
                self._data.append("")
            elif line[4] == ":":
                self._data.append(line[6:] if line.startswith(" ", 5) else line[5:])
        # Anything else is a comment / keep-alive (`:`) or a field the gateway does not use.
        return []

    def close(self) -> list[str]:
        """Dispatch an event that ended without its blank line."""
        return self._dispatch()

    def _dispatch(self) -> list[str]:
        if not self._data:
            return []
        data = self._data[0] if len(self._data) == 1 else "\n".join(self._data)
        self._data = []
        return [data]


def frame(payload: dict[str, Any]) -> bytes:
    """One `data:` event carrying a JSON object."""
    return b"data: " + json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode() + b"\n\n"


def named_frame(payload: dict[str, Any]) -> bytes:
    """One event named after its payload's `type` (Anthropic's and the Responses API's streams)."""
    return f"event: {payload['type']}\n".encode() + frame(payload)
