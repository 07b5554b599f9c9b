"""Every route reaches every provider API (issue 15): chat completions, Anthropic Messages and
OpenAI Responses in; OpenAI-compatible, Anthropic Messages and Bedrock Converse out, through the
fake provider speaking each wire. What left the gateway and what came back are asserted on bytes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import PROVIDER_KEYS, Gateway
from tests.fakes.upstream import FakeUpstream, Reply, Stream
from tests.helpers import ROUTES, events_of, post_route, route_body, route_error, route_text

PROVIDER_MODELS = {
    "openai": "openai/gpt-4o-mini",
    "anthropic": "anthropic/claude-haiku-4-5",
    "bedrock": "bedrock/claude-haiku-4-5",
}
EMAIL = "jane.roe@example.com"


def sent(upstream: FakeUpstream) -> dict[str, Any]:
    return upstream.received[-1].json


def sent_texts(provider: str, body: dict[str, Any]) -> str:
    """Every text the provider was sent, in its own wire's shape."""
    if provider == "openai":
        return json.dumps(body["messages"])
    return json.dumps([body["messages"], body.get("system")])


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("provider", sorted(PROVIDER_MODELS))
@pytest.mark.parametrize("route", ROUTES)
def test_masked_out_restored_back_on_every_route_and_provider(
    gateway: Gateway, upstream: FakeUpstream, route: str, provider: str, stream: bool
) -> None:
    body = route_body(route, f"mail {EMAIL} please", stream=stream, model=PROVIDER_MODELS[provider])
    response = post_route(gateway, route, {**body, "pii": "obfuscate"})
    assert response.status_code == 200, response.text
    assert response.headers["x-gateway-pii-masked"] == "EMAIL=1"
    provider_saw = sent_texts(provider, sent(upstream))
    assert EMAIL not in provider_saw and "[REDACTED_EMAIL_1]" in provider_saw
    # The fake echoes the placeholder; the caller gets their own value back, in their format.
    assert route_text(route, response) == f"echo: mail {EMAIL} please"


@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_provider_wire(gateway: Gateway, upstream: FakeUpstream, stream: bool) -> None:
    body = {
        "model": "anthropic/claude-sonnet-5",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
        "stop": ["END"],
        "user": "u-1",
        "seed": 7,
        "stream": stream,
    }
    response = post_route(gateway, "chat", body)
    assert response.status_code == 200
    received = upstream.received[-1]
    assert received.path == "/anthropic/v1/messages"
    assert received.headers["x-api-key"] == PROVIDER_KEYS["anthropic"]
    assert received.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in received.headers
    out = received.json
    assert out["model"] == "claude-sonnet-5" and out["max_tokens"] == 8192
    assert out["system"] == [{"type": "text", "text": "Be brief."}]
    assert out["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    assert out["stop_sequences"] == ["END"] and out["metadata"] == {"user_id": "u-1"}
    # The catalog's facts for Claude 5: no sampling parameters, thinking switched off; no seed.
    assert "temperature" not in out and "seed" not in out and out["thinking"] == {"type": "disabled"}
    assert out.get("stream", False) is stream


@pytest.mark.parametrize("stream", [False, True])
def test_bedrock_provider_wire(gateway: Gateway, upstream: FakeUpstream, stream: bool) -> None:
    body = route_body("chat", "hi", stream=stream, model="bedrock/claude-haiku-4-5", temperature=1.5)
    response = post_route(gateway, "chat", {**body, "max_tokens": 99})
    assert response.status_code == 200
    received = upstream.received[-1]
    action = "converse-stream" if stream else "converse"
    assert received.path == f"/bedrock/model/global.anthropic.claude-haiku-4-5-20251001-v1:0/{action}"
    assert received.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    assert "/bedrock/aws4_request" in received.headers["authorization"]
    assert "x-amz-date" in received.headers
    out = received.json
    assert out["messages"][-1] == {"role": "user", "content": [{"text": "hi"}]}
    assert out["system"][0]["text"].startswith("You are a helpful assistant")
    assert out["inferenceConfig"] == {"maxTokens": 99, "temperature": 1.0}
    assert "model" not in out and "stream" not in out


TOOLS_HISTORY = {
    "messages": {
        "model": "bedrock/claude-haiku-4-5",
        "max_tokens": 100,
        "system": [{"type": "text", "text": "Use tools."}],
        "tools": [{"name": "weather", "description": "w", "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "hmm", "signature": "s"},
                    {"type": "text", "text": "Let me look."},
                    {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Paris"}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"},
                    {"type": "text", "text": "and tomorrow?"},
                ],
            },
        ],
    },
    "responses": {
        "model": "bedrock/claude-haiku-4-5",
        "instructions": "Use tools.",
        "tools": [
            {"type": "function", "name": "weather", "description": "w", "parameters": {"type": "object"}}
        ],
        "input": [
            {"role": "user", "content": "weather?"},
            {"type": "reasoning", "id": "rs_1", "summary": []},
            {
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Let me look."}],
            },
            {
                "type": "function_call",
                "call_id": "toolu_1",
                "name": "weather",
                "arguments": '{"city": "Paris"}',
            },
            {"type": "function_call_output", "call_id": "toolu_1", "output": "sunny"},
            {"role": "user", "content": [{"type": "input_text", "text": "and tomorrow?"}]},
        ],
    },
}


