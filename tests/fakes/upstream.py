"""A scriptable provider on loopback, for tests and benchmarks, speaking three wire formats.

Tests queue behaviours (`Reply`, `Stream`, `Status`, `Hang`, `Raw`); each request takes
the next one, else `default` (a plain echo when that is None). Every request's exact bytes,
headers and path are recorded, so tests assert on what really left the gateway.

The same behaviours are answered in the wire format of the path asked: OpenAI-compatible chat
completions under `/v1` (`base_url`), Anthropic's Messages API under `/anthropic/v1`
(`anthropic_base_url`: its SSE events), Bedrock's Converse under `/bedrock` (`bedrock_base_url`:
ConverseStream in AWS's binary event-stream framing, `tests/fakes/eventstream.py`). So a test
written once for a behaviour runs against every provider API (`tests/fakes/wires.py`).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from dev.threaded_server import ThreadedServer
from tests.fakes import wires


@dataclass
class Reply:
    """A non-streaming completion (or a streamed one if the request asks)."""

    content: str = "Hello from the fake provider."
    reasoning_content: str | None = None
    tool_calls: list[dict[str, Any]] | None = None
    usage: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}
    )


@dataclass
class Stream:
    """A stream of content pieces, with optional pauses and failures."""

    pieces: list[str] = field(default_factory=lambda: ["Hello", " there", "!"])
    delay_s: float = 0.0
    reasoning: list[str] = field(default_factory=list)
    hold_after_first: threading.Event | None = None
    send_done: bool = True
    reset_after: int | None = None  # drop the connection after this many pieces
    malformed_after: int | None = None  # send a non-JSON data line after this many pieces
    error_event_after: int | None = None  # send {"error": ...} after this many pieces
    tool_calls: list[dict[str, Any]] | None = None  # streamed as deltas after the pieces
    usage: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}
    )


@dataclass
class Status:
    """An error answer."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Raw:
    """Exact bytes: a status line and headers, then `chunks` one by one (after `delay_s` each).

    For answers no well-behaved provider sends: malformed JSON, broken SSE framing, a body
    that stalls or is cut short (`reset_after`: drop the connection after that many chunks).
    """

    chunks: list[bytes]
    status: int = 200
    content_type: str = "application/json"
    delay_s: float = 0.0
    reset_after: int | None = None


@dataclass
class Hang:
    """Wait this long before answering with the next behaviour (or an echo)."""

    seconds: float
    then: Reply | Stream | Status | Raw | None = None


Behaviour = Reply | Stream | Status | Hang | Raw


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]
    path: str = "/v1/chat/completions"

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


