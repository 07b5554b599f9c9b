"""Starting a coroutine now: `start_now`, for the DynamoDB round trips that overlap other work.

A task made with `asyncio.create_task` first runs when the caller next awaits, which
is too late for a round trip meant to overlap CPU-bound work the caller does in
between (the request scan, the answer's guard). An eager task (Python 3.12) runs at
once up to its first real suspension: for a DynamoDB call on an idle connection, the
request has been written when `start_now` returns. The loop is passed explicitly:
Python 3.12.1 looks it up from a thread-local that is unset inside a running task.

Whoever starts a task here must await it before the request is over: before the
response ends, or after its last byte through `gateway.after_response`, which keeps
the request (and, in Lambda, the invocation) open until it is done. A task left
running past that may never finish: Lambda freezes the sandbox.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


def start_now[T](coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    return asyncio.Task(coro, loop=asyncio.get_running_loop(), eager_start=True)
