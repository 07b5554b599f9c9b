"""A small Lambda Extensions API: what an extension inside the function talks to.

An extension registers during init (`POST /2020-01-01/extension/register`, answered
with a `Lambda-Extension-Identifier`), then calls `GET .../event/next`, which blocks
until the next event. Lambda ends an invocation only when the runtime has answered and
every registered extension has called `event/next` again; this server records when
that happens, so the web adapter stand-in can end its invocations the way Lambda does.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from samharness.loopback import QuietHandler, serving

PREFIX = "/2020-01-01/extension"


@dataclass
class ExtensionsApi:
    address: str = ""
    registered: list[dict[str, Any]] = field(default_factory=list)  # name, events, id
    # time.monotonic() of each `event/next` call, in order: the first one ends init.
    next_calls: list[float] = field(default_factory=list)
    _events: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    _called: threading.Condition = field(default_factory=threading.Condition)

    def invoke_event(self, request_id: str, deadline_ms: int) -> int:
        """Hand the extension an INVOKE event; returns how many `next` calls there were so far."""
        with self._called:
            seen = len(self.next_calls)
        self._events.put(
            {
                "eventType": "INVOKE",
                "requestId": request_id,
                "deadlineMs": deadline_ms,
                "invokedFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:sam-local",
                "tracing": {},
            }
        )
        return seen

    def wait_next_call(self, after: int, timeout_s: float) -> float:
        """When the extension called `event/next` for the `after`+1-th time (it is done)."""
        end = time.monotonic() + timeout_s
        with self._called:
            while len(self.next_calls) <= after:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the extension did not finish the invocation within {timeout_s} s")
                self._called.wait(left)
            return self.next_calls[after]


def _handler(api: ExtensionsApi) -> type[BaseHTTPRequestHandler]:
    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path != f"{PREFIX}/register":
                self._answer(404, b"{}")
                return
            identifier = str(uuid.uuid4())
            api.registered.append(
                {
                    "name": self.headers.get("Lambda-Extension-Name"),
                    "events": json.loads(body or b"{}").get("events"),
                    "id": identifier,
                }
            )
            self._answer(200, b'{"functionName":"sam-local"}', {"Lambda-Extension-Identifier": identifier})

        def do_GET(self) -> None:
            if self.path != f"{PREFIX}/event/next" or not any(
                r["id"] == self.headers.get("Lambda-Extension-Identifier") for r in api.registered
            ):
                self._answer(403, b'{"errorType":"Extension.Forbidden"}')
                return
            with api._called:
                api.next_calls.append(time.monotonic())
                api._called.notify_all()
            event = api._events.get()
            self._answer(200, json.dumps(event).encode())

        def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def extensions_api() -> Iterator[ExtensionsApi]:
    api = ExtensionsApi()
    with serving(_handler(api)) as port:
        api.address = f"127.0.0.1:{port}"
        yield api
