"""Non-streaming chat: what goes upstream, what comes back."""

from __future__ import annotations

import json

from gateway.upstream.payload import DEFAULT_PERSONA
from tests.conftest import PROVIDER_KEYS, Gateway
from tests.fakes.upstream import FakeUpstream, Reply
from tests.helpers import chat_body, post_chat

CHAT = chat_body()


def test_completion_shape_and_upstream_request(gateway: Gateway, upstream: FakeUpstream) -> None:
    response = post_chat(gateway, CHAT)
    body = response.json()
    assert response.status_code == 200
    assert body["object"] == "chat.completion" and body["model"] == "openai/gpt-4o-mini"
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "echo: hi"}
    assert body["usage"] == {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}
    assert response.headers["x-gateway-pii-mode"] == "disabled"

    sent = upstream.received[0]
    assert sent.headers["authorization"] == f"Bearer {PROVIDER_KEYS['openai']}"
    assert sent.headers["content-length"] == str(len(sent.body))
    assert "transfer-encoding" not in sent.headers
    assert sent.json == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "system", "content": DEFAULT_PERSONA}, {"role": "user", "content": "hi"}],
        "temperature": 0.7,
    }


def test_unknown_fields_are_never_forwarded(gateway: Gateway, upstream: FakeUpstream) -> None:
    body = {
        **CHAT,
        "messages": [{"role": "user", "content": "hi", "secret_note": "internal"}],
        "metadata_we_do_not_know": {"x": 1},
        "web_search": False,
        "pii": "disabled",
        "top_p": 0.5,
        "seed": 7,
    }
    assert post_chat(gateway, body).status_code == 200
    sent = upstream.received[0].json
    assert "metadata_we_do_not_know" not in sent and "web_search" not in sent and "pii" not in sent
    assert sent["messages"][1] == {"role": "user", "content": "hi"}
    assert sent["top_p"] == 0.5 and sent["seed"] == 7


def test_system_field_replaces_the_default_persona(gateway: Gateway, upstream: FakeUpstream) -> None:
    post_chat(gateway, {**CHAT, "system": "You are terse."})
    post_chat(
        gateway,
        {**CHAT, "messages": [{"role": "system", "content": "Mine."}, {"role": "user", "content": "hi"}]},
    )
    first, second = (r.json["messages"] for r in upstream.received)
    assert first[0] == {"role": "system", "content": "You are terse."} and len(first) == 2
    assert second[0] == {"role": "system", "content": "Mine."} and len(second) == 2


def test_model_mapping_and_alias(gateway_factory, upstream: FakeUpstream) -> None:  # type: ignore[no-untyped-def]
    gateway = gateway_factory(model_map={"google/gemini-2.0-flash-exp": "gemini-2.5-flash"})
    response = post_chat(gateway, {**CHAT, "model": "google/gemini-2.0-flash-exp", "seed": 3})
    assert response.json()["model"] == "google/gemini-2.0-flash-exp"
    sent = upstream.received[0]
    assert sent.json["model"] == "gemini-2.5-flash" and "seed" not in sent.json
    assert sent.headers["authorization"] == f"Bearer {PROVIDER_KEYS['google']}"
    response = post_chat(
        gateway, {**CHAT, "model": "grok/grok-beta", "stop": ["END"], "presence_penalty": 0.5}
    )
    assert response.status_code == 200 and upstream.received[1].json["model"] == "grok-4.3"
    # xAI's reasoning models refuse these with 400.
    assert not {"stop", "presence_penalty"} & set(upstream.received[1].json)
    assert upstream.received[1].headers["authorization"] == f"Bearer {PROVIDER_KEYS['xai']}"


def test_reasoner_quirks(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Reply(content="42", reasoning_content="Let me think."))
    body = {
        **CHAT,
        "model": "deepseek/deepseek-reasoner",
        "temperature": 0.2,
        "top_p": 0.9,
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
    }
    response = post_chat(gateway, body)
    message = response.json()["choices"][0]["message"]
    assert message == {"role": "assistant", "content": "42", "reasoning_content": "Let me think."}
    sent = upstream.received[0].json
    assert not {"temperature", "top_p", "tools"} & set(sent)


def test_tool_calls_come_back_with_the_gateways_ids(gateway: Gateway, upstream: FakeUpstream) -> None:
    calls = [{"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": '{"q": "x"}'}}]
    upstream.queue(Reply(content="", tool_calls=calls))
    tools = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]
    response = post_chat(gateway, {**CHAT, "tools": tools, "tool_choice": "auto"})
    (returned,) = response.json()["choices"][0]["message"]["tool_calls"]
    # The provider's id never reaches the caller; the call itself does.
    assert returned["id"].startswith("call_") and returned["id"] != "call_1"
    assert {k: v for k, v in returned.items() if k != "id"} == {
        k: v for k, v in calls[0].items() if k != "id"
    }
    # The caller sends the gateway's id back; it goes upstream as the caller wrote it.
    follow_up = {
        **CHAT,
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": None, "tool_calls": [returned]},
            {"role": "tool", "tool_call_id": returned["id"], "content": json.dumps({"answer": 1})},
        ],
    }
    assert post_chat(gateway, follow_up).status_code == 200
    sent = upstream.received[1].json["messages"]
    assert sent[2]["tool_calls"] == [returned] and sent[3]["tool_call_id"] == returned["id"]


def test_content_parts_are_accepted(gateway: Gateway, upstream: FakeUpstream) -> None:
    body = {**CHAT, "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}
    assert post_chat(gateway, body).status_code == 200
    assert upstream.received[0].json["messages"][1]["content"] == [{"type": "text", "text": "hi"}]
