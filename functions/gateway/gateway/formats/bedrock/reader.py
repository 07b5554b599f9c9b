"""Reading Bedrock Converse answers (whole, or ConverseStream events) into `Piece`s.

Only known blocks and fields are read: `text`, `reasoningContent.reasoningText.text` (the
model's reasoning), `toolUse` (its input serialised as chat-style arguments), the stop reason
and the token counts; guardrail traces, metrics, signatures and anything Bedrock adds later are
left behind here. A stream is complete at `messageStop` (its `metadata` event, with usage,
follows); an `exception` message mid-stream is a provider failure.
"""

from __future__ import annotations

import json
from typing import Any

from gateway.answers import Choice, Piece, ToolCall, Usage
from gateway.errors import UpstreamError
from gateway.formats import shapes
from gateway.formats.bedrock.eventstream import EventMessage
from gateway.upstream.read import WrongShape

STOP_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
}


def read_converse(body: Any) -> Piece:
    """A whole Converse answer."""
    if not isinstance(body, dict):
        raise WrongShape("not an object")
    message = shapes.obj(shapes.obj(body.get("output")).get("message"))
    content = message.get("content")
    if not isinstance(content, list):
        raise WrongShape("no message content")
    texts: list[str] = []
    reasoning: list[str] = []
    calls: list[ToolCall] = []
    for raw in content:
        block = shapes.obj(raw)
        if "text" in block:
            texts.append(shapes.text(block["text"]))
        elif "reasoningContent" in block:
            reasoning.append(
                shapes.text(
                    shapes.obj(shapes.obj(block["reasoningContent"]).get("reasoningText")).get("text")
                )
            )
        elif "toolUse" in block:
            use = shapes.obj(block["toolUse"])
            arguments = json.dumps(use.get("input") or {}, ensure_ascii=False)
            calls.append(
                ToolCall(
                    len(calls), shapes.text(use.get("toolUseId")), shapes.text(use.get("name")), arguments
                )
            )
    choice = Choice(
        index=0,
        role=True,
        content="".join(texts) if texts or not calls else None,
        reasoning="".join(reasoning) if reasoning else None,
        tool_calls=calls,
        finish_reason=shapes.finish(body.get("stopReason"), STOP_REASONS),
    )
    return Piece([choice], usage_of(body.get("usage")))


class ConverseStream:
    """One answer's event messages, in order, into pieces; `done` once `messageStop` came."""

    def __init__(self) -> None:
        self.done = False
        self._tools: dict[int, int] = {}  # content block index -> tool call index

    def read(self, message: EventMessage) -> Piece | None:
        kind = message.headers.get(":message-type")
        if kind != "event":
            raise UpstreamError(_failure(message))
        try:
            event = json.loads(message.payload or b"{}")
        except ValueError:
            raise WrongShape("payload") from None
        event = shapes.obj(event)
        name = message.headers.get(":event-type")
        if name == "messageStart":
            return Piece([Choice(0, role=True)])
        if name == "contentBlockStart":
            use = shapes.obj(shapes.obj(event.get("start")).get("toolUse"))
            if not use:
                return None
            index = shapes.index(event.get("contentBlockIndex"))
            self._tools[index] = len(self._tools)
            call = ToolCall(
                self._tools[index], shapes.text(use.get("toolUseId")), shapes.text(use.get("name")), ""
            )
            return Piece([Choice(0, tool_calls=[call])])
        if name == "contentBlockDelta":
            return self._delta(shapes.index(event.get("contentBlockIndex")), shapes.obj(event.get("delta")))
        if name == "messageStop":
            self.done = True
            return Piece([Choice(0, finish_reason=shapes.finish(event.get("stopReason"), STOP_REASONS))])
        if name == "metadata":
            return Piece([], usage_of(event.get("usage")))
        return None  # contentBlockStop, and event types added later

    def _delta(self, index: int, delta: dict[str, Any]) -> Piece | None:
        if "text" in delta:
            return Piece([Choice(0, content=shapes.text(delta["text"]))])
        if "reasoningContent" in delta:
            text = shapes.obj(delta["reasoningContent"]).get("text")
            return Piece([Choice(0, reasoning=shapes.text(text))]) if text else None
        if "toolUse" in delta and index in self._tools:
            call = ToolCall(
                self._tools[index], arguments=shapes.text(shapes.obj(delta["toolUse"]).get("input"))
            )
            return Piece([Choice(0, tool_calls=[call])])
        return None


def usage_of(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    cached = shapes.count(raw.get("cacheReadInputTokens"))
    prompt = shapes.count(raw.get("inputTokens")) + cached + shapes.count(raw.get("cacheWriteInputTokens"))
    output = shapes.count(raw.get("outputTokens"))
    details = {"prompt_tokens_details": {"cached_tokens": cached}} if cached else {}
    return Usage(
        {"prompt_tokens": prompt, "completion_tokens": output, "total_tokens": prompt + output}, details
    )


def _failure(message: EventMessage) -> str:
    kind = message.headers.get(":exception-type") or message.headers.get(":error-code")
    if kind in ("throttlingException", "serviceUnavailableException"):
        return "Provider 'bedrock' is rate limiting the gateway."
    return "The provider reported an error during the answer."
