"""The internal extension that holds a Lambda invocation open until its request is over.

tests/lambda runs it for real (the built StreamFunction, a stand-in Extensions API, a
DynamoDB that answers late); these pin the waiting rules and the failure paths.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from dev.ports import free_port
from gateway.aws.invocation_hold import (
    INVOCATION_HEADER,
    InvocationCounter,
    InvocationTracking,
    hold_invocations,
    with_invocation_hold,
)


def _finish_later(counter: InvocationCounter, after_s: float) -> threading.Thread:
    def run() -> None:
        counter.start()
        time.sleep(after_s)
        counter.finish()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_request_that_already_finished_ends_the_wait_at_once() -> None:
    counter = InvocationCounter()
    counter.start()
    counter.finish()
    assert counter.wait_past(0, timeout_s=30) == 1


def test_the_wait_lasts_until_the_running_request_finishes() -> None:
    counter = InvocationCounter()
    thread = _finish_later(counter, 0.3)
    assert counter.wait_past(0, timeout_s=30) == 1
    assert counter.started == counter.finished == 1
    thread.join()


def test_a_request_finished_before_the_last_invocation_does_not_count_again() -> None:
    counter = InvocationCounter()
    counter.start()
    counter.finish()
    seen = counter.wait_past(0, timeout_s=30)
    thread = _finish_later(counter, 0.2)
    assert counter.wait_past(seen, timeout_s=30) == 2
    thread.join()


def test_no_request_arriving_ends_the_wait_after_the_arrival_bound() -> None:
    counter = InvocationCounter()
    assert counter.wait_past(0, timeout_s=30, arrival_s=0.05) == 0


def test_a_request_running_past_the_deadline_ends_the_wait_at_the_deadline() -> None:
    counter = InvocationCounter()
    counter.start()
    assert counter.wait_past(0, timeout_s=0.1) == 0
    counter.finish()


def test_only_requests_with_an_invocation_context_are_counted() -> None:
    counter = InvocationCounter()
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["path"])

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: dict[str, Any]) -> None:
        pass

    tracking = InvocationTracking(app, counter)
    readiness = {"type": "http", "path": "/health", "headers": []}
    invocation = {"type": "http", "path": "/api/v1/models", "headers": [(INVOCATION_HEADER, b"{}")]}
    asyncio.run(tracking(readiness, receive, send))
    assert (counter.started, counter.finished) == (0, 0)
    asyncio.run(tracking(invocation, receive, send))
    assert (counter.started, counter.finished) == (1, 1)
    assert seen == ["/health", "/api/v1/models"]


def test_a_request_that_raises_still_counts_as_finished() -> None:
    counter = InvocationCounter()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    async def noop(*_: Any) -> Any:
        return {}

    invocation = {"type": "http", "path": "/", "headers": [(INVOCATION_HEADER, b"{}")]}
    with pytest.raises(RuntimeError):
        asyncio.run(InvocationTracking(app, counter)(invocation, noop, noop))
    assert (counter.started, counter.finished) == (1, 1)


class _Events:
    """An Extensions API whose `next` fails once, then hands out INVOKE events."""

    def __init__(self, deadline_ms: int) -> None:
        self.deadline_ms = deadline_ms
        self.calls: list[float] = []
        self.more = threading.Semaphore(0)

    def next_event(self) -> dict[str, Any]:
        self.calls.append(time.monotonic())
        if len(self.calls) == 1:
            raise ConnectionResetError("the first call fails")
        self.more.acquire()
        return {"eventType": "INVOKE", "deadlineMs": self.deadline_ms, "requestId": "r"}


def test_the_loop_survives_a_failed_call_and_waits_for_each_invocation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counter = InvocationCounter()
    events = _Events(int((time.time() + 60) * 1000))
    caplog.set_level(logging.ERROR, "gateway.lambda")
    threading.Thread(target=hold_invocations, args=(events, counter), daemon=True).start()
    give_up = time.monotonic() + 10
    while len(events.calls) < 2 and time.monotonic() < give_up:
        time.sleep(0.01)
    assert len(events.calls) == 2, "the loop stopped after a failed call"
    assert "event/next failed: ConnectionResetError" in caplog.text
    counter.start()
    events.more.release()  # the invocation arrives while its request runs
    time.sleep(0.2)
    assert len(events.calls) == 2, "the invocation ended while its request was running"
    counter.finish()
    while len(events.calls) < 3 and time.monotonic() < give_up:
        time.sleep(0.01)
    assert len(events.calls) == 3


def test_outside_lambda_the_app_is_served_as_it_is() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        pass

    assert with_invocation_hold(app, {}) is app


def test_a_failed_registration_serves_the_app_without_the_hold(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        pass

    caplog.set_level(logging.WARNING, "gateway.lambda")
    closed = f"127.0.0.1:{free_port()}"
    assert with_invocation_hold(app, {"AWS_LAMBDA_RUNTIME_API": closed}) is app
    assert "invocation hold not registered: ConnectionRefusedError" in caplog.text
