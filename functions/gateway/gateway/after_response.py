"""Work a response finishes after its last byte: waiting for the token update's reply.

The token update of an answer is sent before the answer's last byte (an eager task,
`gateway.eager`), so DynamoDB has it even when the sandbox freezes as soon as the
response is out. Only the wait for DynamoDB's reply moves past the last byte: that
takes one round trip off the latency of every answer.

Starlette runs a response's background after the body is sent and inside the same
ASGI call, so the request is not over until this work is: Mangum answers only when
the call returns (the REST API path keeps both round trips), uvicorn's graceful
shutdown waits for it, and under the web adapter `gateway.aws.invocation_hold` keeps
the Lambda invocation open until the call returns.
"""

from __future__ import annotations

import asyncio

from starlette.background import BackgroundTask


class AfterResponse:
    """Tasks started before the last byte, awaited after it."""

    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, task: asyncio.Task[None]) -> None:
        self._tasks.append(task)

    async def drain(self) -> None:
        """Wait for every task added so far (their own errors are theirs to log)."""
        while self._tasks:
            await self._tasks.pop()

    def background(self) -> BackgroundTask:
        return BackgroundTask(self.drain)
