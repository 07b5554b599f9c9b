"""DynamoDB with a slow reply to the token update: a proxy in front of moto.

Every call is forwarded to moto at once (so moto applies it when it arrives, as
DynamoDB would); only the reply to an `UpdateItem` that adds tokens is held back for
`delay_s`, and the moment it leaves is recorded. A test can then see whether the
function's response waited for that reply, and whether the invocation did.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from samharness.loopback import QuietHandler, serving

# The token update's two forms (gateway/keys/usage.py): add to today's count, or open the day.
TOKEN_UPDATE = re.compile(rb'"UpdateExpression":\s*"(?:ADD tok_count|SET tok_day)')


@dataclass
class SlowDynamoDb:
    upstream: str
    delay_s: float
    url: str = ""
    # time.monotonic() when each token update arrived, and when its reply left the proxy.
    token_requests: list[float] = field(default_factory=list)
    token_replies: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(proxy: SlowDynamoDb) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(proxy.upstream)

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            token_update = TOKEN_UPDATE.search(body) is not None
            if token_update:
                with proxy._lock:
                    proxy.token_requests.append(time.monotonic())
            connection = http.client.HTTPConnection(
                target.hostname or "127.0.0.1", target.port or 80, timeout=10
            )
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                connection.request("POST", self.path, body=body, headers=headers)
                reply = connection.getresponse()
                payload, status = reply.read(), reply.status
                reply_headers = [
                    (k, v) for k, v in reply.getheaders() if k.lower() in ("content-type", "x-amz-crc32")
                ]
            finally:
                connection.close()
            if token_update:
                time.sleep(proxy.delay_s)
            self.send_response(status)
            for name, value in reply_headers:
                self.send_header(name, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
            if token_update:
                with proxy._lock:
                    proxy.token_replies.append(time.monotonic())

    return Handler


@contextmanager
def slow_dynamodb(upstream: str, delay_s: float) -> Iterator[SlowDynamoDb]:
    proxy = SlowDynamoDb(upstream, delay_s)
    with serving(_handler(proxy)) as port:
        proxy.url = f"http://127.0.0.1:{port}"
        yield proxy
