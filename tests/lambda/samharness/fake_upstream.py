"""A loopback OpenAI-compatible chat server for the Lambda harness.

Stdlib only, so it runs wherever the tests run. It records what it received
(path, Authorization, body) so tests can check what the gateway sent upstream,
and it can hold a stream open after its first chunk until the test says go:
that is how a test proves a chunk reached the client while the upstream was
still producing.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from samharness.loopback import serving

# Long enough to get past the stream guard's plain-text hold-back (96 characters
# by default), free of digits, "@" and other triggers that make the guard wait.
FIRST_TEXT = "The fake upstream is streaming this answer in pieces. " * 6
SECOND_TEXT = "And this is the rest of it."
REPLY_TEXT = "Hello from the fake upstream."


@dataclass
class Received:
    path: str
    authorization: str | None
    body: dict[str, Any]


@dataclass
class FakeUpstream:
    base_url: str = ""
    received: list[Received] = field(default_factory=list)
    gate: threading.Event | None = None
    gate_timed_out: bool | None = None
    gate_timeout_s: float = 5.0

    @contextmanager
    def hold_after_first_chunk(self, timeout_s: float = 5.0) -> Iterator[threading.Event]:
        self.gate = threading.Event()
        self.gate_timed_out = None
        self.gate_timeout_s = timeout_s
        try:
            yield self.gate
        finally:
            self.gate.set()
            self.gate = None


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload)}\n\n".encode()


def _handler(state: FakeUpstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            state.received.append(Received(self.path, self.headers.get("Authorization"), body))
            if not self.path.endswith("/chat/completions"):
                self._json(404, {"error": {"message": "no such route", "type": "invalid_request_error"}})
                return
            model = body.get("model", "unknown")
            if body.get("stream"):
                self._stream(model, bool((body.get("stream_options") or {}).get("include_usage")))
            else:
                self._json(
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": model,
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": REPLY_TEXT},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 7, "completion_tokens": 6, "total_tokens": 13},
                    },
                )

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _write_chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _stream(self, model: str, include_usage: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._write_chunk(_chunk(model, {"role": "assistant", "content": ""}))
            self._write_chunk(_chunk(model, {"content": FIRST_TEXT}))
            gate = state.gate
            if gate is not None:
                state.gate_timed_out = not gate.wait(state.gate_timeout_s)
            self._write_chunk(_chunk(model, {"content": SECOND_TEXT}))
            self._write_chunk(_chunk(model, {}, finish="stop"))
            if include_usage:
                usage = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [],
                    "usage": {"prompt_tokens": 7, "completion_tokens": 60, "total_tokens": 67},
                }
                self._write_chunk(f"data: {json.dumps(usage)}\n\n".encode())
            self._write_chunk(b"data: [DONE]\n\n")
            # A client may hang up as soon as it has [DONE]; that is not an error.
            with contextlib.suppress(ConnectionError):
                self._write_chunk(b"")

    return Handler


@contextmanager
def fake_upstream() -> Iterator[FakeUpstream]:
    state = FakeUpstream()
    with serving(_handler(state)) as port:
        state.base_url = f"http://127.0.0.1:{port}/v1"
        yield state
