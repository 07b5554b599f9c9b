"""Writing `Piece`s out as OpenAI chat completions: the caller's side of the wire.

Every key written here is one the gateway chose to write, with a value the relay
guarded or the gateway made: ids (`chatcmpl-…`, `call_…`), `created`, `object`
and `model` are the gateway's own, `logprobs` is always `null` (the provider's
token log-probabilities repeat the answer's text, unguarded), usage is numbers.
A stream keeps its completion id, and each tool call its id, across all chunks;
a tool call's id appears on its first chunk, as OpenAI sends it, so a client can
send it back in the next request as `tool_call_id`.

Other wire formats are other writers over the same pieces (`pipeline/writer.py`).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from gateway.answers import Choice, Citation, Piece, ToolCall, Usage
from gateway.errors import GatewayError
from gateway.sse import DONE_FRAME, frame


def new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_urlsafe(18).replace('-', 'x').replace('_', 'y')}"


class ChatCompletionWriter:
    """One answer's writer: holds the ids it gave out, so a stream's chunks agree.

    `include_usage` is the caller's `stream_options.include_usage`; `extra` adds the
    gateway's own opt-in fields (the upstream view) to a whole answer or a stream's first chunk.
    """

    def __init__(
        self,
        public_model: str,
        *,
        include_usage: bool = False,
        extra: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.time,
        ids: Callable[[str], str] = new_id,
    ) -> None:
        self._model = public_model
        self._include_usage = include_usage
        self._extra = extra
        self._ids = ids
        self._id = ids("chatcmpl-")
        self._created = int(clock())
        self._call_ids: dict[tuple[int, int], str] = {}

    # The writer protocol (pipeline/writer.py).

    def whole(self, piece: Piece) -> dict[str, Any]:
        return {**self.completion(piece), **(self._extra or {})}

    def opening(self) -> list[bytes]:
        return []

    def frames(self, piece: Piece) -> list[bytes]:
        chunk = self.chunk(piece)
        if chunk is None:
            return []
        if self._extra:
            chunk, self._extra = {**chunk, **self._extra}, None
        return [frame(chunk)]

    def closing(self, usage: Usage | None) -> list[bytes]:
        if self._include_usage and usage is not None:
            return [frame(self.usage_chunk(usage)), DONE_FRAME]
        return [DONE_FRAME]

    def failure(self, error: GatewayError) -> list[bytes]:
        return [frame(error.body()), DONE_FRAME]

    def completion(self, piece: Piece) -> dict[str, Any]:
        """A whole answer: `chat.completion`."""
        body = self._head("chat.completion")
        body["choices"] = [
            {
                "index": choice.index,
                "message": self._message(choice),
                "logprobs": None,
                "finish_reason": choice.finish_reason or "stop",
            }
            for choice in piece.choices
        ]
        if piece.usage is not None:
            body["usage"] = piece.usage.as_dict()
        return body

    def chunk(self, piece: Piece) -> dict[str, Any] | None:
        """One stream chunk, or None when no choice has anything to say yet."""
        choices = []
        for choice in piece.choices:
            delta = self._delta(choice)
            if delta or choice.finish_reason is not None:
                choices.append(
                    {
                        "index": choice.index,
                        "delta": delta,
                        "logprobs": None,
                        "finish_reason": choice.finish_reason,
                    }
                )
        if not choices:
            return None
        return {**self._head("chat.completion.chunk"), "choices": choices}

    def usage_chunk(self, usage: Usage) -> dict[str, Any]:
        """The stream's closing usage chunk (empty `choices`), when the client asked for it."""
        return {**self._head("chat.completion.chunk"), "choices": [], "usage": usage.as_dict()}

    def _head(self, kind: str) -> dict[str, Any]:
        return {"id": self._id, "object": kind, "created": self._created, "model": self._model}

    def _message(self, choice: Choice) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": _content(choice.content)}
        message.update(_common(choice, whole=True))
        if choice.tool_calls:
            message["tool_calls"] = [
                {"id": self._ids("call_"), "type": "function", "function": _function(call, whole=True)}
                for call in choice.tool_calls
            ]
        return message

    def _delta(self, choice: Choice) -> dict[str, Any]:
        delta: dict[str, Any] = {}
        if choice.role:
            delta["role"] = "assistant"
        if choice.content is not None:
            delta["content"] = _content(choice.content)
        delta.update(_common(choice, whole=False))
        calls = [
            item for item in (self._call_delta(choice.index, call) for call in choice.tool_calls) if item
        ]
        if calls:
            delta["tool_calls"] = calls
        return delta

    def _call_delta(self, index: int, call: ToolCall) -> dict[str, Any] | None:
        key = (index, call.index)
        item: dict[str, Any] = {"index": call.index}
        if key not in self._call_ids:
            self._call_ids[key] = self._ids("call_")
            item.update(id=self._call_ids[key], type="function")
        function = _function(call, whole=False)
        if function:
            item["function"] = function
        return item if len(item) > 1 else None


def _common(choice: Choice, *, whole: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if choice.refusal is not None:
        out["refusal"] = choice.refusal
    if choice.reasoning is not None:
        out["reasoning_content"] = choice.reasoning
    if choice.function_call is not None:
        out["function_call"] = _function(choice.function_call, whole=whole)
    if choice.annotations:
        out["annotations"] = [_citation(citation) for citation in choice.annotations]
    if choice.audio_transcript is not None:
        out["audio"] = {"transcript": choice.audio_transcript}
    return out


def _content(content: str | list[str] | None) -> str | list[dict[str, str]] | None:
    if isinstance(content, list):
        return [{"type": "text", "text": text} for text in content]
    return content


def _function(call: ToolCall, *, whole: bool) -> dict[str, str]:
    """A whole call always names both fields; a stream piece only what it carries."""
    if whole:
        return {"name": call.name or "", "arguments": call.arguments or ""}
    return {
        name: value
        for name, value in (("name", call.name), ("arguments", call.arguments))
        if value is not None
    }


def _citation(citation: Citation) -> dict[str, Any]:
    cited: dict[str, Any] = {"url": citation.url, "title": citation.title}
    if citation.start_index is not None:
        cited["start_index"] = citation.start_index
    if citation.end_index is not None:
        cited["end_index"] = citation.end_index
    return {"type": "url_citation", "url_citation": cited}
