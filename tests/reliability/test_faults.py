"""Provider faults beyond tests/integration (test_upstream_faults.py, test_streaming.py).

For each fault: the caller gets the documented error (before the first byte) or one final
SSE error event followed by `[DONE]` (after it); nothing waits past the configured idle
timeout or deadline; retries happen only before the first byte; the audit record names
the action, the error code and the provider's status; and the gateway answers the next
request normally.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import AuditLog, Gateway, free_port
from tests.fakes.upstream import FakeUpstream, Raw, Reply, Status, Stream
from tests.helpers import chat_body, final_error, frames_of, text_of
from tests.reliability.conftest import DroppingServer

# Small budgets against long faults: a fault lasts FAULT_S (or longer), and a request that
# gave up in time ends before WELL_BEFORE_S, many seconds before the fault would have
# ended but also many seconds after the budget, so a loaded machine cannot fail the test.
# Exact waits (backoff, Retry-After, deadlines) are asserted without clocks in
# tests/unit/test_upstream_client.py.
IDLE_S = 0.8  # generous: CI machines are shared, and a late first chunk must not look idle
DEADLINE_S = 3.0
FAULT_S = 20.0
WELL_BEFORE_S = 10.0


@pytest.fixture
def fast(gateway_factory: Callable[..., Gateway]) -> Gateway:
    return gateway_factory(idle_timeout_s=IDLE_S, deadline_s=DEADLINE_S)


def post(gateway: Gateway, body: dict[str, Any], timeout: float = 20) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.post(
        f"{gateway.api}/chat/completions", headers=gateway.headers(), json=body, timeout=timeout
    )
    return response, time.monotonic() - started


def audit_of(audit: AuditLog, response: httpx.Response) -> dict[str, Any]:
    request_id = response.headers["x-request-id"]
    records = [r for r in audit.records() if r["request_id"] == request_id]
    assert len(records) == 1, f"expected one audit record for {request_id}, got {len(records)}"
    return records[0]


def assert_healthy(gateway: Gateway, upstream: FakeUpstream) -> None:
    """The next request, streamed and not, is answered normally."""
    upstream.script.clear()
    response, _ = post(gateway, chat_body("still there?"))
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "echo: still there?"
    response, _ = post(gateway, chat_body("and streaming?", stream=True))
    assert text_of(frames_of(response.text)) == "echo: and streaming?"
    assert httpx.get(f"{gateway.url}/health").status_code == 200


def assert_audit(
    record: dict[str, Any], *, status: int, code: str | None, upstream_status: int | None, stream: bool
) -> None:
    assert record["status"] == status
    assert record["error_code"] == code
    assert record["action"] == ("allowed" if code is None else "upstream_error")
    assert record["upstream_status"] == upstream_status
    assert record["stream"] is stream


# --------------------------------------------------------------------------- timeouts


def test_trickle_slower_than_the_idle_timeout_ends_the_stream(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    upstream.queue(Stream(pieces=["one ", "two ", "three"], delay_s=FAULT_S))
    response, elapsed = post(fast, chat_body(stream=True))
    frames = frames_of(response.text)
    assert response.status_code == 200 and text_of(frames) == "one "
    assert final_error(frames)["code"] == "upstream_timeout"
    assert elapsed < WELL_BEFORE_S
    assert len(upstream.received) == 1  # the answer had started: no retry
    assert_audit(
        audit_of(audit_log, response), status=504, code="upstream_timeout", upstream_status=200, stream=True
    )
    assert_healthy(fast, upstream)


def test_trickle_within_the_idle_timeout_completes(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    # Gaps of 0.1 s against an idle timeout of 1 s: a loaded CI box must not turn this into a timeout.
    gateway = gateway_factory(idle_timeout_s=1.0, deadline_s=10)
    pieces = [f"tok{i} " for i in range(12)]
    upstream.queue(Stream(pieces=pieces, delay_s=0.1))
    response, elapsed = post(gateway, chat_body(stream=True))
    frames = frames_of(response.text)
    assert text_of(frames) == "".join(pieces) and frames[-1] == "[DONE]"
    assert not any("error" in f for f in frames if isinstance(f, dict))
    assert elapsed >= 12 * 0.1 * 0.9  # it really trickled
    assert_audit(audit_of(audit_log, response), status=200, code=None, upstream_status=200, stream=True)


def test_trickle_within_idle_but_past_the_deadline_is_cut_at_the_deadline(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    gateway = gateway_factory(idle_timeout_s=IDLE_S, deadline_s=1)
    upstream.queue(Stream(pieces=["x "] * 200, delay_s=0.1))  # 20 s of tokens, 1 s deadline
    response, elapsed = post(gateway, chat_body(stream=True))
    frames = frames_of(response.text)
    assert final_error(frames)["code"] == "upstream_timeout"
    assert 0 < len(text_of(frames)) < 200  # cut well before the provider's end (400)
    assert elapsed < WELL_BEFORE_S
    assert_audit(
        audit_of(audit_log, response), status=504, code="upstream_timeout", upstream_status=200, stream=True
    )
    assert_healthy(gateway, upstream)


def test_silence_before_headers_longer_than_idle_is_a_504_without_retry(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    from tests.fakes.upstream import Hang

    upstream.queue(Hang(FAULT_S))
    response, elapsed = post(fast, chat_body())
    assert response.status_code == 504 and response.json()["error"]["code"] == "upstream_timeout"
    assert elapsed < WELL_BEFORE_S and len(upstream.received) == 1
    assert_audit(
        audit_of(audit_log, response), status=504, code="upstream_timeout", upstream_status=None, stream=False
    )
    assert_healthy(fast, upstream)


def test_non_stream_body_stalling_past_idle_is_a_504(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    upstream.queue(Raw([b'{"id": "chatcmpl-x", ', b'"choices": []}'], delay_s=FAULT_S))
    response, elapsed = post(fast, chat_body())
    assert elapsed < WELL_BEFORE_S
    assert response.status_code == 504 and response.json()["error"]["code"] == "upstream_timeout"


def test_non_stream_body_stalling_past_idle_fails_fast_and_is_audited(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    """The stall ends within the idle timeout and the audit record says why."""
    upstream.queue(Raw([b'{"id": "chatcmpl-x", ', b'"choices": []}'], delay_s=FAULT_S))
    response, elapsed = post(fast, chat_body())
    assert elapsed < WELL_BEFORE_S
    assert response.status_code == 504
    record = audit_of(audit_log, response)
    assert record["action"] == "upstream_error" and record["status"] == response.status_code
    assert_healthy(fast, upstream)


# --------------------------------------------------------------------------- size


BIG = ("The quick brown fox jumps over the lazy dog. " * 50_000)[: 2 * 1024 * 1024]


def test_one_enormous_sse_chunk_passes_intact(
    fast: Gateway, gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    gateway = gateway_factory(idle_timeout_s=5, deadline_s=20)
    upstream.queue(Stream(pieces=["start ", BIG, " end"]))
    response, elapsed = post(gateway, chat_body(stream=True))
    frames = frames_of(response.text)
    assert frames[-1] == "[DONE]" and text_of(frames) == f"start {BIG} end"
    assert elapsed < 60  # a hang would take the test's whole timeout; slow is fine
    assert_audit(audit_of(audit_log, response), status=200, code=None, upstream_status=200, stream=True)


def test_one_enormous_non_stream_answer_passes_intact(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream
) -> None:
    gateway = gateway_factory(idle_timeout_s=5, deadline_s=20)
    upstream.queue(Reply(content=BIG))
    response, _ = post(gateway, chat_body())
    assert response.status_code == 200 and response.json()["choices"][0]["message"]["content"] == BIG


# --------------------------------------------------------------------------- rate limiting


@pytest.mark.parametrize("stream", [False, True])
def test_429_without_retry_after_backs_off_then_502(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog, stream: bool
) -> None:
    upstream.queue(Status(429), Status(429), Status(429))
    response, elapsed = post(fast, chat_body(stream=stream))
    error = response.json()["error"]
    assert response.status_code == 502 and error["code"] == "upstream_error"
    assert "rate limiting" in error["message"]
    assert len(upstream.received) == 3
    # jittered backoff 0.125-0.25 s then 0.25-0.5 s: it waited (exact waits: the unit tests)
    assert elapsed >= 0.3
    assert_audit(
        audit_of(audit_log, response), status=502, code="upstream_error", upstream_status=429, stream=stream
    )
    assert_healthy(fast, upstream)


def test_429_without_retry_after_then_success(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    upstream.queue(Status(429), Reply(content="made it"))
    response, _ = post(fast, chat_body())
    assert response.json()["choices"][0]["message"]["content"] == "made it"
    assert len(upstream.received) == 2
    assert_audit(audit_of(audit_log, response), status=200, code=None, upstream_status=200, stream=False)


# --------------------------------------------------------------------------- malformed answers


MALFORMED_BODIES = {
    "truncated-json": [b'{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"mess'],
    "not-json": [b"<html><body>502 Bad Gateway</body></html>"],
    "empty": [b""],
    "json-null": [b"null"],
    "choices-not-a-list": [b'{"choices": {"0": {"message": {"content": "x"}}}}'],
    "invalid-utf8": [b'{"choices": [{"message": {"content": "\xff\xfe"}}]}'],
}


@pytest.mark.parametrize("name", sorted(MALFORMED_BODIES))
def test_malformed_non_stream_200_is_502(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog, name: str
) -> None:
    upstream.queue(Raw(MALFORMED_BODIES[name]))
    response, _ = post(fast, chat_body())
    if name == "invalid-utf8" and response.status_code == 200:
        # json.loads of bytes refuses invalid UTF-8, so this must not be a 200 at all
        pytest.fail("invalid UTF-8 from the provider was accepted")
    assert response.status_code == 502, response.text
    assert response.json()["error"]["code"] == "upstream_error"
    assert len(upstream.received) == 1
    record = audit_of(audit_log, response)
    assert record["action"] == "upstream_error" and record["error_code"] == "upstream_error"
    assert_healthy(fast, upstream)


def test_malformed_non_stream_200_is_audited_with_the_providers_status(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    upstream.queue(Raw(MALFORMED_BODIES["truncated-json"]))
    response, _ = post(fast, chat_body())
    assert response.status_code == 502
    assert audit_of(audit_log, response)["upstream_status"] == 200


WEIRD_CHOICES = {
    "choices-a-number": {"choices": 5},
    "index-not-a-number": {"choices": [{"index": "first", "delta": {"content": "x"}}]},
    "delta-a-string": {"choices": [{"index": 0, "delta": "x"}]},
    "tool-calls-a-number": {"choices": [{"index": 0, "delta": {"tool_calls": 5}}]},
}


@pytest.mark.parametrize("name", sorted(WEIRD_CHOICES))
def test_well_formed_json_of_the_wrong_shape_mid_stream_ends_cleanly(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog, name: str
) -> None:
    good = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    first = {**good, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "ok "}}]}
    chunks = [
        f"data: {json.dumps(first)}\n\n".encode(),
        f"data: {json.dumps({**good, **WEIRD_CHOICES[name]})}\n\n".encode(),
        b"data: [DONE]\n\n",
    ]
    upstream.queue(Raw(chunks, content_type="text/event-stream"))
    response, _ = post(fast, chat_body(stream=True))
    frames = frames_of(response.text)
    # "ok " may still sit in the guard's hold-back when the bad chunk arrives; it is either
    # released or dropped, never garbled
    assert response.status_code == 200 and text_of(frames) in ("", "ok ")
    error = final_error(frames)
    assert error["type"] == "server_error"
    record = audit_of(audit_log, response)
    assert record["status"] >= 500 and record["error_code"] == error["code"]
    assert_healthy(fast, upstream)


@pytest.mark.parametrize("name", sorted(WEIRD_CHOICES))
def test_wrong_shape_mid_stream_is_an_upstream_error(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog, name: str
) -> None:
    good = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    chunks = [f"data: {json.dumps({**good, **WEIRD_CHOICES[name]})}\n\n".encode(), b"data: [DONE]\n\n"]
    upstream.queue(Raw(chunks, content_type="text/event-stream"))
    response, _ = post(fast, chat_body(stream=True))
    assert final_error(frames_of(response.text))["code"] == "upstream_error"


def test_non_stream_completion_of_the_wrong_shape_is_502(fast: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Raw([b'{"choices": [{"index": 0, "message": {"role": "assistant", "tool_calls": 5}}]}']))
    response, _ = post(fast, chat_body())
    assert response.status_code == 502


def test_tolerated_sse_variants(fast: Gateway, upstream: FakeUpstream) -> None:
    """CRLF endings, comments, `event:` lines, `data:` without a space, one event on two
    `data:` lines: all legal SSE, all must come through."""
    base = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}

    def chunk(content: str, finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]}

    split = json.dumps(chunk("C"))
    half = len(split) // 2
    chunks = [
        b": keep-alive\r\n\r\n",
        f"event: message\r\ndata: {json.dumps(chunk('A'))}\r\n\r\n".encode(),
        f"data:{json.dumps(chunk('B'))}\n\n".encode(),
        f"data: {split[:half]}\ndata: {split[half:]}\n\n".encode(),
        f"data: {json.dumps(chunk('', 'stop'))}\n\n".encode(),
        b"data: [DONE]\n\n",
    ]
    upstream.queue(Raw(chunks, content_type="text/event-stream", delay_s=0.01))
    response, _ = post(fast, chat_body(stream=True))
    frames = frames_of(response.text)
    # "C" arrives as one event spread over two data lines joined by "\n": JSON allows that newline
    assert text_of(frames) == "ABC" and frames[-1] == "[DONE]"


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param(
            [b'data: {"id": "c", "choices": [{"index": 0, "delta": {"content": "ab'], id="cut-mid-event"
        ),
        pytest.param([b"data: \xff\xfe garbage\n\n"], id="binary-line"),
        pytest.param([b"data: [1, 2, 3]\n\n"], id="json-array-event"),
        pytest.param([b""], id="empty-stream"),
    ],
)
def test_broken_streams_end_with_an_error_event(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog, chunks: list[bytes]
) -> None:
    upstream.queue(Raw(chunks, content_type="text/event-stream"))
    response, _ = post(fast, chat_body(stream=True))
    frames = frames_of(response.text)
    assert final_error(frames)["code"] == "upstream_error"
    assert len(upstream.received) == 1
    assert_audit(
        audit_of(audit_log, response), status=502, code="upstream_error", upstream_status=200, stream=True
    )
    assert_healthy(fast, upstream)


def test_stream_request_answered_with_json_is_502(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    upstream.queue(Raw([b'{"choices": []}'], content_type="application/json"))
    response, _ = post(fast, chat_body(stream=True))
    assert response.status_code == 502 and response.json()["error"]["code"] == "upstream_error"


# --------------------------------------------------------------------------- broken connections


def test_stream_without_done_after_finish_is_an_error(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    upstream.queue(Stream(pieces=["all ", "of ", "it"], send_done=False))
    response, _ = post(fast, chat_body(stream=True))
    frames = frames_of(response.text)
    assert text_of(frames) == "all of it"
    assert final_error(frames)["code"] == "upstream_error"
    assert_audit(
        audit_of(audit_log, response), status=502, code="upstream_error", upstream_status=200, stream=True
    )
    assert_healthy(fast, upstream)


def test_reset_mid_stream_is_not_retried_and_is_audited(
    fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog
) -> None:
    upstream.queue(Stream(pieces=["a", "b", "c", "d"], reset_after=2, delay_s=0.02))
    response, _ = post(fast, chat_body(stream=True))
    frames = frames_of(response.text)
    assert text_of(frames) == "ab" and final_error(frames)["code"] == "upstream_error"
    assert len(upstream.received) == 1
    assert_audit(
        audit_of(audit_log, response), status=502, code="upstream_error", upstream_status=200, stream=True
    )
    assert_healthy(fast, upstream)


def test_reset_mid_body_non_stream_is_502(fast: Gateway, upstream: FakeUpstream, audit_log: AuditLog) -> None:
    upstream.queue(Raw([b'{"id": "c", ', b'"choices": []}'], reset_after=1))
    response, _ = post(fast, chat_body())
    assert response.status_code == 502 and response.json()["error"]["code"] == "upstream_error"
    assert len(upstream.received) == 1
    record = audit_of(audit_log, response)
    assert record["action"] == "upstream_error"
    assert_healthy(fast, upstream)


@pytest.mark.parametrize("stream", [False, True])
def test_connection_refused(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, audit_log: AuditLog, stream: bool
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/v1"
    gateway = gateway_factory(
        base_urls={"openai": closed, "deepseek": upstream.base_url},
        idle_timeout_s=IDLE_S,
        deadline_s=DEADLINE_S,
    )
    response, elapsed = post(gateway, chat_body(stream=stream))
    assert response.status_code == 502 and response.json()["error"]["code"] == "upstream_error"
    assert response.headers["content-type"].startswith("application/json")
    assert elapsed < WELL_BEFORE_S  # two short jittered backoffs, then give up
    assert_audit(
        audit_of(audit_log, response), status=502, code="upstream_error", upstream_status=None, stream=stream
    )
    ok, _ = post(gateway, {**chat_body("other provider"), "model": "deepseek/deepseek-chat"})
    assert ok.status_code == 200


@pytest.mark.parametrize("stream", [False, True])
def test_connection_dropped_before_any_answer_is_retried_then_502(
    gateway_factory: Callable[..., Gateway],
    upstream: FakeUpstream,
    audit_log: AuditLog,
    dropping_server: DroppingServer,
    stream: bool,
) -> None:
    gateway = gateway_factory(
        base_urls={"openai": dropping_server.base_url, "deepseek": upstream.base_url},
        idle_timeout_s=IDLE_S,
        deadline_s=DEADLINE_S,
    )
    response, elapsed = post(gateway, chat_body(stream=stream))
    assert response.status_code == 502 and response.json()["error"]["code"] == "upstream_error"
    assert dropping_server.accepted == 3 and elapsed < WELL_BEFORE_S
    assert_audit(
        audit_of(audit_log, response), status=502, code="upstream_error", upstream_status=None, stream=stream
    )