@pytest.mark.parametrize("route", sorted(TOOLS_HISTORY))
def test_tool_history_reaches_bedrock_as_converse_blocks(
    gateway: Gateway, upstream: FakeUpstream, route: str
) -> None:
    response = post_route(gateway, route, TOOLS_HISTORY[route])
    assert response.status_code == 200, response.text
    out = sent(upstream)
    assert out["system"] == [{"text": "Use tools."}]
    assert out["toolConfig"]["tools"][0]["toolSpec"]["name"] == "weather"
    assert out["messages"] == [
        {"role": "user", "content": [{"text": "weather?"}]},
        {
            "role": "assistant",
            "content": [
                {"text": "Let me look."},
                {"toolUse": {"toolUseId": "toolu_1", "name": "weather", "input": {"city": "Paris"}}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"toolResult": {"toolUseId": "toolu_1", "content": [{"text": "sunny"}]}},
                {"text": "and tomorrow?"},
            ],
        },
    ]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("provider", sorted(PROVIDER_MODELS))
def test_tool_calls_come_back_in_each_format(
    gateway: Gateway, upstream: FakeUpstream, provider: str, stream: bool
) -> None:
    call = {
        "id": "prov_1",
        "type": "function",
        "function": {"name": "weather", "arguments": '{"city": "Paris"}'},
    }
    upstream.queue(Reply(content="", tool_calls=[call]), Reply(content="", tool_calls=[call]))
    model = PROVIDER_MODELS[provider]
    message = post_route(gateway, "messages", route_body("messages", "weather?", stream=stream, model=model))
    response = post_route(
        gateway, "responses", route_body("responses", "weather?", stream=stream, model=model)
    )
    if stream:
        events = events_of(message.text)
        starts = [e["content_block"] for e in events if e["type"] == "content_block_start"]
        tool = next(b for b in starts if b["type"] == "tool_use")
        deltas = [e["delta"].get("partial_json", "") for e in events if e["type"] == "content_block_delta"]
        assert json.loads("".join(deltas)) == {"city": "Paris"}
        assert next(e for e in events if e["type"] == "message_delta")["delta"]["stop_reason"] == "tool_use"
        done = next(e for e in events_of(response.text) if e["type"] == "response.completed")["response"]
    else:
        tool = next(b for b in message.json()["content"] if b["type"] == "tool_use")
        assert tool["input"] == {"city": "Paris"} and message.json()["stop_reason"] == "tool_use"
        done = response.json()
    assert tool["name"] == "weather" and tool["id"].startswith("toolu_") and tool["id"] != "prov_1"
    item = next(i for i in done["output"] if i["type"] == "function_call")
    assert item["name"] == "weather" and json.loads(item["arguments"]) == {"city": "Paris"}
    assert item["call_id"].startswith("call_") and item["id"].startswith("fc_")


