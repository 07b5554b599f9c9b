"""Writing guarded `Piece`s out as Anthropic Messages: a `message`, or its stream of events.

Rebuilt from the pieces' declared fields only: `thinking` blocks from the reasoning (with an
empty signature: the gateway's answers cannot be verified by Anthropic, and are never sent back
to it), `text` blocks from the content and a refusal, `tool_use` blocks with the gateway's own
`toolu_` ids and the arguments as an `input` object. Citations and audio have no place in a
Message and are dropped. Ids (`msg_…`, `toolu_…`) are the gateway's; `model` is the id asked for.

A stream is Anthropic's event sequence: `message_start` and a `ping`, then per content block
`content_block_start`, its deltas and `content_block_stop` (a new kind of text, or another tool
call, closes the open block), then `message_delta` with the stop reason and usage, and
`message_stop`; a failure after the start is one `error` event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.answers import Choice, Piece, ToolCall, Usage
from gateway.errors import GatewayError
from gateway.formats.anthropic.errors import error_body
from gateway.formats.arguments import arguments_object
from gateway.pipeline.render import new_id
from gateway.sse import named_frame

STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}

_Block = tuple[str, int]  # ("thinking" | "text" | "tool_use", tool-call index)


class MessagesWriter:
    def __init__(self, public_model: str, *, ids: Callable[[str], str] = new_id) -> None:
        self._model = public_model
        self._ids = ids
        self._id = ids("msg_")
        self._open: _Block | None = None
        self._index = -1
        self._stop: str | None = None
        self._seen_calls: set[int] = set()

    # ------------------------------------------------------------------ whole

    def whole(self, piece: Piece) -> dict[str, Any]:
        choice = piece.choices[0] if piece.choices else Choice(0)
        content: list[dict[str, Any]] = []
        if choice.reasoning:
            content.append({"type": "thinking", "thinking": choice.reasoning, "signature": ""})
        for text in (_text(choice.content), choice.refusal):
            if text:
                content.append({"type": "text", "text": text})
        for call in _calls(choice):
            content.append(
                {
                    "type": "tool_use",
                    "id": self._ids("toolu_"),
                    "name": call.name or "",
                    "input": arguments_object(call.arguments),
                }
            )
        return {
            **self._head(),
            "content": content,
            "stop_reason": _stop(choice.finish_reason),
            "stop_sequence": None,
            "usage": usage_body(piece.usage),
        }

    # ------------------------------------------------------------------ streams

    def opening(self) -> list[bytes]:
        message = {**self._head(), "content": [], "stop_reason": None, "stop_sequence": None}
        message["usage"] = {"input_tokens": 0, "output_tokens": 0}
        return [
            named_frame({"type": "message_start", "message": message}),
            named_frame({"type": "ping"}),
        ]

    def frames(self, piece: Piece) -> list[bytes]:
        out: list[bytes] = []
        for choice in piece.choices[:1]:  # this route has one choice (no `n`)
            if choice.reasoning:
                out += self._delta(("thinking", 0), {"type": "thinking_delta", "thinking": choice.reasoning})
            for text in (_text(choice.content), choice.refusal):
                if text:
                    out += self._delta(("text", 0), {"type": "text_delta", "text": text})
            for call in _calls(choice):
                out += self._call(call)
            if choice.finish_reason is not None:
                self._stop = _stop(choice.finish_reason)
                out += self._close()
        return out

    def closing(self, usage: Usage | None) -> list[bytes]:
        delta = {"stop_reason": self._stop or "end_turn", "stop_sequence": None}
        return [
            *self._close(),
            named_frame({"type": "message_delta", "delta": delta, "usage": usage_body(usage)}),
            named_frame({"type": "message_stop"}),
        ]

    def failure(self, error: GatewayError) -> list[bytes]:
        return [named_frame(error_body(error))]

    # ------------------------------------------------------------------ blocks

    def _call(self, call: ToolCall) -> list[bytes]:
        out: list[bytes] = []
        block = ("tool_use", call.index)
        if call.index not in self._seen_calls:
            self._seen_calls.add(call.index)
            start = {"type": "tool_use", "id": self._ids("toolu_"), "name": call.name or "", "input": {}}
            out += self._start(block, start)
        if call.arguments:
            out += self._delta(block, {"type": "input_json_delta", "partial_json": call.arguments})
        return out

    def _delta(self, block: _Block, delta: dict[str, Any]) -> list[bytes]:
        out: list[bytes] = []
        if self._open != block:
            start: dict[str, Any] = (
                {"type": "thinking", "thinking": "", "signature": ""}
                if block[0] == "thinking"
                else {"type": "text", "text": ""}
            )
            out += self._start(block, start)
        out.append(named_frame({"type": "content_block_delta", "index": self._index, "delta": delta}))
        return out

    def _start(self, block: _Block, content_block: dict[str, Any]) -> list[bytes]:
        out = self._close()
        self._open, self._index = block, self._index + 1
        out.append(
            named_frame({"type": "content_block_start", "index": self._index, "content_block": content_block})
        )
        return out

    def _close(self) -> list[bytes]:
        if self._open is None:
            return []
        self._open = None
        return [named_frame({"type": "content_block_stop", "index": self._index})]

    def _head(self) -> dict[str, Any]:
        return {"id": self._id, "type": "message", "role": "assistant", "model": self._model}


def usage_body(usage: Usage | None) -> dict[str, int]:
    """Anthropic counts cached input apart from `input_tokens`."""
    if usage is None:
        return {"input_tokens": 0, "output_tokens": 0}
    cached = usage.details.get("prompt_tokens_details", {}).get("cached_tokens", 0)
    body = {
        "input_tokens": max(0, usage.counts.get("prompt_tokens", 0) - cached),
        "output_tokens": usage.counts.get("completion_tokens", 0),
    }
    if cached:
        body["cache_read_input_tokens"] = cached
    return body


def _calls(choice: Choice) -> list[ToolCall]:
    return [*choice.tool_calls, *([choice.function_call] if choice.function_call else [])]


def _stop(finish_reason: str | None) -> str:
    return STOP_REASONS.get(finish_reason or "stop", "end_turn")


def _text(content: str | list[str] | None) -> str | None:
    return "".join(content) if isinstance(content, list) else content
