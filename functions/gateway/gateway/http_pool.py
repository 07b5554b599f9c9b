"""The process's one outgoing HTTP pool: httpx's API over aiohttp's connection pool.

Measured here (bench/overhead.py, yappi): with httpx's own pool most of the
gateway's CPU per request went to httpcore scanning its connection list
(`_assign_requests_to_connections`, hundreds of `is_idle` calls per request at
32 concurrent requests), three times per request (provider, usage update,
tokens). The `httpx-aiohttp` transport keeps every httpx call site and exception
as is and hands connection handling to aiohttp. The bench's floor proxy uses the
same pool, so "same framework and HTTP client" holds.
"""

from __future__ import annotations

import httpx
from httpx_aiohttp import AiohttpTransport

MAX_CONNECTIONS = 512
MAX_KEEPALIVE = 64


def new_pool(*, connect_timeout_s: float, idle_timeout_s: float) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE)
    return httpx.AsyncClient(
        transport=AiohttpTransport(limits=limits),
        timeout=httpx.Timeout(
            connect=connect_timeout_s, read=idle_timeout_s, write=idle_timeout_s, pool=connect_timeout_s
        ),
        limits=limits,
    )
