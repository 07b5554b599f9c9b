"""Reading Anthropic's answers (a whole `message`, or its stream events) into `Piece`s.

Only known blocks and fields are read, as in `upstream/read.py`: text, thinking (the model's
reasoning), `tool_use` (its input serialised as chat-style arguments), the stop reason and the
token counts. Server-tool blocks, citations, signatures and whatever Anthropic adds later are
left behind here. Anthropic counts cached input apart (`cache_read_input_tokens`,
`cache_creation_input_tokens`); the internal usage counts every input token in
`prompt_tokens`, as OpenAI does, with the cached share in its details.
"""

from __future__ import annotations

import json
from typing import Any

from gateway.answers import Choice, Piece, ToolCall, Usage
from gateway.errors import UpstreamError
from gateway.formats import shapes
from gateway.upstream.read import WrongShape

STOP_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def read_message(body: Any) -> Piece:
    """A whole Messages answer."""
    if not isinstance(body, dict) or body.get("type") != "message":
        raise WrongShape("not a message")
    texts: list[str] = []
    thinking: list[str] = []
    calls: list[ToolCall] = []
    content = body.get("content")
    if not isinstance(content, list):
        raise WrongShape("no content")
    for block in content:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            texts.append(shapes.text(block.get("text")))
        elif kind == "thinking":
            thinking.append(shapes.text(block.get("thinking")))
        elif kind == "tool_use":
            calls.append(_call(block, len(calls), json.dumps(block.get("input") or {}, ensure_ascii=False)))
    choice = Choice(
        index=0,
        role=True,
        content="".join(texts) if texts or not calls else None,
        reasoning="".join(thinking) if thinking else None,
        tool_calls=calls,
        finish_reason=shapes.finish(body.get("stop_reason"), STOP_REASONS),
    )
    return Piece([choice], usage_of(body.get("usage")))


class MessagesStream:
    """One answer's stream events, in order, into pieces; `done` once `message_stop` came."""

    def __init__(self) -> None:
        self.done = False
        self._tools: dict[int, int] = {}  # content block index -> tool call index
        self._usage: dict[str, int] = {}

    def read(self, event: Any) -> Piece | None:
        if not isinstance(event, dict):
            raise WrongShape("event")
        kind = event.get("type")
        if kind == "message_start":
            self._count(shapes.obj(event.get("message")).get("usage"))
            return Piece([Choice(0, role=True)])
        if kind == "content_block_start":
            return self._start(shapes.index(event.get("index")), shapes.obj(event.get("content_block")))
        if kind == "content_block_delta":
            return self._delta(shapes.index(event.get("index")), shapes.obj(event.get("delta")))
        if kind == "message_delta":
            self._count(event.get("usage"))
            finish = shapes.finish(shapes.obj(event.get("delta")).get("stop_reason"), STOP_REASONS)
            return Piece([Choice(0, finish_reason=finish)], usage_of(self._usage))
        if kind == "message_stop":
            self.done = True
        elif kind == "error":
            raise UpstreamError("The provider reported an error during the answer.")
        return None  # ping, content_block_stop, and event types added later

    def _start(self, index: int, block: dict[str, Any]) -> Piece | None:
        kind = block.get("type")
        if kind == "tool_use":
            self._tools[index] = len(self._tools)
            return Piece([Choice(0, tool_calls=[_call(block, self._tools[index], "")])])
        if kind == "text" and block.get("text"):
            return Piece([Choice(0, content=shapes.text(block.get("text")))])
        return None

    def _delta(self, index: int, delta: dict[str, Any]) -> Piece | None:
        kind = delta.get("type")
        if kind == "text_delta":
            return Piece([Choice(0, content=shapes.text(delta.get("text")))])
        if kind == "thinking_delta":
            return Piece([Choice(0, reasoning=shapes.text(delta.get("thinking")))])
        if kind == "input_json_delta" and index in self._tools:
            call = ToolCall(self._tools[index], arguments=shapes.text(delta.get("partial_json")))
            return Piece([Choice(0, tool_calls=[call])])
        return None

    def _count(self, raw: Any) -> None:
        if isinstance(raw, dict):
            self._usage.update({k: shapes.count(v) for k, v in raw.items() if k in _USAGE_KEYS})


def usage_of(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    counts = {k: shapes.count(raw.get(k)) for k in _USAGE_KEYS}
    cached = counts["cache_read_input_tokens"]
    prompt = counts["input_tokens"] + counts["cache_creation_input_tokens"] + cached
    output = counts["output_tokens"]
    details = {"prompt_tokens_details": {"cached_tokens": cached}} if cached else {}
    return Usage(
        {"prompt_tokens": prompt, "completion_tokens": output, "total_tokens": prompt + output}, details
    )


_USAGE_KEYS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


def _call(block: dict[str, Any], index: int, arguments: str) -> ToolCall:
    return ToolCall(
        index=index, id=shapes.text(block.get("id")), name=shapes.text(block.get("name")), arguments=arguments
    )
