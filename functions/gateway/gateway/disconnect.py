"""Stop provider work when the caller goes away before the answer has started.

Once a stream has started, Starlette notices a disconnect and closes the stream
(and with it the provider connection). Before that, while we wait for the
provider's first byte or a whole non-streaming answer, nobody listens: the
provider call would run on to its deadline for a caller who has left. This runs
the wait next to a listener for `http.disconnect` and cancels the wait when the
caller leaves; cancelling closes the provider connection, which stops the work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from starlette.requests import Request

from gateway.errors import ClientDisconnected


async def unless_disconnected[T](request: Request, work: Coroutine[Any, Any, T]) -> T:
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
    if task.done():
        return task.result()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    except Exception:  # it failed while being cancelled: the caller is gone either way
        pass
    raise ClientDisconnected("The caller disconnected before the answer started.")


async def _disconnected(request: Request) -> None:
    # The body was read already, so the only message left to receive is the disconnect.
    while (await request.receive())["type"] != "http.disconnect":
        pass
