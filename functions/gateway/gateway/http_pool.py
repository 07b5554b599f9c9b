"""The process's one outgoing HTTP pool: httpx's API over aiohttp's connection pool.

Measured here (bench/overhead.py, yappi): with httpx's own pool most of the
gateway's CPU per request went to httpcore scanning its connection list
(`_assign_requests_to_connections`, hundreds of `is_idle` calls per request at
32 concurrent requests), three times per request (provider, usage update,
tokens). The `httpx-aiohttp` transport keeps every httpx call site and exception
as is and hands connection handling to aiohttp. The bench's floor proxy uses the
same pool, so "same framework and HTTP client" holds.

The aiohttp side is made on the first request, not at import: importing aiohttp
and building the transport's TLS context (the CA bundle) was about a third of the
API function's cold import, and `/health` never needs either. That one TLS context
also serves the process's own AWS connections (`Pool.ssl_context`), so the CA bundle
is loaded once, not once per endpoint. For SnapStart, `renew()` drops the transport
and the context after a restore: connections opened before the snapshot are dead,
and TLS state should not be shared by every restored copy.

The pool keeps no cookies, on either side (httpx's jar and aiohttp's session jar): a
cookie a provider sets on one caller's request would otherwise ride on every later
request from any caller, state shared across callers that no caller asked for.
"""

from __future__ import annotations

import contextlib
import ssl
from http.cookiejar import Cookie, CookieJar
from typing import TYPE_CHECKING, Any, Protocol

import httpx

if TYPE_CHECKING:
    import aiohttp
    from httpx_aiohttp import AiohttpTransport

MAX_CONNECTIONS = 512
MAX_KEEPALIVE = 64


class _LazyAiohttpTransport(httpx.AsyncBaseTransport):
    """aiohttp's transport, created on first use and again after `renew()`."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._transport: AiohttpTransport | None = None
        self._retired: list[AiohttpTransport] = []
        self._ssl: ssl.SSLContext | None = None

    def ssl_context(self) -> ssl.SSLContext:
        """httpx's default client context (certifi's bundle, or SSL_CERT_FILE), made once."""
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl

    def renew(self) -> None:
        self._ssl = None
        if self._transport is not None:
            self._retired.append(self._transport)
            self._transport = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._retired:
            await self._close_retired()
        if self._transport is None:
            from httpx_aiohttp import AiohttpTransport

            self._transport = AiohttpTransport(client=self._session, limits=self._limits)
        return await self._transport.handle_async_request(request)

    def _session(self) -> aiohttp.ClientSession:
        """The transport's own session, as it would make it, but with no cookie jar."""
        import aiohttp

        connector = aiohttp.TCPConnector(
            keepalive_timeout=self._limits.keepalive_expiry,
            ssl=self.ssl_context(),
            limit=self._limits.max_connections or 0,
        )
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())

    async def _close_retired(self) -> None:
        retired, self._retired = self._retired, []
        for transport in retired:
            # Its sockets may be long gone (a restored snapshot): closing only releases the objects.
            with contextlib.suppress(OSError, RuntimeError):
                await transport.aclose()

    async def aclose(self) -> None:
        self.renew()
        await self._close_retired()


class Renewable(Protocol):
    def renew(self) -> None: ...


class Pool(httpx.AsyncClient):
    """httpx.AsyncClient whose connections can be renewed (SnapStart's after-restore hook),
    together with the other connections the process keeps (`attach`: DynamoDB's)."""

    def __init__(
        self, transport: _LazyAiohttpTransport, *, timeout: httpx.Timeout, limits: httpx.Limits
    ) -> None:
        super().__init__(transport=transport, timeout=timeout, limits=limits, cookies=_NoCookieJar())
        self._lazy = transport
        self._attached: list[Renewable] = []

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS context this pool's connections use, for the process's other connections."""
        return self._lazy.ssl_context()

    def attach(self, connections: Renewable) -> None:
        self._attached.append(connections)

    def renew(self) -> None:
        """Forget every connection; the next request opens new ones (call outside the event loop)."""
        self._lazy.renew()
        for connections in self._attached:
            connections.renew()


class _NoCookieJar(CookieJar):
    """A jar that never stores a cookie, so it never sends one (httpx keeps a jar it is
    given as it is; a `Cookies` would be copied into a plain jar)."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        pass

    def set_cookie(self, cookie: Cookie) -> None:
        pass


def new_pool(*, connect_timeout_s: float, idle_timeout_s: float) -> Pool:
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE)
    return Pool(
        _LazyAiohttpTransport(limits),
        timeout=httpx.Timeout(
            connect=connect_timeout_s, read=idle_timeout_s, write=idle_timeout_s, pool=connect_timeout_s
        ),
        limits=limits,
    )
