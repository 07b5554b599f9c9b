"""The process's pool: one TLS context (shared with the AWS connections), no cookies."""

from __future__ import annotations

import asyncio
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from gateway.http_pool import new_pool


def test_the_pool_makes_one_tls_context_until_it_is_renewed() -> None:
    pool = new_pool(connect_timeout_s=1, idle_timeout_s=1)
    first = pool.ssl_context()
    assert isinstance(first, ssl.SSLContext) and first.verify_mode == ssl.CERT_REQUIRED
    assert first.check_hostname and first.cert_store_stats()["x509_ca"] > 0  # the CA bundle is in it
    assert pool.ssl_context() is first
    pool.renew()  # SnapStart's after-restore hook: no TLS state shared across restored copies
    assert pool.ssl_context() is not first


class _SetsCookies(BaseHTTPRequestHandler):
    """Answers every request with a cookie and records the Cookie header it was sent."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[str | None]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("cookie"))
        self.send_response(200)
        self.send_header("set-cookie", "session=caller-one-secret; Path=/")
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def test_the_pool_keeps_no_cookie_from_one_request_for_the_next() -> None:
    """A cookie a provider sets for one caller must never ride on another caller's request."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SetsCookies)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # A host name, not an address: aiohttp's default jar ignores cookies set by an IP address.
    url = f"http://localhost:{server.server_address[1]}/v1/models"

    async def two_requests() -> None:
        pool = new_pool(connect_timeout_s=5, idle_timeout_s=5)
        try:
            for _ in range(2):
                response = await pool.get(url)
                assert response.status_code == 200 and "set-cookie" in response.headers
            assert not pool.cookies
        finally:
            await pool.aclose()

    try:
        asyncio.run(two_requests())
    finally:
        server.shutdown()
        server.server_close()
    assert _SetsCookies.seen == [None, None]
