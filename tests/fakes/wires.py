"""The fake provider's three wire formats: one scripted behaviour, written the way each API would.

`OPENAI` is answered by `upstream.FakeUpstream` itself (its original format); `ANTHROPIC` and
`BEDROCK` turn a `Reply` or a `Stream` into Anthropic's Messages JSON and SSE events, or
Bedrock's Converse JSON and ConverseStream event-stream messages. Each event of a stream that
carries one of the script's content pieces has that piece's position, so the script's failure
points (`reset_after`, `error_event_after`, ...) land at the same place in every format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fakes.eventstream import encode

if TYPE_CHECKING:
    from tests.fakes.upstream import Reply, Stream

Event = tuple[str, dict[str, Any], int | None]  # kind, payload, content piece position


@dataclass(frozen=True)
class Wire:
    name: str
    media_type: str

    def is_stream(self, path: str, body: dict[str, Any]) -> bool:
        if self.name == "bedrock":
            return path.endswith("/converse-stream")
        return bool(body.get("stream"))

    def last_user_text(self, body: dict[str, Any]) -> str:
        for message in reversed(body.get("messages", [])):
            if message.get("role") != "user":
                continue
            content = message.get("content")
            if isinstance(content, str):
                return content
            texts = [str(b["text"]) for b in content or [] if isinstance(b, dict) and b.get("text")]
            if texts:
                return "".join(texts)
        return ""

    def whole(self, reply: Reply) -> dict[str, Any]:
        calls = reply.tool_calls or []
        if self.name == "anthropic":
            content: list[dict[str, Any]] = []
            if reply.reasoning_content:
                content.append({"type": "thinking", "thinking": reply.reasoning_content, "signature": "sig"})
            if reply.content:
                content.append({"type": "text", "text": reply.content})
            content += [_tool_use(call) for call in calls]
            return {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": "claude-fake",
                "content": content,
                "stop_reason": "tool_use" if calls else "end_turn",
                "stop_sequence": None,
                "usage": _anthropic_usage(reply.usage),
            }
        blocks: list[dict[str, Any]] = []
        if reply.reasoning_content:
            blocks.append({"reasoningContent": {"reasoningText": {"text": reply.reasoning_content}}})
        if reply.content:
            blocks.append({"text": reply.content})
        for call in calls:
            function = call["function"]
            use = {
                "toolUseId": call["id"],
                "name": function["name"],
                "input": json.loads(function["arguments"]),
            }
            blocks.append({"toolUse": use})
        return {
            "output": {"message": {"role": "assistant", "content": blocks}},
            "stopReason": "tool_use" if calls else "end_turn",
            "usage": _bedrock_usage(reply.usage),
            "metrics": {"latencyMs": 1},
        }

    def events(self, stream: Stream) -> list[Event]:
        if self.name == "anthropic":
            return _anthropic_events(stream)
        return _bedrock_events(stream)

    def frame(self, kind: str, event: dict[str, Any]) -> bytes:
        if self.name == "anthropic":
            return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()
        event_type = "messageStop" if kind == "end" else kind
        headers = {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"}
        return encode(headers, json.dumps({**event, "p": "abcdefgh"}).encode())

    def malformed(self) -> bytes:
        if self.name == "anthropic":
            return b"event: content_block_delta\ndata: {not json\n\n"
        good = encode({":event-type": "contentBlockDelta", ":message-type": "event"}, b"{}")
        return good[:-1] + bytes([good[-1] ^ 0xFF])  # a broken checksum

    def error_event(self) -> bytes:
        if self.name == "anthropic":
            error = {"type": "error", "error": {"type": "overloaded_error", "message": "fake failure"}}
            return self.frame("error", error)
        headers = {":message-type": "exception", ":exception-type": "modelStreamErrorException"}
        return encode(headers, b'{"message": "fake failure"}')


OPENAI = Wire("openai", "text/event-stream")
ANTHROPIC = Wire("anthropic", "text/event-stream")
BEDROCK = Wire("bedrock", "application/vnd.amazon.eventstream")


def for_path(path: str) -> Wire:
    if path.startswith("/anthropic/"):
        return ANTHROPIC
    if path.startswith("/bedrock/"):
        return BEDROCK
    return OPENAI


def _anthropic_events(stream: Stream) -> list[Event]:
    start: dict[str, Any] = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": "claude-fake",
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": stream.usage["prompt_tokens"], "output_tokens": 1},
    }
    events: list[Event] = [("message_start", {"type": "message_start", "message": start}, None)]
    events.append(("ping", {"type": "ping"}, None))
    index = 0
    reasoning = [r for r in stream.reasoning if r]
    if reasoning:
        block = {"type": "thinking", "thinking": "", "signature": ""}
        events.append(
            ("start", {"type": "content_block_start", "index": index, "content_block": block}, None)
        )
        for piece in reasoning:
            delta = {"type": "thinking_delta", "thinking": piece}
            events.append(("delta", {"type": "content_block_delta", "index": index, "delta": delta}, None))
        events.append(("stop", {"type": "content_block_stop", "index": index}, None))
        index += 1
    block = {"type": "text", "text": ""}
    events.append(("start", {"type": "content_block_start", "index": index, "content_block": block}, None))
    for i, piece in enumerate(stream.pieces):
        delta = {"type": "text_delta", "text": piece}
        events.append(("delta", {"type": "content_block_delta", "index": index, "delta": delta}, i))
    events.append(("stop", {"type": "content_block_stop", "index": index}, None))
    for call in stream.tool_calls or []:
        index += 1
        use = {"type": "tool_use", "id": call["id"], "name": call["function"]["name"], "input": {}}
        events.append(("start", {"type": "content_block_start", "index": index, "content_block": use}, None))
        for part in _halves(call["function"]["arguments"]):
            delta = {"type": "input_json_delta", "partial_json": part}
            events.append(("delta", {"type": "content_block_delta", "index": index, "delta": delta}, None))
        events.append(("stop", {"type": "content_block_stop", "index": index}, None))
    stop = "tool_use" if stream.tool_calls else "end_turn"
    usage = {"output_tokens": stream.usage["completion_tokens"]}
    events.append(("delta", {"type": "message_delta", "delta": {"stop_reason": stop}, "usage": usage}, None))
    events.append(("end", {"type": "message_stop"}, None))
    return events


def _bedrock_events(stream: Stream) -> list[Event]:
    events: list[Event] = [("messageStart", {"role": "assistant"}, None)]
    index = 0
    reasoning = [r for r in stream.reasoning if r]
    if reasoning:
        for piece in reasoning:
            delta = {"reasoningContent": {"text": piece}}
            events.append(("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}, None))
        events.append(("contentBlockStop", {"contentBlockIndex": index}, None))
        index += 1
    for i, piece in enumerate(stream.pieces):
        events.append(("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": piece}}, i))
    events.append(("contentBlockStop", {"contentBlockIndex": index}, None))
    for call in stream.tool_calls or []:
        index += 1
        use = {"toolUseId": call["id"], "name": call["function"]["name"]}
        events.append(("contentBlockStart", {"contentBlockIndex": index, "start": {"toolUse": use}}, None))
        for part in _halves(call["function"]["arguments"]):
            delta = {"toolUse": {"input": part}}
            events.append(("contentBlockDelta", {"contentBlockIndex": index, "delta": delta}, None))
        events.append(("contentBlockStop", {"contentBlockIndex": index}, None))
    stop = "tool_use" if stream.tool_calls else "end_turn"
    events.append(("end", {"stopReason": stop}, None))
    events.append(("metadata", {"usage": _bedrock_usage(stream.usage), "metrics": {"latencyMs": 1}}, None))
    return events


def _tool_use(call: dict[str, Any]) -> dict[str, Any]:
    function = call["function"]
    return {
        "type": "tool_use",
        "id": call["id"],
        "name": function["name"],
        "input": json.loads(function["arguments"]),
    }


def _halves(text: str) -> list[str]:
    half = len(text) // 2
    return [text[:half], text[half:]]


def _anthropic_usage(usage: dict[str, int]) -> dict[str, int]:
    return {"input_tokens": usage["prompt_tokens"], "output_tokens": usage["completion_tokens"]}


def _bedrock_usage(usage: dict[str, int]) -> dict[str, int]:
    return {
        "inputTokens": usage["prompt_tokens"],
        "outputTokens": usage["completion_tokens"],
        "totalTokens": usage["total_tokens"],
    }
