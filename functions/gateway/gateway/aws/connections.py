"""Kept-alive HTTP/1.1 connections to one AWS endpoint, for the calls on every request's path.

Every chat request makes two DynamoDB calls, each one small POST answered by a small
JSON body with a Content-Length. Through the shared httpx pool (httpx over aiohttp)
each call cost about 0.6 ms of CPU (bench/overhead.py, profiled), more than the rest
of the gateway's own code; here it is the request bytes written to an idle connection
and the answer's head parsed by hand, about a tenth of that.

Writing is synchronous when an idle connection exists: a call started as an eager task
(`asyncio.Task(..., eager_start=True)`) has left the process before its caller goes
on with CPU-bound work, which is how the usage update overlaps the request scan.

A connection that the server closed while it sat idle (DynamoDB closes idle ones;
a Lambda sandbox thawed after a freeze finds its sockets dead) fails before any byte
of an answer arrives; `Connections.send` then retries once on a new connection. A
connection is only reused by the event loop that opened it.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from collections.abc import Callable
from typing import NamedTuple, cast
from urllib.parse import urlsplit

_MAX_HEAD = 64 * 1024


class Answer(NamedTuple):
    status: int
    body: bytes


class StaleConnection(ConnectionError):
    """The connection closed before any byte of the answer: the request may be sent again."""


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection: one request at a time, its answer read by Content-Length
    (or chunks, or to the close)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.WriteTransport | None = None
        self.closed = False
        self.reusable = False
        self.idle_since = 0.0
        self._buffer = bytearray()
        self._waiter: asyncio.Future[Answer] | None = None
        self._status = 0
        self._head_end = -1
        self._length: int | None = None
        self._chunked = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses; both can write and close.
        self.transport = cast(asyncio.WriteTransport, transport)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._waiter is None or self._waiter.done():
            self._close()  # bytes nobody asked for: this connection cannot be trusted
            return
        try:
            answer = self._parse()
        except ValueError as exc:
            self._fail(ConnectionError(f"malformed HTTP answer: {exc}"))
            return
        if answer is not None:
            self._waiter.set_result(answer)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is None or self._waiter.done():
            return
        if self._head_end >= 0 and self._length is None and not self._chunked:
            # An answer without a length ends with the connection (HTTP/1.0 style).
            self._waiter.set_result(Answer(self._status, bytes(self._buffer[self._head_end :])))
        elif not self._buffer:
            self._waiter.set_exception(StaleConnection("connection closed before the answer"))
        else:
            self._waiter.set_exception(ConnectionError("connection closed during the answer"))

    # use
    def send(self, request: bytes) -> asyncio.Future[Answer]:
        assert self.transport is not None
        self._waiter = self.loop.create_future()
        self._buffer.clear()
        self._head_end, self._length, self._chunked, self.reusable = -1, None, False, False
        self.transport.write(request)
        return self._waiter

    def abort(self) -> None:
        self._close()

    def _close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _fail(self, exc: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc)
        self._close()

    def _parse(self) -> Answer | None:
        if self._head_end < 0 and not self._parse_head():
            return None
        if self._chunked:
            body = _dechunk(self._buffer, self._head_end)
            return None if body is None else Answer(self._status, body)
        if self._length is None:
            return None  # read to the close
        end = self._head_end + self._length
        if len(self._buffer) < end:
            return None
        if len(self._buffer) > end:
            raise ValueError("more bytes than the Content-Length")
        return Answer(self._status, bytes(self._buffer[self._head_end :]))

    def _parse_head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > _MAX_HEAD:
                raise ValueError("head too long")
            return False
        # Only three headers matter here; finding them in the lower-cased head is much
        # cheaper than splitting it into lines.
        head = bytes(self._buffer[: end + 2]).lower()
        if not head.startswith(b"http/1."):
            raise ValueError("not an HTTP/1.x answer")
        self._status = int(head[9:12])
        length = _header(head, b"content-length")
        self._length = int(length) if length is not None else None
        self._chunked = b"chunked" in (_header(head, b"transfer-encoding") or b"")
        connection = _header(head, b"connection") or b""
        keep_alive = b"close" not in connection and (
            head.startswith(b"http/1.1") or b"keep-alive" in connection
        )
        self._head_end = end + 4
        self.reusable = keep_alive and (self._length is not None or self._chunked)
        return True


def _header(head: bytes, name: bytes) -> bytes | None:
    """The value of header `name` in a lower-cased head whose lines end in CRLF."""
    start = head.find(b"\r\n" + name + b":")
    if start < 0:
        return None
    start += len(name) + 3
    return head[start : head.find(b"\r\n", start)].strip()


def _dechunk(buffer: bytearray, start: int) -> bytes | None:
    """The body of a complete chunked answer, or None while chunks are missing."""
    out = bytearray()
    pos = start
    while True:
        line_end = buffer.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(bytes(buffer[pos:line_end]).split(b";")[0], 16)
        pos = line_end + 2
        if size == 0:
            return bytes(out) if buffer.find(b"\r\n", pos) >= 0 else None
        if len(buffer) < pos + size + 2:
            return None
        out += buffer[pos : pos + size]
        pos += size + 2


class Connections:
    """Kept-alive connections to the origin of `url`; `send` writes one request and waits."""

    def __init__(
        self,
        url: str,
        *,
        max_idle: int = 16,
        idle_s: float = 30.0,
        ssl_context: Callable[[], ssl.SSLContext] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(url)
        self.tls = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.tls else 80)
        self._max_idle = max_idle
        self._idle_s = idle_s
        self._ssl_factory = ssl_context or _default_ssl_context
        self._ssl: ssl.SSLContext | None = None
        self._clock = clock
        self._idle: deque[_Connection] = deque()

    def renew(self) -> None:
        """Forget every idle connection (a restored snapshot's sockets are dead) and the TLS
        context (the factory makes a fresh one)."""
        self._idle.clear()
        self._ssl = None

    async def send(self, request: bytes, timeout_s: float) -> Answer:
        """Send `request` (a whole HTTP/1.1 request) and return its answer.

        When an idle connection exists the bytes are written before the first await."""
        connection = self._take()
        try:
            async with asyncio.timeout(timeout_s):
                if connection is not None:
                    try:
                        return await self._exchange(connection, request)
                    except StaleConnection:
                        pass  # closed while idle: once more on a new connection
                return await self._exchange(await self._open(), request)
        except TimeoutError:
            raise TimeoutError("no answer in time") from None

    async def _exchange(self, connection: _Connection, request: bytes) -> Answer:
        waiter = connection.send(request)
        try:
            answer = await waiter
        except BaseException:
            connection.abort()  # cancelled or failed mid-answer: the stream is out of step
            raise
        self._give_back(connection)
        return answer

    def _take(self) -> _Connection | None:
        loop = asyncio.get_running_loop()
        now = self._clock()
        while self._idle:
            connection = self._idle.pop()
            if connection.closed or connection.loop is not loop or now - connection.idle_since > self._idle_s:
                connection.abort()
                continue
            return connection
        return None

    def _give_back(self, connection: _Connection) -> None:
        if not connection.reusable or connection.closed:
            connection.abort()
            return
        connection.idle_since = self._clock()
        self._idle.append(connection)
        while len(self._idle) > self._max_idle:
            self._idle.popleft().abort()

    async def _open(self) -> _Connection:
        loop = asyncio.get_running_loop()
        context = None
        if self.tls:
            if self._ssl is None:
                self._ssl = self._ssl_factory()
            context = self._ssl
        _, protocol = await loop.create_connection(
            lambda: _Connection(loop),
            self.host,
            self.port,
            ssl=context,
            server_hostname=self.host if context else None,
        )
        return protocol


def _default_ssl_context() -> ssl.SSLContext:
    """The CA bundle httpx uses (certifi), loaded on the first TLS connection, not at import."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())
