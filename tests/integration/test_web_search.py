"""The web_search tool loop through the app: fake provider scripted to call the tool,
fake search APIs on loopback, assertions on what each of them received."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from gateway.pipeline.search_call import SEARCH_PERSONA_HINT, TOOL_NAME
from tests.conftest import Gateway
from tests.fakes.search_backends import FakeBrave, FakeSearxng, FakeTavily, Json
from tests.fakes.upstream import FakeUpstream, Reply, Stream
from tests.helpers import answer_text, chat_body, frames_of, post_chat, text_of

EMAIL = "jane.doe@example.org"
AWS_KEY = "AKIA" + "Q3EGT5WZ7XKPLM2N"


def call(query: Any, call_id: str = "call_1") -> dict[str, Any]:
    arguments = json.dumps({"query": query}) if not isinstance(query, bytes) else query.decode()
    return {"id": call_id, "type": "function", "function": {"name": TOOL_NAME, "arguments": arguments}}


@pytest.fixture
def searxng_gateway(gateway_factory: Callable[..., Gateway], fake_searxng: FakeSearxng) -> Gateway:
    return gateway_factory(search_backend="searxng", search_url=fake_searxng.url)


def test_non_streaming_round_trip(
    searxng_gateway: Gateway, upstream: FakeUpstream, fake_searxng: FakeSearxng
) -> None:
    upstream.queue(
        Reply(content="", tool_calls=[call("python release date")]), Reply(content="Python 3.13 [1].")
    )
    response = post_chat(searxng_gateway, chat_body("When was Python released?"))
    body = response.json()
    assert response.status_code == 200 and response.headers["x-gateway-web-search"] == "on"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "Python 3.13 [1]."}
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["usage"] == {"prompt_tokens": 10, "completion_tokens": 14, "total_tokens": 24}  # two rounds

    assert [r.query for r in fake_searxng.received] == [[("q", "python release date"), ("format", "json")]]
    first, second = (r.json for r in upstream.received)
    assert first["tools"][0]["function"]["name"] == TOOL_NAME and first["tool_choice"] == "auto"
    assert SEARCH_PERSONA_HINT.strip() in first["messages"][0]["content"]
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_1"
    assert "https://www.python.org/" in tool_message["content"]
    assert second["messages"][-2]["tool_calls"][0]["function"]["name"] == TOOL_NAME
    record = searxng_gateway.audit.records()[-1]
    assert record["web_searches"] == 1 and record["total_tokens"] == 24


def test_streaming_hides_tool_traffic(searxng_gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(
        Stream(pieces=["Let me look that up. "], tool_calls=[call("python"), call("pypi", "call_2")]),
        Stream(pieces=["Python ", "is great."]),
    )
    response = post_chat(
        searxng_gateway,
        chat_body("Tell me about Python", stream=True, stream_options={"include_usage": True}),
    )
    frames = frames_of(response.text)
    assert text_of(frames) == "Let me look that up. Python is great."
    assert "tool_calls" not in response.text and TOOL_NAME not in response.text
    chunks = frames[:-1]
    finishes = [c["finish_reason"] for f in chunks for c in f.get("choices", []) if c["finish_reason"]]
    assert finishes == ["stop"]
    roles = [c["delta"]["role"] for f in chunks for c in f.get("choices", []) if "role" in c["delta"]]
    assert roles == ["assistant"]
    assert chunks[-1]["usage"]["total_tokens"] == 16 and frames[-1] == "[DONE]"
    second = upstream.received[1].json["messages"]
    assert [m["role"] for m in second[-3:]] == ["assistant", "tool", "tool"]
    assert second[-3]["tool_calls"][1]["function"]["arguments"] == json.dumps({"query": "pypi"})
    assert searxng_gateway.audit.records()[-1]["web_searches"] == 2


@pytest.mark.parametrize("stream", [False, True])
def test_rounds_are_capped(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, fake_searxng: FakeSearxng, stream: bool
) -> None:
    gateway = gateway_factory(search_backend="searxng", search_url=fake_searxng.url, web_search_max_rounds=2)
    endless = (
        Stream(pieces=[""], tool_calls=[call("again")])
        if stream
        else Reply(content="", tool_calls=[call("again")])
    )
    upstream.queue(endless, endless, Stream(pieces=["done"]) if stream else Reply(content="done"))
    response = post_chat(gateway, chat_body("loop forever", stream=stream))
    answer = answer_text(response)
    assert answer == "done"
    assert len(upstream.received) == 3 and len(fake_searxng.received) == 2
    assert "tools" not in upstream.received[2].json  # the last call must answer


def test_malformed_arguments_and_failed_search(
    searxng_gateway: Gateway, upstream: FakeUpstream, fake_searxng: FakeSearxng
) -> None:
    fake_searxng.queue(Json({"error": "boom"}, status=500))
    upstream.queue(
        Reply(content="", tool_calls=[call(b"{not json", "bad"), call("python", "good")]),
        Reply(content="ok"),
    )
    response = post_chat(searxng_gateway, chat_body("hi"))
    assert response.status_code == 200
    tools = {
        m["tool_call_id"]: m["content"] for m in upstream.received[1].json["messages"] if m["role"] == "tool"
    }
    assert "invalid arguments" in tools["bad"] and "failed" in tools["good"]


def test_placeholders_are_never_restored_in_queries(
    searxng_gateway: Gateway, upstream: FakeUpstream, fake_searxng: FakeSearxng
) -> None:
    upstream.queue(
        Reply(content="", tool_calls=[call(f"who is [REDACTED_EMAIL_1] key {AWS_KEY}")]), Reply(content="ok")
    )
    response = post_chat(searxng_gateway, chat_body(f"Who owns {EMAIL}?", pii="obfuscate"))
    assert response.status_code == 200
    query = dict(fake_searxng.received[0].query)["q"]
    assert "[REDACTED_EMAIL_1]" in query and EMAIL not in query and AWS_KEY not in query
    assert EMAIL not in b"".join(r.body for r in upstream.received).decode()


def test_foreign_values_in_results_are_scrubbed(
    searxng_gateway: Gateway, upstream: FakeUpstream, fake_searxng: FakeSearxng
) -> None:
    fake_searxng.queue(
        Json(
            {
                "results": [
                    {
                        "title": "leak",
                        "url": "https://x.example/",
                        "content": f"mail bob@corp.example key {AWS_KEY}",
                    }
                ]
            }
        )
    )
    upstream.queue(Reply(content="", tool_calls=[call("x")]), Reply(content="ok"))
    post_chat(searxng_gateway, chat_body("hi", pii="obfuscate"))
    sent = upstream.received[1].body.decode()
    assert AWS_KEY not in sent and "bob@corp.example" not in sent and "https://x.example/" in sent


def test_default_resolution(searxng_gateway: Gateway, upstream: FakeUpstream) -> None:
    cases = [
        ({}, "on"),
        ({"web_search": False}, "off"),
        ({"system": "You are terse."}, "off"),
        ({"system": "You are terse.", "web_search": True}, "on"),
        (
            {
                "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
                "web_search": True,
            },
            "off",
        ),
    ]
    for extra, expected in cases:
        upstream.reset()
        response = post_chat(searxng_gateway, chat_body("hi", **extra))
        assert response.headers["x-gateway-web-search"] == expected, extra
        tools = upstream.received[0].json.get("tools") or []
        assert (TOOL_NAME in json.dumps(tools)) == (expected == "on"), extra


def test_unavailable_without_a_backend(gateway: Gateway, upstream: FakeUpstream) -> None:
    response = post_chat(gateway, chat_body("hi"))
    assert response.headers["x-gateway-web-search"] == "unavailable"
    assert "tools" not in upstream.received[0].json


def test_reasoner_searches_up_front(
    searxng_gateway: Gateway, upstream: FakeUpstream, fake_searxng: FakeSearxng
) -> None:
    upstream.queue(Reply(content="answer"))
    response = post_chat(
        searxng_gateway, chat_body("latest python version", model="deepseek/deepseek-reasoner")
    )
    assert response.json()["choices"][0]["message"]["content"] == "answer"
    assert dict(fake_searxng.received[0].query)["q"] == "latest python version"
    sent = upstream.received[0].json
    assert "tools" not in sent and len(upstream.received) == 1
    assert sent["messages"][-2]["role"] == "system" and "python.org" in sent["messages"][-2]["content"]


@pytest.mark.parametrize("backend", ["tavily", "brave"])
def test_keyed_backends_take_their_key_from_the_secret(
    gateway_factory: Callable[..., Gateway],
    upstream: FakeUpstream,
    fake_tavily: FakeTavily,
    fake_brave: FakeBrave,
    backend: str,
) -> None:
    fake = fake_tavily if backend == "tavily" else fake_brave
    gateway = gateway_factory(search_backend=backend, search_url=fake.url)
    secret = {"openai": "sk-fake-openai-provider-key", backend: f"{backend}-key-123"}
    gateway.aws.secretsmanager.put_secret_value(
        SecretId=gateway.settings.providers_secret, SecretString=json.dumps(secret)
    )
    upstream.queue(Reply(content="", tool_calls=[call("python")]), Reply(content="ok"))
    assert post_chat(gateway, chat_body("hi")).status_code == 200
    request = fake.received[0]
    if backend == "tavily":
        assert (
            request.headers["authorization"] == "Bearer tavily-key-123" and request.json["query"] == "python"
        )
    else:
        assert request.headers["x-subscription-token"] == "brave-key-123"
        assert dict(request.query)["q"] == "python"
