"""One assertion routine for every door, so the rows of expectations.py mean the same everywhere."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from samharness.fake_upstream import FIRST_TEXT, REPLY_TEXT, SECOND_TEXT

UPSTREAM_MODEL = "gpt-4o-mini"


def check_response(
    *,
    name: str,
    expect: Any,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    upstream_calls: list[Any],
    provider_key: str,
) -> None:
    where = f"{name}: "
    headers = {k.lower(): v for k, v in headers.items()}
    assert status == expect.status, f"{where}status {status}, expected {expect.status}: {body[:500]!r}"
    assert headers.get("x-request-id"), f"{where}no x-request-id header"
    if expect.upstream:
        assert len(upstream_calls) == 1, f"{where}{len(upstream_calls)} upstream calls, expected 1"
        call = upstream_calls[0]
        assert call.path.endswith("/chat/completions"), f"{where}upstream path {call.path}"
        assert call.authorization == f"Bearer {provider_key}", (
            f"{where}upstream did not get the provider key from the providers secret"
        )
        assert call.body.get("model") == UPSTREAM_MODEL, f"{where}upstream model {call.body.get('model')}"
    else:
        assert not upstream_calls, f"{where}must not reach the upstream, but it did"

    if expect.chat == "sse":
        assert headers.get("content-type", "").startswith("text/event-stream"), f"{where}{headers}"
        text = body.decode()
        events = [block for block in text.split("\n\n") if block.strip()]
        assert events and all(e.startswith("data: ") for e in events), f"{where}not SSE: {text[:300]!r}"
        assert events[-1] == "data: [DONE]", f"{where}stream does not end in [DONE]: {events[-1]!r}"
        chunks = [json.loads(e[len("data: ") :]) for e in events[:-1]]
        assert not any("error" in c for c in chunks), f"{where}error event in stream: {chunks}"
        content = "".join(
            (choice.get("delta") or {}).get("content") or ""
            for c in chunks
            for choice in c.get("choices", [])
        )
        assert content == FIRST_TEXT + SECOND_TEXT, f"{where}streamed content differs: {content!r}"
        assert all(c.get("model") == "openai/gpt-4o-mini" for c in chunks), f"{where}public model id not used"
        # The events ask for include_usage: exactly one usage chunk, with empty choices.
        usage = [c for c in chunks if c.get("usage")]
        assert len(usage) == 1 and usage[0]["choices"] == [], f"{where}usage chunks: {usage}"
        return

    assert headers.get("content-type", "").startswith("application/json"), f"{where}{headers}"
    data = json.loads(body)
    if expect.error:
        error = data.get("error")
        assert isinstance(error, dict), f"{where}not an OpenAI error body: {data}"
        assert set(error) >= {"message", "type", "param", "code"}, f"{where}error fields: {error}"
        assert error["code"] == expect.error, f"{where}error code {error['code']}, expected {expect.error}"
        assert "detail" not in data, f"{where}FastAPI's own error shape leaked: {data}"
    for key, value in expect.fields.items():
        assert data.get(key) == value, f"{where}{key}={data.get(key)!r}, expected {value!r}"
    if expect.lists:
        ids = {m["id"] for m in data["data"]}
        assert set(expect.lists) <= ids, f"{where}listed {sorted(ids)}"
    if expect.chat == "json":
        assert data["object"] == "chat.completion", f"{where}{data}"
        assert data["model"] == "openai/gpt-4o-mini", f"{where}public model id not used: {data['model']}"
        assert data["choices"][0]["message"]["content"] == REPLY_TEXT, f"{where}{data}"
        assert data["usage"]["total_tokens"] == 13, f"{where}{data.get('usage')}"


def proxy_body(response: Mapping[str, Any]) -> bytes:
    """The body of an API Gateway proxy result (what Mangum returns)."""
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


def proxy_headers(response: Mapping[str, Any]) -> dict[str, str]:
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    for key, values in (response.get("multiValueHeaders") or {}).items():
        headers.setdefault(key.lower(), ", ".join(values))
    return headers
