"""Only known fields, each guarded (issue 11.7): foreign values planted in every field a
provider can send, whole and streamed, through the fake provider and the official SDK.

Each variant plants a foreign email and a foreign credential in one place of an otherwise
ordinary answer: a known field (which the guard must scrub) or a field the gateway does not
know (which must be dropped). The caller's raw bytes must hold neither value, and the
openai SDK must still parse the answer.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import openai
import pytest

from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream, Raw
from tests.helpers import (
    assert_allowlisted,
    chat_body,
    events_of,
    frames_of,
    post_chat,
    post_route,
    route_body,
    stream_failed,
)

EMAIL = "mallory.leak@exfil-example.net"
SECRET = "AKIA" + "Z7Q2MXW4T9KLBN3R"
PLANTED = f"{EMAIL} {SECRET}"
MODEL = "openai/gpt-4o-mini"


def base() -> dict[str, Any]:
    return {
        "id": "chatcmpl-provider",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "All good."},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
    }


def message(answer: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = answer["choices"][0]["message"]
    return found


def tool_call(name: str = "lookup", arguments: str = "{}", call_id: str = "call_provider") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


# Each variant edits the base answer in place: where the planted values go.
VARIANTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "content": lambda a: message(a).update(content=f"Write to {PLANTED} now."),
    "content-parts": lambda a: message(a).update(content=[{"type": "text", "text": f"Write to {PLANTED}."}]),
    "unknown-content-part": lambda a: message(a).update(
        content=[{"type": "text", "text": "ok"}, {"type": "x_note", "text": PLANTED, "data": PLANTED}]
    ),
    "refusal": lambda a: message(a).update(content=None, refusal=f"I cannot tell {PLANTED}."),
    "reasoning_content": lambda a: message(a).update(reasoning_content=f"The user wants {PLANTED}."),
    "tool-name": lambda a: message(a).update(content=None, tool_calls=[tool_call(name=f"send {PLANTED}")]),
    "tool-arguments": lambda a: message(a).update(
        content=None, tool_calls=[tool_call(arguments=json.dumps({"to": EMAIL, "key": SECRET}))]
    ),
    "tool-call-id": lambda a: message(a).update(content=None, tool_calls=[tool_call(call_id=PLANTED)]),
    "tool-call-extra": lambda a: message(a).update(
        content=None, tool_calls=[{**tool_call(), "x_meta": PLANTED}]
    ),
    "function_call": lambda a: message(a).update(
        content=None, function_call={"name": f"f {EMAIL}", "arguments": json.dumps({"key": SECRET})}
    ),
    "annotation-title": lambda a: message(a).update(
        annotations=[{"type": "url_citation", "url_citation": {"url": "https://ok.test/", "title": PLANTED}}]
    ),
    "annotation-url": lambda a: message(a).update(
        annotations=[
            {
                "type": "url_citation",
                "url_citation": {"url": f"https://x.test/?m={EMAIL}&k={SECRET}", "title": "t"},
            }
        ]
    ),
    "unknown-annotation": lambda a: message(a).update(
        annotations=[{"type": "file_citation", "quote": PLANTED}]
    ),
    "audio-transcript": lambda a: message(a).update(
        audio={"id": "audio_1", "transcript": f"Call {PLANTED}."}
    ),
    "audio-data-and-id": lambda a: message(a).update(
        audio={"id": PLANTED, "data": PLANTED, "transcript": "hi"}
    ),
    "logprobs": lambda a: a["choices"][0].update(
        logprobs={"content": [{"token": PLANTED, "logprob": -0.1, "bytes": None, "top_logprobs": []}]}
    ),
    "top-level-extra": lambda a: a.update(x_debug={"note": PLANTED}, service_tier=PLANTED),
    "system_fingerprint": lambda a: a.update(system_fingerprint=PLANTED),
    "provider-id-and-model": lambda a: a.update(id=PLANTED, model=PLANTED),
    "choice-extra": lambda a: a["choices"][0].update(x_score=PLANTED),
    "message-extra": lambda a: message(a).update(reasoning=PLANTED, name=PLANTED),
    "finish_reason": lambda a: a["choices"][0].update(finish_reason=PLANTED),
    "usage-extra": lambda a: a["usage"].update(cost=PLANTED, prompt_tokens_details={"note": PLANTED}),
    "key-named-like-a-value": lambda a: message(a).update({PLANTED: "x"}),
}


def whole(variant: str) -> dict[str, Any]:
    answer = base()
    VARIANTS[variant](answer)
    return answer


def as_stream(answer: dict[str, Any]) -> list[bytes]:
    """The same answer as SSE chunks: a role chunk, one delta with every message field
    (tool calls indexed, as in streams), the finish, then the usage chunk."""
    top = {k: v for k, v in answer.items() if k not in ("choices", "usage", "object")}
    top["object"] = "chat.completion.chunk"
    choice = answer["choices"][0]
    extras = {k: v for k, v in choice.items() if k not in ("index", "message", "finish_reason")}
    delta = copy.deepcopy(choice["message"])
    delta.pop("role", None)
    for i, call in enumerate(delta.get("tool_calls") or []):
        call["index"] = i
    events = [
        {
            **top,
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}],
        },
        {**top, "choices": [{"index": 0, "delta": delta, "finish_reason": None, **extras}]},
        {**top, "choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]},
        {**top, "choices": [], "usage": answer["usage"]},
    ]
    return [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]


def request(stream: bool) -> dict[str, Any]:
    return chat_body(
        "hello", stream=stream, pii="obfuscate", stream_options={"include_usage": True} if stream else None
    )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_planted_values_never_reach_the_caller(
    gateway: Gateway, upstream: FakeUpstream, variant: str
) -> None:
    answer = whole(variant)
    upstream.queue(
        Raw([json.dumps(answer).encode()]), Raw(as_stream(answer), content_type="text/event-stream")
    )

    plain = post_chat(gateway, request(stream=False))
    assert plain.status_code == 200, plain.text
    streamed = post_chat(gateway, request(stream=True))
    assert streamed.status_code == 200

    for raw in (plain.content, streamed.content):
        assert EMAIL.encode() not in raw and SECRET.encode() not in raw
    assert_allowlisted(plain.json(), MODEL)
    frames = frames_of(streamed.text)
    assert frames[-1] == "[DONE]" and not any("error" in f for f in frames[:-1])
    for frame in frames[:-1]:
        assert_allowlisted(frame, MODEL)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_openai_sdk_parses_every_variant(gateway: Gateway, upstream: FakeUpstream, variant: str) -> None:
    answer = whole(variant)
    upstream.queue(
        Raw([json.dumps(answer).encode()]), Raw(as_stream(answer), content_type="text/event-stream")
    )
    client = openai.OpenAI(base_url=gateway.api, api_key=gateway.api_key, max_retries=0)
    messages: list[Any] = [{"role": "user", "content": "hello"}]

    completion = client.chat.completions.create(
        model=MODEL, messages=messages, extra_body={"pii": "obfuscate"}
    )
    assert completion.model == MODEL and completion.choices[0].index == 0
    assert completion.usage is not None and completion.usage.total_tokens == 7
    for call in completion.choices[0].message.tool_calls or []:
        assert call.id.startswith("call_")

    chunks = list(
        client.chat.completions.create(
            model=MODEL,
            messages=messages,
            stream=True,
            stream_options={"include_usage": True},
            extra_body={"pii": "obfuscate"},
        )
    )
    assert len({chunk.id for chunk in chunks}) == 1
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 7
    finishes = [c.finish_reason for chunk in chunks for c in chunk.choices if c.finish_reason]
    assert finishes and all(f in ("stop", "tool_calls", "function_call") for f in finishes)


# ---------------------------------------------------------------- the Messages and Responses wires
# The same planted answers reach callers of the agent routes, rebuilt in each route's own format
# from known fields only (issue 15). Every key of every object the caller gets is one of its
# writer's keys (a tool call's `input` holds the provider's guarded argument names, so it is not
# walked); neither planted value appears anywhere; the official SDK of the format parses it.
WIRE_KEYS = {
    "messages": {
        "id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage",
        "input_tokens", "output_tokens", "text", "name", "input", "index", "content_block",
        "delta", "partial_json", "message", "error", "code", "param", "thinking", "signature",
    },
    "responses": {
        "id", "object", "created_at", "status", "model", "output", "usage", "type", "role",
        "content", "text", "annotations", "logprobs", "call_id", "name", "arguments",
        "input_tokens", "output_tokens", "total_tokens", "input_tokens_details",
        "output_tokens_details", "cached_tokens", "reasoning_tokens", "error", "incomplete_details",
        "instructions", "metadata", "parallel_tool_calls", "temperature", "top_p", "tool_choice",
        "tools", "response", "sequence_number", "item", "item_id", "output_index",
        "content_index", "part", "delta", "reason", "code", "message", "param", "refusal",
        "url", "title", "start_index", "end_index", "summary",
    },
}  # fmt: skip


def assert_wire_keys(obj: Any, route: str) -> None:
    if isinstance(obj, dict):
        assert set(obj) <= WIRE_KEYS[route], (route, set(obj) - WIRE_KEYS[route])
        for key, value in obj.items():
            if key != "input":
                assert_wire_keys(value, route)
    elif isinstance(obj, list):
        for value in obj:
            assert_wire_keys(value, route)


@pytest.mark.parametrize("route", ["messages", "responses"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_planted_values_never_reach_the_agent_routes(
    gateway: Gateway, upstream: FakeUpstream, variant: str, route: str
) -> None:
    answer = whole(variant)
    upstream.queue(
        Raw([json.dumps(answer).encode()]), Raw(as_stream(answer), content_type="text/event-stream")
    )
    plain = post_route(gateway, route, route_body(route, "hello", model=MODEL, pii="obfuscate"))
    assert plain.status_code == 200, plain.text
    streamed = post_route(gateway, route, route_body(route, "hello", stream=True, pii="obfuscate"))
    assert streamed.status_code == 200
    for raw in (plain.content, streamed.content):
        assert EMAIL.encode() not in raw and SECRET.encode() not in raw
    assert_wire_keys(plain.json(), route)
    events = events_of(streamed.text)
    assert not stream_failed(route, streamed.text), events[-1]
    assert_wire_keys(events, route)
    if route == "messages":
        assert plain.json()["id"].startswith("msg_") and plain.json()["model"] == MODEL
        assert events[-1]["type"] == "message_stop"
    else:
        assert plain.json()["id"].startswith("resp_") and plain.json()["model"] == MODEL
        assert events[-1]["type"] == "response.completed"


# Answers in Anthropic's and Bedrock's own wire formats, with foreign values in fields the
# gateway knows (guarded) and fields it does not (dropped): every route's answer holds neither.
def anthropic_answer(content: list[dict[str, Any]], **extra: Any) -> bytes:
    answer = {
        "id": "msg_provider",
        "type": "message",
        "role": "assistant",
        "model": "claude-haiku-4-5",
        "content": content,
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 3, "output_tokens": 4},
        **extra,
    }
    return json.dumps(answer).encode()


def converse_answer(content: list[dict[str, Any]], **extra: Any) -> bytes:
    answer = {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 4, "totalTokens": 7},
        **extra,
    }
    return json.dumps(answer).encode()


NATIVE: dict[str, tuple[str, bytes]] = {
    "anthropic-text": ("anthropic", anthropic_answer([{"type": "text", "text": f"Mail {PLANTED}."}])),
    "anthropic-thinking": (
        "anthropic",
        anthropic_answer(
            [
                {"type": "thinking", "thinking": PLANTED, "signature": PLANTED},
                {"type": "redacted_thinking", "data": PLANTED},
                {"type": "text", "text": "ok"},
            ]
        ),
    ),
    "anthropic-tool-use": (
        "anthropic",
        anthropic_answer(
            [{"type": "tool_use", "id": PLANTED, "name": "lookup", "input": {"to": EMAIL, "k": SECRET}}]
        ),
    ),
    "anthropic-unknown-block-and-fields": (
        "anthropic",
        anthropic_answer(
            [
                {"type": "text", "text": "ok", "citations": [{"cited_text": PLANTED}]},
                {"type": "x", "d": PLANTED},
            ],
            container={"id": PLANTED},
            stop_sequence=PLANTED,
        ),
    ),
    "bedrock-text": ("bedrock", converse_answer([{"text": f"Mail {PLANTED}."}])),
    "bedrock-reasoning-and-unknown": (
        "bedrock",
        converse_answer(
            [{"reasoningContent": {"reasoningText": {"text": PLANTED}}}, {"text": "ok", "x": PLANTED}],
            trace={"guardrail": PLANTED},
            additionalModelResponseFields={"note": PLANTED},
        ),
    ),
    "bedrock-tool-use": (
        "bedrock",
        converse_answer([{"toolUse": {"toolUseId": PLANTED, "name": "lookup", "input": {"to": EMAIL}}}]),
    ),
}
NATIVE_MODELS = {"anthropic": "anthropic/claude-haiku-4-5", "bedrock": "bedrock/claude-haiku-4-5"}


@pytest.mark.parametrize("route", ["chat", "messages", "responses"])
@pytest.mark.parametrize("variant", sorted(NATIVE))
def test_planted_values_in_native_provider_answers(
    gateway: Gateway, upstream: FakeUpstream, variant: str, route: str
) -> None:
    provider, raw = NATIVE[variant]
    model = NATIVE_MODELS[provider]
    upstream.queue(Raw([raw]))
    response = post_route(gateway, route, route_body(route, "hello", model=model, pii="obfuscate"))
    assert response.status_code == 200, response.text
    assert EMAIL.encode() not in response.content and SECRET.encode() not in response.content
    if route == "chat":
        assert_allowlisted(response.json(), model)
    else:
        assert_wire_keys(response.json(), route)
