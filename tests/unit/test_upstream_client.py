"""The upstream client on its own: retries, backoff, Retry-After, the deadline, and what it reads.

httpx.MockTransport plays the provider; sleeping is injected and recorded, so every wait
is asserted exactly and no test waits for real.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from gateway.answers import Piece
from gateway.catalog import Catalog
from gateway.errors import (
    GatewayError,
    ProviderNotConfigured,
    UpstreamBadRequest,
    UpstreamError,
    UpstreamTimeout,
)
from gateway.secret_store import ProviderKeys, SecretReader
from gateway.settings import Settings
from gateway.upstream.client import UpstreamClient

BASE = "http://provider.test:8080/v1"
PAYLOAD = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
COMPLETION = {
    "id": "chatcmpl-p",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
}

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


class Provider:
    """Answers each request with the next scripted reply; records what it was sent."""

    def __init__(self, *replies: httpx.Response | Exception | Handler) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            result = reply(request)
            return await result if isinstance(result, Awaitable) else result
        return reply


def make_client(
    provider: Provider, *, keys: dict[str, str] | None = None, max_retries: int = 2
) -> tuple[UpstreamClient, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    settings = Settings(base_urls={"openai": BASE, "xai": BASE}, local_echo=True, local_echo_url=BASE)
    reader = SecretReader(lambda: pytest.fail("no secret store here"), 60)  # type: ignore[arg-type, return-value]
    client = UpstreamClient(
        httpx.AsyncClient(transport=httpx.MockTransport(provider)),
        Catalog(settings),
        ProviderKeys(reader, None, {"openai": "sk-test"} if keys is None else keys),
        max_retries=max_retries,
        idle_timeout_s=5,
        sanitize_message=lambda text: text.replace("secret", "[scrubbed]"),
        sleep=sleep,
        jitter=lambda: 0.5,
    )
    return client, slept


def spec(model: str = "openai/gpt-4o-mini") -> Any:
    found = Catalog(Settings(local_echo=True)).resolve(model)
    assert found is not None
    return found


def deadline(seconds: float = 30) -> float:
    return asyncio.get_running_loop().time() + seconds


def sse(*events: dict[str, Any] | str) -> httpx.Response:
    body = "".join(f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n" for e in events)
    return httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})


def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "c", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


async def collect(client: UpstreamClient, **kwargs: Any) -> list[Piece]:
    stream = await client.stream(spec(), {**PAYLOAD, "stream": True}, deadline(), **kwargs)
    return [piece async for piece in stream.pieces]


# --------------------------------------------------------------------------- retries


async def test_retry_after_is_honoured_exactly_and_the_same_bytes_are_resent() -> None:
    provider = Provider(
        httpx.Response(429, headers={"retry-after": "0.2"}), httpx.Response(200, json=COMPLETION)
    )
    client, slept = make_client(provider)
    piece = await client.complete(spec(), PAYLOAD, deadline())
    assert piece.choices[0].content == "hello" and slept == [0.2]
    first, second = provider.requests
    assert first.content == second.content and first.headers["content-length"] == str(len(first.content))
    assert first.headers["authorization"] == "Bearer sk-test"


async def test_retry_after_as_an_http_date() -> None:
    later = email.utils.formatdate(time.time() + 3, usegmt=True)
    provider = Provider(
        httpx.Response(503, headers={"retry-after": later}), httpx.Response(200, json=COMPLETION)
    )
    client, slept = make_client(provider)
    await client.complete(spec(), PAYLOAD, deadline())
    assert len(slept) == 1 and 1 < slept[0] <= 3


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_retryable_statuses_back_off_with_jitter_then_fail(status: int) -> None:
    provider = Provider(httpx.Response(status, json={"error": {"message": "busy"}}))
    client, slept = make_client(provider)
    with pytest.raises(UpstreamError) as caught:
        await client.complete(spec(), PAYLOAD, deadline())
    # base 0.25 s doubling, jitter factor 0.5 + 0.5/2 = 0.75: two waits, three attempts
    assert slept == [0.1875, 0.375] and len(provider.requests) == 3
    assert caught.value.upstream_status == status


@pytest.mark.parametrize("status", [501, 505, 507])
async def test_other_5xx_are_not_retried(status: int) -> None:
    provider = Provider(httpx.Response(status))
    client, slept = make_client(provider)
    with pytest.raises(UpstreamError):
        await client.complete(spec(), PAYLOAD, deadline())
    assert slept == [] and len(provider.requests) == 1


async def test_a_wait_past_the_deadline_is_not_taken() -> None:
    provider = Provider(httpx.Response(429, headers={"retry-after": "60"}))
    client, slept = make_client(provider)
    with pytest.raises(UpstreamError, match="rate limiting"):
        await client.complete(spec(), PAYLOAD, deadline(10))
    assert slept == [] and len(provider.requests) == 1


async def test_connect_errors_are_retried_and_logged_with_host_and_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    provider = Provider(refused)
    client, slept = make_client(provider)
    caplog.set_level(logging.WARNING, logger="gateway")
    with pytest.raises(UpstreamError) as caught:
        await client.complete(spec(), PAYLOAD, deadline())
    assert len(provider.requests) == 3 and len(slept) == 2 and caught.value.upstream_status is None
    (line,) = [r.getMessage() for r in caplog.records if r.name == "gateway.upstream"]
    assert line == (
        "provider 'openai' at provider.test:8080 failed after 3 attempts:"
        " connection refused (ConnectionRefusedError via ConnectError)"
    )
    assert "hi" not in line and "sk-test" not in line


async def test_status_failures_are_logged_without_the_body(caplog: pytest.LogCaptureFixture) -> None:
    provider = Provider(
        httpx.Response(401, json={"error": {"message": "Incorrect API key provided: sk-te***"}})
    )
    client, _ = make_client(provider)
    caplog.set_level(logging.WARNING, logger="gateway")
    with pytest.raises(UpstreamError, match="refused the gateway's credentials"):
        await client.complete(spec(), PAYLOAD, deadline())
    assert [r.getMessage() for r in caplog.records if r.name == "gateway.upstream"] == [
        "provider 'openai' at provider.test:8080 failed: status 401"
    ]


async def test_retries_are_logged_at_debug_only(caplog: pytest.LogCaptureFixture) -> None:
    provider = Provider(httpx.Response(503), httpx.Response(200, json=COMPLETION))
    client, _ = make_client(provider)
    caplog.set_level(logging.DEBUG, logger="gateway")
    await client.complete(spec(), PAYLOAD, deadline())
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "gateway.upstream"] == [
        ("DEBUG", "provider 'openai': status 503; retrying in 0.19 s")
    ]


@pytest.mark.parametrize("status", [400, 404, 413, 422])
async def test_the_providers_rejection_is_passed_on_scrubbed_and_never_retried(status: int) -> None:
    provider = Provider(httpx.Response(status, json={"error": {"message": "too long; secret stuff"}}))
    client, slept = make_client(provider)
    with pytest.raises(UpstreamBadRequest) as caught:
        await client.complete(spec(), PAYLOAD, deadline())
    assert caught.value.message == "The provider rejected the request: too long; [scrubbed] stuff"
    assert slept == [] and len(provider.requests) == 1


# --------------------------------------------------------------------------- deadline and keys


async def test_a_provider_slower_than_the_deadline_is_a_timeout() -> None:
    async def never(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    client, slept = make_client(Provider(never))
    with pytest.raises(UpstreamTimeout):
        await client.complete(spec(), PAYLOAD, deadline(0.05))
    assert slept == []


async def test_a_missing_key_says_where_to_put_one_and_tells_sdks_not_to_retry() -> None:
    provider = Provider(httpx.Response(200, json=COMPLETION))
    client, _ = make_client(provider)
    with pytest.raises(ProviderNotConfigured) as caught:
        await client.complete(spec("xai/grok-beta"), PAYLOAD, deadline())
    assert "providers secret (GATEWAY_PROVIDERS_SECRET)" in caught.value.message
    assert "export XAI_API_KEY" in caught.value.message
    assert caught.value.headers == {"x-should-retry": "false"} and provider.requests == []
    assert not await client.can_answer(spec("xai/grok-beta"))
    assert await client.can_answer(spec("openai/gpt-4o-mini"))
    assert await client.can_answer(spec("local/echo"))  # needs no key


async def test_the_local_provider_is_called_without_a_key() -> None:
    provider = Provider(httpx.Response(200, json=COMPLETION))
    client, _ = make_client(provider, keys={})
    await client.complete(spec("local/echo"), PAYLOAD, deadline())
    assert "authorization" not in provider.requests[0].headers


# --------------------------------------------------------------------------- reading answers


@pytest.mark.parametrize(
    "body",
    [b"<html>502</html>", b"null", b'{"choices": 5}', b'{"choices": [{"message": {"tool_calls": 5}}]}'],
)
async def test_a_whole_answer_that_is_not_a_completion_is_a_502_with_the_providers_status(
    body: bytes,
) -> None:
    client, _ = make_client(Provider(httpx.Response(200, content=body)))
    with pytest.raises(UpstreamError) as caught:
        await client.complete(spec(), PAYLOAD, deadline())
    assert caught.value.upstream_status == 200


async def test_a_stream_is_read_into_pieces_of_known_fields_only() -> None:
    provider = Provider(
        sse(
            chunk({"role": "assistant", "content": "", "x_vendor": "drop me"}),
            chunk({"content": "Hel", "reasoning_content": "hmm"}),
            chunk(
                {"tool_calls": [{"index": 0, "id": "call_p", "function": {"name": "f", "arguments": "{}"}}]}
            ),
            chunk({}, "tool_calls"),
            {"id": "c", "choices": [], "usage": {"total_tokens": 9, "cost": "$0.01"}},
            "[DONE]",
        )
    )
    client, _ = make_client(provider)
    pieces = await collect(client)
    assert [p.choices[0].content for p in pieces[:2]] == ["", "Hel"]
    assert pieces[0].choices[0].role and pieces[1].choices[0].reasoning == "hmm"
    (call,) = pieces[2].choices[0].tool_calls
    assert (call.id, call.name, call.arguments) == ("call_p", "f", "{}")
    assert pieces[3].choices[0].finish_reason == "tool_calls"
    assert pieces[4].choices == [] and pieces[4].usage is not None
    assert pieces[4].usage.as_dict() == {"total_tokens": 9}


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ((chunk({"content": "a"}),), "ended before it was complete"),
        (("{not json",), "malformed stream event"),
        (('{"error": {"message": "overloaded"}}',), "reported an error"),
        (({"choices": [{"delta": "text"}]},), "wrong shape"),
    ],
)
async def test_broken_streams_raise_our_own_message(events: tuple[Any, ...], message: str) -> None:
    client, _ = make_client(Provider(sse(*events)))
    with pytest.raises(GatewayError, match=message) as caught:
        await collect(client)
    assert "overloaded" not in caught.value.message


async def test_a_stream_request_answered_with_json_is_an_error() -> None:
    client, _ = make_client(Provider(httpx.Response(200, json=COMPLETION)))
    with pytest.raises(UpstreamError, match="event stream"):
        await client.stream(spec(), {**PAYLOAD, "stream": True}, deadline())
