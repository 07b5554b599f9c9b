"""Audit records and EMF metrics, field by field, for each way a request can end."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream, Status, Stream

CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
FIELDS = {
    "request_id",
    "route",
    "time",
    "key_id",
    "workspace",
    "model",
    "provider",
    "stream",
    "pii_mode",
    "pii_found",
    "secrets_found",
    "redacted",
    "action",
    "error_code",
    "status",
    "upstream_status",
    "web_searches",
    "latency_ms",
    "first_byte_ms",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
}


def only_record(gateway: Gateway) -> dict[str, Any]:
    records = gateway.audit.records()
    assert len(records) == 1, records
    assert set(records[0]) == FIELDS
    return records[0]


def test_allowed_request(gateway: Gateway, upstream: FakeUpstream) -> None:
    response = httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(), json=CHAT)
    record = only_record(gateway)
    assert record["request_id"] == response.headers["x-request-id"]
    assert record["key_id"] == gateway.api_key.split("-")[1]
    assert (record["model"], record["provider"], record["stream"], record["pii_mode"]) == (
        "openai/gpt-4o-mini",
        "openai",
        False,
        "disabled",
    )
    assert (record["action"], record["status"], record["upstream_status"], record["error_code"]) == (
        "allowed",
        200,
        200,
        None,
    )
    assert (record["prompt_tokens"], record["completion_tokens"], record["total_tokens"]) == (5, 7, 12)
    assert record["latency_ms"] >= record["first_byte_ms"] >= 0
    assert record["time"].endswith("Z")
    metrics = gateway.audit.metrics()
    assert len(metrics) == 1
    emf = metrics[0]
    assert emf["action"] == "allowed" and emf["Requests"] == [1.0] and emf["Tokens"] == [12.0]
    assert emf["_aws"]["CloudWatchMetrics"][0]["Namespace"] == gateway.settings.metrics_namespace


def test_stream_record_is_written_before_done(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Stream(pieces=["a", "b"]))
    with httpx.stream(
        "POST", f"{gateway.api}/chat/completions", headers=gateway.headers(), json={**CHAT, "stream": True}
    ) as response:
        for line in response.iter_lines():
            if line == "data: [DONE]":
                # The record exists by the time the client sees [DONE].
                assert len(gateway.audit.records()) == 1
    record = only_record(gateway)
    assert record["stream"] is True and record["action"] == "allowed" and record["total_tokens"] == 8


def test_stream_failure_is_recorded(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Stream(pieces=["a", "b"], reset_after=1))
    httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(), json={**CHAT, "stream": True})
    record = only_record(gateway)
    assert record["action"] == "upstream_error" and record["error_code"] == "upstream_error"


def test_refusals_are_recorded(gateway: Gateway, upstream: FakeUpstream) -> None:
    url = f"{gateway.api}/chat/completions"
    httpx.post(url, headers={"authorization": "Bearer nope"}, json=CHAT)
    httpx.post(url, headers=gateway.headers(), content=b"{bad")
    upstream.queue(Status(503), Status(503), Status(503))
    httpx.post(url, headers=gateway.headers(), json=CHAT)
    records = gateway.audit.records()
    assert [(r["action"], r["status"], r["error_code"]) for r in records] == [
        ("unauthenticated", 401, "invalid_api_key"),
        ("invalid_request", 400, "invalid_request"),
        ("upstream_error", 502, "upstream_error"),
    ]
    assert records[0]["key_id"] is None and records[2]["upstream_status"] == 503
    assert all(m["Blocked"] == [1.0] for m in gateway.audit.metrics())