@pytest.mark.parametrize("route", ["messages", "responses"])
def test_usage_and_audit_on_the_new_routes(gateway: Gateway, upstream: FakeUpstream, route: str) -> None:
    upstream.queue(Stream(pieces=["a", "b"]))
    response = post_route(
        gateway, route, route_body(route, "hi", stream=True, model=PROVIDER_MODELS["anthropic"])
    )
    events = events_of(response.text)
    if route == "messages":
        assert [e["type"] for e in events][:2] == ["message_start", "ping"]
        assert events[-2]["usage"] == {"input_tokens": 5, "output_tokens": 3}
        assert events[-1]["type"] == "message_stop"
    else:
        assert [e["type"] for e in events][:2] == ["response.created", "response.in_progress"]
        assert events[-1]["response"]["usage"]["total_tokens"] == 8
        assert [e["sequence_number"] for e in events] == list(range(len(events)))
    record = gateway.audit.records()[-1]
    assert record["route"].endswith(f"/{route}") and record["total_tokens"] == 8
    assert record["model"] == PROVIDER_MODELS["anthropic"] and record["action"] == "allowed"


def test_stateless_only_on_responses(gateway: Gateway, upstream: FakeUpstream) -> None:
    for field, value in [
        ("previous_response_id", "resp_1"),
        ("store", True),
        ("conversation", "c"),
        ("background", True),
    ]:
        response = post_route(gateway, "responses", {**route_body("responses", "hi"), field: value})
        error = route_error("responses", response)
        assert (
            response.status_code == 400
            and error["param"] == field
            and "stores no responses" in error["message"]
        )
    item = {"type": "item_reference", "id": "msg_1"}
    response = post_route(gateway, "responses", route_body("responses", [item]))
    assert response.status_code == 400 and route_error("responses", response)["param"] == "input[0].type"
    ok = post_route(gateway, "responses", {**route_body("responses", "hi"), "store": False})
    assert ok.status_code == 200
    assert len(upstream.received) == 1


def test_messages_auth_and_error_shape(gateway: Gateway, upstream: FakeUpstream) -> None:
    body = route_body("messages", "hi")
    by_x_api_key = httpx.post(
        f"{gateway.api}/messages",
        headers={"x-api-key": gateway.api_key, "anthropic-version": "2023-06-01", "anthropic-beta": "x"},
        json=body,
    )
    assert by_x_api_key.status_code == 200 and by_x_api_key.json()["type"] == "message"
    refused = httpx.post(f"{gateway.api}/messages", headers={"x-api-key": "sgw-nope"}, json=body)
    error = route_error("messages", refused)
    assert refused.status_code == 401 and error["type"] == "authentication_error"
    missing = post_route(gateway, "messages", {**body, "model": "acme/none"})
    assert missing.status_code == 404 and route_error("messages", missing)["type"] == "not_found_error"
    blocks = [{"type": "document", "source": {"type": "text", "data": "x"}}]
    bad = post_route(gateway, "messages", route_body("messages", blocks))
    error = route_error("messages", bad)
    assert bad.status_code == 400 and error["param"] == "messages[0].content[0].type"
    secret = post_route(gateway, "messages", route_body("messages", "key AKIA" + "Q3EGT5WZ7XKPLM2N"))
    assert route_error("messages", secret)["code"] == "secret_detected"
    assert "anthropic-beta" not in json.dumps([r.headers for r in upstream.received])


def test_count_tokens_never_leaves(gateway: Gateway, upstream: FakeUpstream) -> None:
    body = route_body("messages", "x" * 400, model="claude-haiku-4-5")
    response = httpx.post(f"{gateway.api}/messages/count_tokens", headers=gateway.headers(), json=body)
    assert response.status_code == 200 and response.json() == {"input_tokens": 100}
    assert upstream.received == []


def test_models_list_the_new_providers(gateway: Gateway) -> None:
    ids = [m["id"] for m in httpx.get(f"{gateway.api}/models", headers=gateway.headers()).json()["data"]]
    assert {"anthropic/claude-sonnet-5", "anthropic/claude-haiku-4-5", "bedrock/claude-sonnet-4-6"} <= set(
        ids
    )
