"""Writing guarded `Piece`s out as an OpenAI Response: the whole object, or its typed events.

Output items are rebuilt from the pieces' declared fields only, each with the gateway's ids:
a `reasoning` item (its `reasoning_text` content) from the reasoning, a `message` item with an
`output_text` part (citations as `url_citation` annotations) and a `refusal` part, and one
`function_call` item per tool call (`fc_…` item id, `call_…` call id). The response says what
the gateway knows and echoes nothing of the request (`instructions`, `tools`, `metadata` are
empty); `model` is the id asked for; usage is numbers.

A stream follows the Responses API's sequence: `response.created` and `response.in_progress`;
per item `response.output_item.added`, its part's `content_part.added`, the deltas
(`output_text`, `refusal`, `reasoning_text`, `function_call_arguments`), the `.done` events and
`response.output_item.done`; then `response.completed` (or `response.incomplete` when the
model ran out of tokens or was filtered) with the whole response. A failure after the start is
`response.failed`, whose response carries the gateway's error code and message. Every event has
its `sequence_number`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from gateway.answers import Choice, Citation, Piece, ToolCall, Usage
from gateway.errors import GatewayError
from gateway.pipeline.render import new_id
from gateway.sse import named_frame

_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}
# The part each text field writes, and the delta event it streams as.
_PARTS = {
    "reasoning": ("reasoning_text", "response.reasoning_text"),
    "text": ("output_text", "response.output_text"),
    "refusal": ("refusal", "response.refusal"),
}


class ResponsesWriter:
    def __init__(
        self,
        public_model: str,
        *,
        clock: Callable[[], float] = time.time,
        ids: Callable[[str], str] = new_id,
    ) -> None:
        self._model = public_model
        self._ids = ids
        self._id = ids("resp_")
        self._created = int(clock())
        self._sequence = 0
        self._items: list[dict[str, Any]] = []  # every output item so far, as it stands
        self._open: tuple[str, int] | None = None  # ("message" | "reasoning" | "call", call index)
        self._finish: str | None = None

    # ------------------------------------------------------------------ whole

    def whole(self, piece: Piece) -> dict[str, Any]:
        choice = piece.choices[0] if piece.choices else Choice(0)
        if choice.reasoning:
            self._items.append(self._reasoning_item(choice.reasoning))
        message = self._message_item()
        if _text(choice.content):
            message["content"].append(_part("text", _text(choice.content) or "", choice.annotations))
        if choice.refusal:
            message["content"].append(_part("refusal", choice.refusal, []))
        if message["content"]:
            self._items.append(message)
        for call in _calls(choice):
            self._items.append(self._call_item(call))
        for item in self._items:
            item["status"] = "completed"
        return self._response(_status(choice.finish_reason), choice.finish_reason, piece.usage)

    # ------------------------------------------------------------------ streams

    def opening(self) -> list[bytes]:
        response = self._response("in_progress", None, None)
        return [
            self._event("response.created", response=response),
            self._event("response.in_progress", response=response),
        ]

    def frames(self, piece: Piece) -> list[bytes]:
        out: list[bytes] = []
        for choice in piece.choices[:1]:  # this route has one choice (no `n`)
            if choice.reasoning:
                out += self._text_delta("reasoning", choice.reasoning)
            text = _text(choice.content)
            if text:
                out += self._text_delta("text", text)
            if choice.refusal:
                out += self._text_delta("refusal", choice.refusal)
            if choice.annotations:
                self._annotate(choice.annotations)
            for call in _calls(choice):
                out += self._call_delta(call)
            if choice.finish_reason is not None:
                self._finish = choice.finish_reason
        return out

    def closing(self, usage: Usage | None) -> list[bytes]:
        out = self._close()
        status = _status(self._finish)
        kind = "response.completed" if status == "completed" else "response.incomplete"
        out.append(self._event(kind, response=self._response(status, self._finish, usage)))
        return out

    def failure(self, error: GatewayError) -> list[bytes]:
        response = self._response("failed", None, None)
        response["error"] = {"code": error.code, "message": error.message}
        return [self._event("response.failed", response=response)]

    # ------------------------------------------------------------------ items

    def _text_delta(self, field: str, delta: str) -> list[bytes]:
        out: list[bytes] = []
        kind = "reasoning" if field == "reasoning" else "message"
        if self._open != (kind, 0):
            out += self._close()
            item = self._reasoning_item("") if kind == "reasoning" else self._message_item()
            out += self._add_item((kind, 0), item)
        item = self._items[-1]
        part_type, event = _PARTS[field]
        if not item["content"] or item["content"][-1]["type"] != part_type:
            part = _part(field, "", [])
            item["content"].append(part)
            out.append(self._event("response.content_part.added", **self._where(item), part=dict(part)))
        part = item["content"][-1]
        part[_text_key(part_type)] += delta
        extra: dict[str, Any] = {"logprobs": []} if field == "text" else {}
        out.append(self._event(f"{event}.delta", **self._where(item), delta=delta, **extra))
        return out

    def _call_delta(self, call: ToolCall) -> list[bytes]:
        out: list[bytes] = []
        if self._open != ("call", call.index):
            out += self._close()
            out += self._add_item(("call", call.index), self._call_item(ToolCall(call.index, name=call.name)))
        item = self._items[-1]
        if call.arguments:
            item["arguments"] += call.arguments
            out.append(
                self._event(
                    "response.function_call_arguments.delta",
                    item_id=item["id"],
                    output_index=len(self._items) - 1,
                    delta=call.arguments,
                )
            )
        return out

    def _annotate(self, citations: list[Citation]) -> None:
        item = self._items[-1] if self._items and self._open == ("message", 0) else None
        if item is not None and item["content"] and item["content"][-1]["type"] == "output_text":
            item["content"][-1]["annotations"] += [_annotation(c) for c in citations]

    def _add_item(self, key: tuple[str, int], item: dict[str, Any]) -> list[bytes]:
        self._open = key
        self._items.append(item)
        index = len(self._items) - 1
        return [self._event("response.output_item.added", output_index=index, item=_copy(item))]

    def _close(self) -> list[bytes]:
        """The open item's `.done` events (its parts', then its own)."""
        if self._open is None:
            return []
        self._open = None
        item = self._items[-1]
        item["status"] = "completed"
        index = len(self._items) - 1
        out: list[bytes] = []
        if item["type"] == "function_call":
            out.append(
                self._event(
                    "response.function_call_arguments.done",
                    item_id=item["id"],
                    output_index=index,
                    name=item["name"],
                    arguments=item["arguments"],
                )
            )
        for part in item.get("content", []):
            event = next(e for t, e in _PARTS.values() if t == part["type"])
            key = _text_key(part["type"])
            out.append(self._event(f"{event}.done", **self._where(item), **{key: part[key]}))
            out.append(self._event("response.content_part.done", **self._where(item), part=dict(part)))
        out.append(self._event("response.output_item.done", output_index=index, item=_copy(item)))
        return out

    def _where(self, item: dict[str, Any]) -> dict[str, Any]:
        index = self._items.index(item)
        return {"item_id": item["id"], "output_index": index, "content_index": len(item["content"]) - 1}

    def _message_item(self) -> dict[str, Any]:
        return {
            "id": self._ids("msg_"),
            "type": "message",
            "status": "in_progress",
            "role": "assistant",
            "content": [],
        }

    def _reasoning_item(self, text: str) -> dict[str, Any]:
        content = [_part("reasoning", text, [])] if text else []
        return {
            "id": self._ids("rs_"),
            "type": "reasoning",
            "status": "in_progress",
            "summary": [],
            "content": content,
        }

    def _call_item(self, call: ToolCall) -> dict[str, Any]:
        return {
            "id": self._ids("fc_"),
            "type": "function_call",
            "status": "in_progress",
            "call_id": self._ids("call_"),
            "name": call.name or "",
            "arguments": call.arguments or "",
        }

    def _event(self, kind: str, **fields: Any) -> bytes:
        payload = {"type": kind, "sequence_number": self._sequence, **fields}
        self._sequence += 1
        return named_frame(payload)

    def _response(self, status: str, finish: str | None, usage: Usage | None) -> dict[str, Any]:
        reason = _INCOMPLETE.get(finish or "")
        return {
            "id": self._id,
            "object": "response",
            "created_at": self._created,
            "status": status,
            "error": None,
            "incomplete_details": {"reason": reason} if reason else None,
            "instructions": None,
            "metadata": {},
            "model": self._model,
            "output": [_copy(item) for item in self._items],
            "parallel_tool_calls": True,
            "temperature": None,
            "tool_choice": "auto",
            "tools": [],
            "top_p": None,
            "usage": usage_body(usage),
        }


def usage_body(usage: Usage | None) -> dict[str, Any] | None:
    if usage is None:
        return None
    prompt = usage.counts.get("prompt_tokens", 0)
    output = usage.counts.get("completion_tokens", 0)
    cached = usage.details.get("prompt_tokens_details", {}).get("cached_tokens", 0)
    reasoning = usage.details.get("completion_tokens_details", {}).get("reasoning_tokens", 0)
    return {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": cached},
        "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": usage.counts.get("total_tokens", prompt + output),
    }


def _part(field: str, text: str, citations: list[Citation]) -> dict[str, Any]:
    part_type = _PARTS[field][0]
    if part_type == "output_text":
        return {"type": part_type, "text": text, "annotations": [_annotation(c) for c in citations]}
    return {"type": part_type, _text_key(part_type): text}


def _text_key(part_type: str) -> str:
    return "refusal" if part_type == "refusal" else "text"


def _annotation(citation: Citation) -> dict[str, Any]:
    return {
        "type": "url_citation",
        "url": citation.url,
        "title": citation.title,
        "start_index": citation.start_index or 0,
        "end_index": citation.end_index or 0,
    }


def _copy(item: dict[str, Any]) -> dict[str, Any]:
    copied = dict(item)
    if "content" in item:
        copied["content"] = [dict(part) for part in item["content"]]
    return copied


def _status(finish: str | None) -> str:
    return "incomplete" if finish in _INCOMPLETE else "completed"


def _calls(choice: Choice) -> list[ToolCall]:
    return [*choice.tool_calls, *([choice.function_call] if choice.function_call else [])]


def _text(content: str | list[str] | None) -> str | None:
    return "".join(content) if isinstance(content, list) else content
