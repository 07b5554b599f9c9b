"""Routes, auth and request validation through a real uvicorn server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from dev.aws import BlockingKeyStore
from gateway.keys.format import generate_key
from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream
from tests.helpers import error_of

CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def test_health_needs_no_key(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.url}/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["x-request-id"].startswith("req_")


@pytest.mark.parametrize("prefix", ["/api/v1", "/v1"])
def test_models_list_in_openai_shape(gateway: Gateway, prefix: str) -> None:
    response = httpx.get(f"{gateway.url}{prefix}/models", headers=gateway.headers())
    body = response.json()
    assert response.status_code == 200 and body["object"] == "list"
    ids = [m["id"] for m in body["data"]]
    assert ids == [
        "openai/gpt-4o-mini",
        "openai/gpt-4o",
        "google/gemini-2.0-flash-exp",
        "xai/grok-beta",
        "deepseek/deepseek-chat",
        "deepseek/deepseek-reasoner",
        "anthropic/claude-opus-5",
        "anthropic/claude-sonnet-5",
        "anthropic/claude-haiku-4-5",
        "bedrock/claude-sonnet-4-6",
        "bedrock/claude-opus-4-6",
        "bedrock/claude-haiku-4-5",
        "bedrock/nova-2-lite",
    ]
    assert all(m["object"] == "model" and m["owned_by"] for m in body["data"])


@pytest.mark.parametrize("path", ["openai/gpt-4o", "openai%2Fgpt-4o", "openai%2fgpt-4o"])
def test_model_ids_with_a_slash_raw_or_encoded(gateway: Gateway, path: str) -> None:
    response = httpx.get(f"{gateway.api}/models/{path}", headers=gateway.headers())
    assert response.status_code == 200
    assert response.json() == {
        "id": "openai/gpt-4o",
        "object": "model",
        "created": 1700000000,
        "owned_by": "openai",
        "web_search": False,  # no search backend configured here
    }


def test_grok_alias_resolves(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.api}/models/grok/grok-beta", headers=gateway.headers())
    assert response.json()["id"] == "xai/grok-beta"


def test_unknown_model(gateway: Gateway, upstream: FakeUpstream) -> None:
    response = httpx.get(f"{gateway.api}/models/acme/nope", headers=gateway.headers())
    assert response.status_code == 404 and error_of(response)["code"] == "model_not_found"
    response = httpx.post(
        f"{gateway.api}/chat/completions", headers=gateway.headers(), json={**CHAT, "model": "acme/nope"}
    )
    error = error_of(response)
    assert response.status_code == 404 and error["code"] == "model_not_found" and error["param"] == "model"
    assert "acme" not in error["message"]
    assert upstream.received == []


def test_unknown_route_and_wrong_method(gateway: Gateway) -> None:
    response = httpx.get(f"{gateway.api}/nothing-here", headers=gateway.headers())
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    response = httpx.get(f"{gateway.api}/chat/completions", headers=gateway.headers())
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"


def test_docs_only_in_dev(gateway_factory: Callable[..., Gateway]) -> None:
    assert httpx.get(f"{gateway_factory().url}/docs").status_code == 200
    prod = gateway_factory(env="prod")
    assert httpx.get(f"{prod.url}/docs").status_code == 404
    assert httpx.get(f"{prod.url}/openapi.json").status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Basic abc",
        "Bearer sk-not-ours",
        "Bearer sgw-fedcba987654-" + "Q" * 43,
        "Bearer sgw-0123456789ab-" + "A" * 43,
    ],
)
def test_bad_keys_get_401_and_no_upstream_call(
    gateway: Gateway, upstream: FakeUpstream, authorization: str | None
) -> None:
    headers = {"authorization": authorization} if authorization is not None else {}
    for method, path in (("GET", "/models"), ("POST", "/chat/completions")):
        response = httpx.request(method, f"{gateway.api}{path}", headers=headers, json=CHAT)
        error = error_of(response)
        assert response.status_code == 401 and error["type"] == "authentication_error"
        assert error["code"] == "invalid_api_key"
        presented = (authorization or "").removeprefix("Bearer ").removeprefix("Basic ")
        if len(presented) > 6:  # the presented key is never echoed back
            assert presented not in response.text
    assert upstream.received == []


def test_revoked_key_stops_at_once_even_while_cached(gateway: Gateway, upstream: FakeUpstream) -> None:
    url = f"{gateway.api}/chat/completions"
    assert httpx.post(url, headers=gateway.headers(), json=CHAT).status_code == 200
    store = BlockingKeyStore(gateway.aws.access, gateway.settings.keys_table)
    key_id = gateway.api_key.split("-")[1]
    assert store.revoke(key_id)
    response = httpx.post(url, headers=gateway.headers(), json=CHAT)
    assert response.status_code == 401 and error_of(response)["code"] == "invalid_api_key"
    assert len(upstream.received) == 1


def test_usage_is_counted_before_the_upstream_call(gateway: Gateway, upstream: FakeUpstream) -> None:
    store = BlockingKeyStore(gateway.aws.access, gateway.settings.keys_table)
    key_id = gateway.api_key.split("-")[1]
    for _ in range(3):
        httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(), json=CHAT)
    record = store.get(key_id)
    assert record is not None and record.request_count == 3 and record.last_used_at is not None


def test_key_restricted_to_models(gateway: Gateway, upstream: FakeUpstream) -> None:
    store = BlockingKeyStore(gateway.aws.access, gateway.settings.keys_table)
    key = generate_key()
    store.put(key, name="narrow", models=("openai/gpt-4o-mini",))
    listed = httpx.get(f"{gateway.api}/models", headers=gateway.headers(key.plaintext)).json()
    assert [m["id"] for m in listed["data"]] == ["openai/gpt-4o-mini"]
    response = httpx.post(
        f"{gateway.api}/chat/completions",
        headers=gateway.headers(key.plaintext),
        json={**CHAT, "model": "openai/gpt-4o"},
    )
    assert response.status_code == 403 and error_of(response)["code"] == "model_not_allowed"
    assert upstream.received == []


def test_expired_key(gateway: Gateway) -> None:
    store = BlockingKeyStore(gateway.aws.access, gateway.settings.keys_table)
    key = generate_key()
    store.put(key, name="old", expires_at=1)
    response = httpx.get(f"{gateway.api}/models", headers=gateway.headers(key.plaintext))
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (b"{not json", None),
        (b"", None),
        (b"[1, 2]", None),
        (b'{"messages": [{"role": "user", "content": "hi"}]}', "model"),
        (b'{"model": "openai/gpt-4o-mini"}', "messages"),
        (b'{"model": "openai/gpt-4o-mini", "messages": []}', "messages"),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "wizard", "content": "hi"}]}',
            "messages[0].role",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": 5}]}',
            "messages[0].content",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "temperature": 3}',
            "temperature",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "pii": "lenient"}',
            "pii",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "web_search": "yes"}',
            "web_search",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "stream": "often"}',
            "stream",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 0}',
            "max_tokens",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "system": 7}',
            "system",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "stop": ["a","b","c","d","e"]}',
            "stop",
        ),
        (
            b'{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "'
            + b"\xff\xfe"
            + b'"}]}',
            None,
        ),
        (b'{"model": "x", "messages": ' + b"[" * 200 + b"]" * 200 + b"}", None),
    ],
)
def test_invalid_requests_get_openai_400s(
    gateway: Gateway, upstream: FakeUpstream, body: bytes, param: str | None
) -> None:
    response = httpx.post(
        f"{gateway.api}/chat/completions",
        headers={**gateway.headers(), "content-type": "application/json"},
        content=body,
    )
    error = error_of(response)
    assert response.status_code == 400, response.text
    assert error["type"] == "invalid_request_error" and error["code"] == "invalid_request"
    assert error["param"] == param
    assert upstream.received == []


def test_body_limit(gateway_factory: Callable[..., Gateway], upstream: FakeUpstream) -> None:
    gateway = gateway_factory(max_body_bytes=2048)
    big = {**CHAT, "messages": [{"role": "user", "content": "x" * 4096}]}
    response = httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(), json=big)
    assert response.status_code == 413 and error_of(response)["code"] == "request_too_large"

    def chunks() -> Any:  # no Content-Length: the limit must hold while reading
        for _ in range(8):
            yield b"x" * 1024

    response = httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(), content=chunks())
    assert response.status_code == 413
    assert upstream.received == []
