"""A DynamoDB (and Secrets Manager) stand-in for the benchmarks: moto with a fixed round trip.

    python -m bench.ddb_standin --port P [--latency-ms 3]

In AWS a DynamoDB call from Lambda in the same region takes a few milliseconds on a
kept-alive HTTPS connection. moto's own server differs both ways: its time per call
varies with its load, and its serial server speaks HTTP/1.0, so every call opens a new
TCP connection. This process makes the gateway see what it sees in AWS: HTTP/1.1
keep-alive, and every answer released `--latency-ms` after its request arrived. Behind
it, moto's WSGI application is called directly in the event loop (no HTTP server in
between: moto alone takes about 3 ms per UpdateItem on these machines), one call at a
time, so conditional updates stay atomic, as in DynamoDB.

When moto itself takes longer than the latency, the answer leaves when moto is done:
those calls are counted as `late`, and the round trip the benches report is the one
measured here (`GET /__standin`: calls, late calls, p50 of the round trip and of
moto's own time). `POST /__standin?latency_ms=N` changes the latency and resets the
counts.

It runs in its own process, never in the gateway's (which must measure as a Lambda
sandbox would).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

_MAX_HEAD = 64 * 1024
_KEPT = 10_000  # timings kept for the percentiles


class Moto:
    """moto's WSGI application, called with a request's head and body."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        from dev.moto_server import untrack_models

        untrack_models()
        self._app = DomainDispatcherApplication(create_backend_app)

    def call(self, head: bytes, body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
        lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        parts = urlsplit(target)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": parts.path or "/",
            "QUERY_STRING": parts.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for line in lines[1:]:
            name, _, value = line.partition(":")
            key = name.strip().upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value.strip()
            elif key != "CONTENT_LENGTH":
                environ[f"HTTP_{key}"] = value.strip()
        answer: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[..., Any]:
            answer.update(status=status, headers=headers)
            return lambda data: None

        chunks = self._app(environ, start_response)
        try:
            payload = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        headers = [(k, v) for k, v in answer["headers"] if k.lower() not in _HOP_BY_HOP]
        return answer["status"], headers, payload


_HOP_BY_HOP = frozenset({"connection", "keep-alive", "content-length", "transfer-encoding"})


class Standin:
    def __init__(self, moto: Moto, latency_s: float) -> None:
        self.moto = moto
        self.latency_s = latency_s
        self.late = 0
        self.round_trips: list[float] = []
        self.moto_times: list[float] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                head, body = request
                arrived = time.monotonic()
                target = head.split(b" ", 2)[1].decode("latin-1")
                if urlsplit(target).path == "/__standin":
                    writer.write(_response(*self._control(head, target)))
                    continue
                # In the event loop itself: one call at a time is the point (atomic updates).
                answer = self.moto.call(head, body)
                took = time.monotonic() - arrived
                if took < self.latency_s:
                    await asyncio.sleep(self.latency_s - took)
                else:
                    self.late += 1
                writer.write(_response(*answer))
                self._record(self.moto_times, took)
                self._record(self.round_trips, time.monotonic() - arrived)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    @staticmethod
    def _record(values: list[float], value: float) -> None:
        values.append(value)
        if len(values) > 2 * _KEPT:
            del values[:-_KEPT]

    def _control(self, head: bytes, target: str) -> tuple[str, list[tuple[str, str]], bytes]:
        if head.startswith(b"POST "):
            self.latency_s = float(parse_qs(urlsplit(target).query)["latency_ms"][0]) / 1000
            self.late = 0
            self.round_trips.clear()
            self.moto_times.clear()
        report = {
            "latency_ms": self.latency_s * 1000,
            "calls": len(self.round_trips),
            "late": self.late,
            "round_trip_p50_ms": _p50_ms(self.round_trips),
            "moto_p50_ms": _p50_ms(self.moto_times),
        }
        return "200 OK", [("Content-Type", "application/json")], json.dumps(report).encode()


def _p50_ms(values: list[float]) -> float | None:
    return 1000 * sorted(values)[len(values) // 2] if values else None


def _is(line: str, *names: str) -> bool:
    return line.partition(":")[0].strip().lower() in names


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    """A request head and its Content-Length body; None when the caller closed cleanly."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        raise ConnectionError("request head too long") from None
    length = 0
    for line in head.decode("latin-1").split("\r\n")[1:]:
        if _is(line, "content-length"):
            length = int(line.partition(":")[2])
    body = await reader.readexactly(length) if length else b""
    return head, body


def _response(status: str, headers: list[tuple[str, str]], payload: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers)]
    lines += [f"Content-Length: {len(payload)}", "Connection: keep-alive", "", ""]
    return "\r\n".join(lines).encode("latin-1") + payload


async def serve(port: int, latency_ms: float) -> None:
    standin = Standin(Moto(), latency_ms / 1000)
    server = await asyncio.start_server(standin.handle, "127.0.0.1", port, limit=_MAX_HEAD, backlog=512)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ddb_standin", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=3.0)
    args = parser.parse_args()
    from dev.processes import exit_with_parent

    exit_with_parent()
    asyncio.run(serve(args.port, args.latency_ms))


if __name__ == "__main__":
    main()