class FakeUpstream:
    def __init__(self) -> None:
        self.script: deque[Behaviour] = deque()
        self.received: list[Received] = []
        self.streams_closed = threading.Event()
        self.streams_finished = 0
        self.default: Behaviour | None = None  # what an empty queue answers (None: an echo)
        # Each reset starts a new generation: a slow stream left over from an earlier test
        # (its caller gone, uvicorn dropping its writes) stops and counts for nobody.
        self._generation = 0
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/anthropic/v1/messages", self._chat, methods=["POST"]),
                Route("/bedrock/model/{model_id:path}", self._chat, methods=["POST"]),
            ]
        )
        self._server = ThreadedServer(self.app, name="fake-upstream")

    @property
    def base_url(self) -> str:
        return f"{self._server.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return f"{self._server.url}/anthropic/v1"

    @property
    def bedrock_base_url(self) -> str:
        return f"{self._server.url}/bedrock"

    def reset(self) -> None:
        self._generation += 1
        self.script.clear()
        self.received.clear()
        self.streams_closed.clear()
        self.streams_finished = 0
        self.default = None

    def queue(self, *behaviours: Behaviour) -> None:
        self.script.extend(behaviours)

    def start(self) -> FakeUpstream:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    async def _chat(self, request: Request) -> Response:
        raw = await request.body()
        raw_path = request.scope.get("raw_path", b"").decode() or request.url.path  # as sent
        self.received.append(Received(raw, dict(request.headers), raw_path))
        wire = wires.for_path(request.url.path)
        body = json.loads(raw)
        stream = wire.is_stream(request.url.path, body)
        behaviour: Behaviour | None = self.script.popleft() if self.script else self.default
        while isinstance(behaviour, Hang):
            await asyncio.sleep(behaviour.seconds)
            behaviour = behaviour.then
        if behaviour is None:
            behaviour = Reply(content=f"echo: {wire.last_user_text(body)}")
        if isinstance(behaviour, Status):
            content = behaviour.body if behaviour.body is not None else {"error": {"message": "fake"}}
            return JSONResponse(content, status_code=behaviour.status, headers=behaviour.headers)
        if isinstance(behaviour, Raw):
            return StreamingResponse(
                self._raw(behaviour), status_code=behaviour.status, media_type=behaviour.content_type
            )
        if isinstance(behaviour, Reply):
            if stream:
                behaviour = Stream(
                    pieces=[behaviour.content],
                    reasoning=[behaviour.reasoning_content or ""],
                    tool_calls=behaviour.tool_calls,
                )
            elif wire is not wires.OPENAI:
                return JSONResponse(wire.whole(behaviour))
            else:
                return JSONResponse(_completion(body, behaviour))
        if wire is not wires.OPENAI:
            return StreamingResponse(self._wire_events(wire, behaviour), media_type=wire.media_type)
        return StreamingResponse(self._events(body, behaviour), media_type="text/event-stream")

    async def _wire_events(self, wire: wires.Wire, stream: Stream) -> AsyncIterator[bytes]:
        """A `Stream` in Anthropic's or Bedrock's framing, with its pauses and failures."""
        generation = self._generation
        try:
            for kind, event, position in wire.events(stream):
                if position is not None:
                    if stream.reset_after is not None and position == stream.reset_after:
                        raise ConnectionResetError("fake reset")
                    if stream.malformed_after is not None and position == stream.malformed_after:
                        yield wire.malformed()
                    if stream.error_event_after is not None and position == stream.error_event_after:
                        yield wire.error_event()
                        return
                if kind == "end" and not stream.send_done:
                    break
                yield wire.frame(kind, event)
                if position == 0 and stream.hold_after_first is not None:
                    await asyncio.to_thread(stream.hold_after_first.wait, 10)
                if position is not None and stream.delay_s:
                    await asyncio.sleep(stream.delay_s)
                if generation != self._generation:
                    return
            self.streams_finished += 1
        finally:
            if generation == self._generation:
                self.streams_closed.set()

    async def _raw(self, raw: Raw) -> AsyncIterator[bytes]:
        generation = self._generation
        try:
            for i, piece in enumerate(raw.chunks):
                if raw.reset_after is not None and i == raw.reset_after:
                    raise ConnectionResetError("fake reset")
                yield piece
                if raw.delay_s:
                    await asyncio.sleep(raw.delay_s)
                if generation != self._generation:
                    return
            self.streams_finished += 1
        finally:
            if generation == self._generation:
                self.streams_closed.set()

    async def _events(self, body: dict[str, Any], stream: Stream) -> AsyncIterator[bytes]:
        base = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": body["model"],
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            payload = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            return f"data: {json.dumps(payload)}\n\n".encode()

        generation = self._generation
        try:
            yield chunk({"role": "assistant", "content": ""})
            for piece in stream.reasoning:
                if piece:
                    yield chunk({"reasoning_content": piece})
            for i, piece in enumerate(stream.pieces):
                if stream.reset_after is not None and i == stream.reset_after:
                    raise ConnectionResetError("fake reset")
                if stream.malformed_after is not None and i == stream.malformed_after:
                    yield b"data: {not json\n\n"
                if stream.error_event_after is not None and i == stream.error_event_after:
                    yield b'data: {"error": {"message": "fake failure"}}\n\n'
                    return
                yield chunk({"content": piece})
                if i == 0 and stream.hold_after_first is not None:
                    await asyncio.to_thread(stream.hold_after_first.wait, 10)
                if stream.delay_s:
                    await asyncio.sleep(stream.delay_s)
                if generation != self._generation:
                    return
            for index, call in enumerate(stream.tool_calls or []):
                arguments = call["function"]["arguments"]
                half = len(arguments) // 2
                head = {"index": index, "id": call["id"], "type": "function"}
                yield chunk(
                    {
                        "tool_calls": [
                            {**head, "function": {"name": call["function"]["name"], "arguments": ""}}
                        ]
                    }
                )
                for part in (arguments[:half], arguments[half:]):
                    yield chunk({"tool_calls": [{"index": index, "function": {"arguments": part}}]})
            yield chunk({}, "tool_calls" if stream.tool_calls else "stop")
            if (body.get("stream_options") or {}).get("include_usage"):
                yield f"data: {json.dumps({**base, 'choices': [], 'usage': stream.usage})}\n\n".encode()
            if stream.send_done:
                yield b"data: [DONE]\n\n"
            self.streams_finished += 1
        finally:
            if generation == self._generation:
                self.streams_closed.set()


def _completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.reasoning_content is not None:
        message["reasoning_content"] = reply.reasoning_content
    if reply.tool_calls is not None:
        message["tool_calls"] = reply.tool_calls
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1,
        "model": body["model"],
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if reply.tool_calls else "stop"}
        ],
        "usage": reply.usage,
    }
