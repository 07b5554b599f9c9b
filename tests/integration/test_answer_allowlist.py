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
from tests.helpers import assert_allowlisted, chat_body, frames_of, post_chat

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
