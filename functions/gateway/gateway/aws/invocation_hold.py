"""Holding a Lambda invocation open until its request is over: an internal extension.

Under the web adapter, Lambda may freeze the sandbox as soon as the response's last
byte is out; what a request awaits after that byte (the token update's reply,
`gateway.after_response`) would then wait for the next thaw. An internal extension
moves the end of the invocation, not of the response: Lambda returns the response to
the caller as the runtime sends it, and ends the invocation only when every extension
has asked for its next event. This one asks once the invocation's request has finished
in the app (its ASGI call returned), and at the latest just before the invocation's
deadline.

Only requests the adapter forwards for an invocation count: they carry
`x-amzn-lambda-context`, the adapter's readiness checks don't. The adapter forwards one
request per invocation, and Lambda hands a sandbox its next invocation only when the
last one has ended, so "one more such request finished and none is running" means "this
invocation's request is over". Lambda accepts extensions only during init, so
registration happens when the app is built. An extension that stopped asking for events
would hold every invocation to its deadline, so the loop never ends on an error: it
logs the error's type and asks again.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol

from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger("gateway.lambda")

INVOCATION_HEADER = b"x-amzn-lambda-context"
EXTENSION_NAME = "gateway-invocation-hold"
_API = "/2020-01-01/extension"
# How long an invocation may take to reach the app before the extension stops waiting
# for it (the adapter forwards at once; this only bounds a request that never comes).
ARRIVAL_WAIT_S = 2.0
_DEADLINE_MARGIN_S = 0.2
_RETRY_PAUSE_S = 0.05


class InvocationCounter:
    """How many invocation requests started and finished; thread-safe."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.started = 0
        self.finished = 0

    def start(self) -> None:
        with self._changed:
            self.started += 1
            self._changed.notify_all()

    def finish(self) -> None:
        with self._changed:
            self.finished += 1
            self._changed.notify_all()

    def wait_past(self, finished: int, *, timeout_s: float, arrival_s: float = ARRIVAL_WAIT_S) -> int:
        """Wait until a request finished after `finished` and none runs (or time is up).

        Gives up after `arrival_s` when no request has started since then. Returns the
        finished count to wait past next time."""
        now = time.monotonic()
        end, arrival_end = now + timeout_s, now + min(arrival_s, timeout_s)
        with self._changed:
            while True:
                if self.finished > finished and self.started == self.finished:
                    return self.finished
                now = time.monotonic()
                waiting_for_arrival = self.started <= finished
                until = arrival_end if waiting_for_arrival else end
                if now >= until:
                    return self.finished
                self._changed.wait(until - now)


class InvocationTracking:
    """ASGI middleware: counts the requests that carry an invocation's context."""

    def __init__(self, app: ASGIApp, counter: InvocationCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(name == INVOCATION_HEADER for name, _ in scope["headers"]):
            await self.app(scope, receive, send)
            return
        self.counter.start()
        try:
            await self.app(scope, receive, send)
        finally:
            self.counter.finish()


class EventSource(Protocol):
    def next_event(self) -> dict[str, Any]: ...


class ExtensionsApi:
    """The Lambda Extensions API at `AWS_LAMBDA_RUNTIME_API` (plain HTTP on the sandbox)."""

    def __init__(self, address: str) -> None:
        host, _, port = address.partition(":")
        self._host, self._port = host, int(port or 80)
        self._id = ""

    def register(self) -> None:
        headers = {"Lambda-Extension-Name": EXTENSION_NAME, "Content-Type": "application/json"}
        body = json.dumps({"events": ["INVOKE"]})
        status, reply_headers, _ = self._call("POST", "/register", body, headers)
        identifier = reply_headers.get("lambda-extension-identifier", "")
        if status != 200 or not identifier:
            raise RuntimeError(f"extension registration answered {status}")
        self._id = identifier

    def next_event(self) -> dict[str, Any]:
        """Block until the next event; asking also tells Lambda this extension is done."""
        status, _, body = self._call("GET", "/event/next", None, {"Lambda-Extension-Identifier": self._id})
        if status != 200:
            raise RuntimeError(f"extension event/next answered {status}")
        event = json.loads(body)
        return event if isinstance(event, dict) else {}

    def _call(
        self, method: str, path: str, body: str | None, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self._host, self._port)  # no timeout: next blocks
        try:
            connection.request(method, _API + path, body=body, headers=dict(headers))
            response = connection.getresponse()
            reply = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, reply
        finally:
            connection.close()


def hold_invocations(api: EventSource, counter: InvocationCounter) -> None:
    """The extension's loop (a daemon thread): for each invocation, wait for its request."""
    finished = counter.finished
    while True:
        try:
            event = api.next_event()
        except Exception as exc:  # never stop asking, or invocations hang
            logger.error("invocation hold: event/next failed: %s", type(exc).__name__)
            time.sleep(_RETRY_PAUSE_S)
            continue
        if event.get("eventType") != "INVOKE":
            continue
        deadline_ms = event.get("deadlineMs")
        remaining = (
            deadline_ms / 1000 - time.time() - _DEADLINE_MARGIN_S
            if isinstance(deadline_ms, int | float)
            else ARRIVAL_WAIT_S
        )
        finished = counter.wait_past(finished, timeout_s=max(0.0, remaining))


def with_invocation_hold(app: ASGIApp, environ: Mapping[str, str]) -> ASGIApp:
    """`app` counting its invocations, with the extension registered, when running in Lambda.

    Outside Lambda (no `AWS_LAMBDA_RUNTIME_API`) `app` is returned as it is; in Lambda, if
    registration fails, too (the invocation then ends with the response, as before)."""
    address = environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        return app
    api = ExtensionsApi(address)
    try:
        api.register()
    except Exception as exc:  # serving matters more than the hold
        logger.warning("invocation hold not registered: %s", type(exc).__name__)
        return app
    counter = InvocationCounter()
    threading.Thread(target=hold_invocations, args=(api, counter), name=EXTENSION_NAME, daemon=True).start()
    return InvocationTracking(app, counter)
