"""A small Lambda Runtime API server: what the real runtime interface client talks to.

`awslambdaric` (the client the managed python3.12 runtime runs handlers with) polls
`GET /2018-06-01/runtime/invocation/next`, posts the handler's result to
`.../invocation/{id}/response` or `.../error`, and reports import failures to
`/runtime/init/error`. With `AWS_LAMBDA_INITIALIZATION_TYPE=snap-start` it runs the
before-snapshot hooks, calls `GET /runtime/restore/next` (Lambda takes the snapshot
while that call waits, and answers it when a copy is restored), then the after-restore
hooks. This server implements those calls, one invocation at a time, so a test can
invoke the *built* handler exactly as Lambda would: event in, result or error out.
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

from samharness.loopback import serving

PREFIX = "/2018-06-01/runtime"


class InvokeError(AssertionError):
    """The handler raised (Lambda's error response) or init failed."""


@dataclass
class _Pending:
    request_id: str
    event: bytes
    deadline_ms: int
    function_arn: str
    done: threading.Event = field(default_factory=threading.Event)
    result: bytes | None = None
    error: dict[str, Any] | None = None


@dataclass
class RuntimeApi:
    address: str = ""
    function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:sam-local"
    init_error: dict[str, Any] | None = None
    restore_error: dict[str, Any] | None = None
    # Set when the client reached the snapshot point (its init and before-snapshot hooks done).
    snapshot_taken: threading.Event = field(default_factory=threading.Event)
    _invocations: queue.Queue[_Pending] = field(default_factory=queue.Queue)
    _pending: dict[str, _Pending] = field(default_factory=dict)

    def invoke(self, event: Any, *, timeout_s: float, alive: Any = None) -> Any:
        """Queue one invocation and wait for its result; `alive()` lets a dead client fail fast."""
        request = _Pending(
            request_id=str(uuid.uuid4()),
            event=json.dumps(event).encode(),
            deadline_ms=int((time.time() + timeout_s) * 1000),
            function_arn=self.function_arn,
        )
        self._pending[request.request_id] = request
        self._invocations.put(request)
        give_up = time.monotonic() + timeout_s + 5
        while not request.done.wait(0.05):
            if self.init_error is not None:
                raise InvokeError(f"init failed: {self.init_error}")
            if alive is not None and not alive():
                raise InvokeError("the runtime interface client exited")
            if time.monotonic() > give_up:
                raise InvokeError(f"no result within {timeout_s + 5:.0f} s")
        if request.error is not None:
            raise InvokeError(f"handler error: {request.error}")
        assert request.result is not None
        return json.loads(request.result)


def _handler(api: RuntimeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while (size := int(self.rfile.readline().strip() or b"0", 16)) > 0:
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def do_GET(self) -> None:
            if self.path == f"{PREFIX}/invocation/next":
                request = api._invocations.get()
                self._reply(
                    200,
                    request.event,
                    {
                        "Content-Type": "application/json",
                        "Lambda-Runtime-Aws-Request-Id": request.request_id,
                        "Lambda-Runtime-Deadline-Ms": str(request.deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn": request.function_arn,
                        "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
                    },
                )
            elif self.path == f"{PREFIX}/restore/next":
                # The snapshot is taken here and restored at once: the client goes on to
                # its after-restore hooks as a restored copy would.
                api.snapshot_taken.set()
                self._reply(200)
            else:
                self._reply(404)

        def do_POST(self) -> None:
            body = self._body()
            parts = self.path[len(PREFIX) :].strip("/").split("/")
            if parts[:1] == ["invocation"] and len(parts) == 3:
                request = api._pending.pop(parts[1], None)
                if request is None:
                    self._reply(400)
                    return
                if parts[2] == "response":
                    request.result = body
                else:
                    request.error = json.loads(body or b"{}")
                request.done.set()
                self._reply(202)
            elif parts == ["init", "error"]:
                api.init_error = json.loads(body or b"{}")
                self._reply(202)
            elif parts == ["restore", "error"]:
                api.restore_error = json.loads(body or b"{}")
                self._reply(202)
            else:
                self._reply(404)

    return Handler


@contextmanager
def runtime_api() -> Iterator[RuntimeApi]:
    api = RuntimeApi()
    with serving(_handler(api)) as port:
        api.address = f"127.0.0.1:{port}"
        yield api
