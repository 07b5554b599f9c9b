"""Client faults, seen from the gateway process: nothing accumulates.

A real uvicorn child (as under the web adapter) is hit with many mid-stream disconnects,
disconnects while it waits for the provider, and many half-sent bodies held open. Its open
file descriptors (/proc/<pid>/fd), threads and resident memory (/proc/<pid>/status) must come
back to where they were: no leaked sockets, tasks holding connections, or buffers.
"""

from __future__ import annotations

import json
import socket
import time
from collections import deque
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.upstream import FakeUpstream, Hang, Stream
from tests.helpers import chat_body, frames_of, text_of
from tests.reliability.conftest import GatewayProcess, ProcessFactory

pytestmark = pytest.mark.xdist_group("reliability-processes")

# 20 s long: under load a disconnect may take a while to reach the provider call, but never
# this long, so a stream that runs to its end means the call was not cancelled.
LONG_STREAM = Stream(pieces=["tick " * 20] * 400, delay_s=0.05)


@pytest.fixture(scope="module")
def child(process_factory: ProcessFactory, fake_upstream_server: FakeUpstream) -> GatewayProcess:
    return process_factory(fake_upstream_server.base_url, name="health", _ACCESS_LOG="off")


@pytest.fixture
def long_streams(upstream: FakeUpstream) -> Iterator[FakeUpstream]:
    upstream.default = LONG_STREAM
    yield upstream
    upstream.default = None


def _connect(gateway: GatewayProcess) -> socket.socket:
    host, port = gateway.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _chat_head(gateway: GatewayProcess, length: int) -> bytes:
    return (
        b"POST /api/v1/chat/completions HTTP/1.1\r\nhost: gw\r\ncontent-type: application/json\r\n"
        + f"authorization: Bearer {gateway.api_key}\r\ncontent-length: {length}\r\n\r\n".encode()
    )


def disconnect_mid_stream(gateway: GatewayProcess) -> None:
    body = json.dumps(chat_body("go", stream=True)).encode()
    with _connect(gateway) as sock:
        sock.sendall(_chat_head(gateway, len(body)) + body)
        received = b""
        while b"tick" not in received:
            chunk = sock.recv(65536)
            assert chunk, "gateway closed before streaming"
            received += chunk
        # Abort (RST), as a killed client would.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def served(gateway: GatewayProcess, upstream: FakeUpstream) -> None:
    saved, upstream.default = upstream.default, None
    try:
        response = httpx.post(
            f"{gateway.api}/chat/completions",
            headers=gateway.headers(),
            json=chat_body("ok?", stream=True),
            timeout=10,
        )
        assert text_of(frames_of(response.text)) == "echo: ok?"
    finally:
        upstream.default = saved


def settle(gateway: GatewayProcess, baseline_fds: int, timeout_s: float = 2) -> int:
    """Wait for descriptors to come back down (closing is asynchronous); the last count."""
    deadline = time.monotonic() + timeout_s
    fds = gateway.fds()
    while fds > baseline_fds and time.monotonic() < deadline:
        time.sleep(0.1)
        fds = gateway.fds()
    return fds


def snapshot(gateway: GatewayProcess) -> tuple[int, int, int]:
    return gateway.fds(), gateway.status("Threads"), gateway.status("VmRSS")


def test_repeated_mid_stream_disconnects_leak_nothing(
    child: GatewayProcess, long_streams: FakeUpstream
) -> None:
    upstream = long_streams
    for _ in range(20):  # warm up: pools, caches, lazily built clients
        disconnect_mid_stream(child)
    served(child, upstream)
    time.sleep(0.5)
    fds0, threads0, rss0 = snapshot(child)
    rounds = 150
    closed_before = upstream.streams_finished
    for _ in range(rounds):
        disconnect_mid_stream(child)
    finished = upstream.streams_finished
    served(child, upstream)
    fds = settle(child, fds0)
    _, threads, rss = snapshot(child)
    assert finished == closed_before  # no provider stream ran to its end
    assert fds <= fds0 + 4, f"descriptors grew from {fds0} to {fds} over {rounds} disconnects"
    assert threads <= threads0 + 2, f"threads grew from {threads0} to {threads}"
    assert rss - rss0 < 15_000, f"RSS grew {rss - rss0} kB over {rounds} disconnects"
    assert child.alive()


def test_disconnects_while_waiting_for_the_provider_leak_nothing(
    child: GatewayProcess, upstream: FakeUpstream
) -> None:
    """The provider call of a caller who left before the answer started runs to its end (it is
    bounded by the deadline) and its connection goes back to the pool: kept-alive provider
    connections are pool-bounded (and expire after 5 s idle), so the proof is a plateau, not a
    return to the first count."""
    served(child, upstream)
    counts = []
    for _ in range(4):
        for stream in (False, True) * 10:
            upstream.queue(Hang(0.3))
            body = json.dumps(chat_body("wait", stream=stream)).encode()
            with _connect(child) as sock:
                sock.sendall(_chat_head(child, len(body)) + body)
                time.sleep(0.01)
        time.sleep(0.5)  # the provider's hangs end; the gateway's work for them too
        served(child, upstream)
        counts.append((child.fds(), child.status("Threads")))
    _, (fds1, threads1), _, (fds3, threads3) = counts  # the first round warms the pool
    # A leak would add about 20 per round (one per abandoned request); pooled
    # keep-alive connections wobble by a few.
    assert fds3 <= fds1 + 8, f"descriptors kept growing: {counts}"
    assert threads3 <= threads1 + 2, f"threads kept growing: {counts}"
    assert upstream.script == deque() or all(isinstance(b, Hang) for b in upstream.script)
    upstream.script.clear()


def test_many_half_sent_bodies_do_not_block_others_and_are_released(
    child: GatewayProcess, upstream: FakeUpstream
) -> None:
    """Slowloris: 150 connections send headers and half a body, then wait. Others are still
    served at once; when the slow ones go away their descriptors do too. (A slow body is cut
    off after middleware.BODY_READ_TIMEOUT_S = 30 s: not waited for here.)"""
    served(child, upstream)
    fds0 = child.fds()
    body = json.dumps(chat_body("slow")).encode()
    held = []
    try:
        for _ in range(150):
            sock = _connect(child)
            sock.sendall(_chat_head(child, len(body)) + body[: len(body) // 2])
            held.append(sock)
        time.sleep(0.3)
        assert child.fds() >= fds0 + 100  # the gateway really holds them
        started = time.monotonic()
        for _ in range(5):
            served(child, upstream)
        # Blocked behind the held bodies, these would wait for the 30 s body timeout.
        assert time.monotonic() - started < 15
        # One of them finishes its body after all and is answered.
        held[0].sendall(body[len(body) // 2 :])
        answer = held[0].recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
    finally:
        for sock in held:
            sock.close()
    assert settle(child, fds0) <= fds0 + 4
    assert child.alive()
