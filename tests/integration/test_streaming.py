"""Streaming: incremental delivery, framing, usage, failures and cancellation."""

from __future__ import annotations

import json
import socket
import threading
import time

import httpx
import pytest

from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream, Hang, Stream
from tests.helpers import chat_body, frames_of, post_chat, text_of

CHAT = chat_body(stream=True)


def test_stream_framing_headers_and_done(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Stream(pieces=["Hel", "lo", " world"]))
    response = post_chat(gateway, CHAT)
    frames = frames_of(response.text)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-request-id"].startswith("req_")
    assert frames[-1] == "[DONE]" and frames.count("[DONE]") == 1
    assert text_of(frames) == "Hello world"
    assert all(
        f["model"] == "openai/gpt-4o-mini" and f["object"] == "chat.completion.chunk" for f in frames[:-1]
    )
    assert frames[-2]["choices"][0]["finish_reason"] == "stop"
    assert not any("usage" in f for f in frames[:-1])
    # The provider is always asked for usage, for limits and audit.
    assert upstream.received[0].json["stream_options"] == {"include_usage": True}


def test_usage_chunk_only_when_asked(gateway: Gateway, upstream: FakeUpstream) -> None:
    frames = frames_of(post_chat(gateway, {**CHAT, "stream_options": {"include_usage": True}}).text)
    usage_frame = frames[-2]
    assert usage_frame["choices"] == [] and usage_frame["usage"]["total_tokens"] == 8


def test_first_chunk_arrives_while_upstream_is_still_producing(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    release = threading.Event()
    # Longer than the guard's plain-text hold-back (96), so part of it must go out at once.
    first = "The first part of the answer is plain prose with nothing to hide. " * 3
    upstream.queue(Stream(pieces=[first, " second"], hold_after_first=release))
    with httpx.stream(
        "POST", f"{gateway.api}/chat/completions", headers=gateway.headers(), json=CHAT, timeout=10
    ) as response:
        lines = response.iter_lines()
        seen = ""
        while "first" not in seen:
            seen += next(lines)
        # The upstream is parked until we release it: this text came through live.
        assert (
            not release.is_set() and upstream.streams_finished == 0 and not upstream.streams_closed.is_set()
        )
        release.set()
        rest = "".join(lines)
    assert "second" in rest and rest.endswith("[DONE]")


def test_mid_stream_reset_ends_with_error_event_and_done(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Stream(pieces=["a", "b", "c"], reset_after=2))
    frames = frames_of(post_chat(gateway, CHAT).text)
    assert frames[-1] == "[DONE]"
    assert frames[-2]["error"]["type"] == "server_error" and frames[-2]["error"]["code"] == "upstream_error"


def test_stream_without_done_is_an_error(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Stream(pieces=["a"], send_done=False))
    frames = frames_of(post_chat(gateway, CHAT).text)
    assert frames[-1] == "[DONE]" and frames[-2]["error"]["code"] == "upstream_error"


def test_malformed_and_error_events(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(
        Stream(pieces=["a", "b"], malformed_after=1), Stream(pieces=["a", "b"], error_event_after=1)
    )
    for _ in range(2):
        frames = frames_of(post_chat(gateway, CHAT).text)
        assert text_of(frames) == "a"
        assert frames[-2]["error"]["code"] == "upstream_error" and "fake" not in json.dumps(frames[-2])
        assert frames[-1] == "[DONE]"


def test_idle_upstream_times_out_mid_stream(gateway_factory, upstream: FakeUpstream) -> None:  # type: ignore[no-untyped-def]
    gateway = gateway_factory(idle_timeout_s=0.3)
    release = threading.Event()
    upstream.queue(Stream(pieces=["a", "b"], hold_after_first=release))
    frames = frames_of(post_chat(gateway, CHAT).text)
    release.set()
    assert frames[-2]["error"]["code"] == "upstream_timeout" and frames[-1] == "[DONE]"


def test_client_disconnect_cancels_the_upstream_call(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Stream(pieces=["tick"] * 2000, delay_s=0.01))
    body = json.dumps(CHAT).encode()
    host, port = gateway.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST /api/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
            + f"authorization: Bearer {gateway.api_key}\r\ncontent-length: {len(body)}\r\n\r\n".encode()
            + body
        )
        received = b""
        while b"tick" not in received:
            received += sock.recv(65536)
    # The gateway noticed and closed its provider connection long before 2000 ticks.
    assert upstream.streams_closed.wait(5)
    assert upstream.streams_finished == 0


@pytest.mark.parametrize("stream", [False, True])
def test_disconnect_before_the_answer_starts_stops_waiting(
    gateway: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    upstream.queue(Hang(5))
    body = json.dumps({**CHAT, "stream": stream}).encode()
    host, port = gateway.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            b"POST /api/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
            + f"authorization: Bearer {gateway.api_key}\r\ncontent-length: {len(body)}\r\n\r\n".encode()
            + body
        )
        while not upstream.received:
            time.sleep(0.01)
    # The gateway gives up on the provider at once, not when its 5 s answer would come.
    deadline = time.monotonic() + 15
    while not gateway.audit.records() and time.monotonic() < deadline:
        time.sleep(0.02)
    (record,) = gateway.audit.records()
    assert record["action"] == "client_disconnected" and record["status"] == 499
