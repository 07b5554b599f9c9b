"""Property (issue 11.7): whatever extra keys and values a provider's JSON carries, the caller's
answer has only allowlisted keys, and no planted value appears anywhere in its bytes.

The path is the gateway's own, minus the sockets: `upstream/read.py` reads the provider's
JSON, the `AnswerGuard` guards it, the `ChatCompletionWriter` writes it, `sse.frame` frames
it. Whole answers and streams (the same answer spread over chunks) alike.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import masking
from gateway.pipeline.guards import AnswerGuard
from gateway.pipeline.render import ChatCompletionWriter
from gateway.sse import frame
from gateway.upstream.read import read_chunk, read_completion
from tests.helpers import assert_allowlisted, frames_of

CONFIG = masking.MaskingConfig()
EMAIL = "mallory.leak@exfil-example.net"
SECRET = "AKIA" + "Z7Q2MXW4T9KLBN3R"
MODEL = "openai/gpt-4o-mini"
KNOWN = {
    "id", "object", "created", "model", "choices", "usage", "index", "message", "delta", "logprobs",
    "finish_reason", "role", "content", "refusal", "reasoning_content", "tool_calls", "function_call",
    "annotations", "audio", "type", "text", "function", "name", "arguments", "url_citation", "url", "title",
    "start_index", "end_index", "transcript", "prompt_tokens", "completion_tokens", "total_tokens",
    "prompt_tokens_details", "completion_tokens_details", "cached_tokens", "reasoning_tokens",
}  # fmt: skip

planted = st.sampled_from([EMAIL, SECRET, f"{EMAIL} {SECRET}"])
prose = st.sampled_from(["Sure.", "Here it is", "ok", "The answer is 42.", ""])
text = st.one_of(prose, st.builds(lambda a, p, b: f"{a} {p} {b}", prose, planted, prose))
extra_key = st.one_of(planted, st.from_regex(r"x_[a-z]{1,8}", fullmatch=True)).filter(
    lambda k: k not in KNOWN
)
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 10**9), planted, prose),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(extra_key, inner, max_size=3)),
    max_leaves=6,
)
extras = st.dictionaries(extra_key, json_value, max_size=2)


def _with(data: st.DrawFn, obj: dict[str, Any]) -> dict[str, Any]:
    return {**data(extras), **obj}


@st.composite
def provider_answer(draw: st.DrawFn) -> dict[str, Any]:
    """A provider's whole completion: known fields with planted text, unknown fields anywhere."""
    message: dict[str, Any] = {"role": "assistant"}
    fields = draw(st.sets(st.sampled_from(["content", "parts", "refusal", "reasoning", "tools", "function",
                                           "annotations", "audio"])))  # fmt: skip
    if "parts" in fields:
        message["content"] = [
            _with(draw, {"type": draw(st.sampled_from(["text", "x_other"])), "text": draw(text)})
        ]
    elif "content" in fields:
        message["content"] = draw(text)
    if "refusal" in fields:
        message["refusal"] = draw(text)
    if "reasoning" in fields:
        message["reasoning_content"] = draw(text)
    if "tools" in fields:
        function = _with(draw, {"name": draw(text), "arguments": json.dumps({"q": draw(text)})})
        message["tool_calls"] = [_with(draw, {"id": draw(text), "type": "function", "function": function})]
    if "function" in fields:
        message["function_call"] = _with(
            draw, {"name": draw(text), "arguments": json.dumps({"k": draw(text)})}
        )
    if "annotations" in fields:
        cited = _with(draw, {"url": f"https://example.test/{draw(text)}", "title": draw(text)})
        message["annotations"] = [_with(draw, {"type": "url_citation", "url_citation": cited})]
    if "audio" in fields:
        message["audio"] = _with(draw, {"id": draw(text), "data": draw(text), "transcript": draw(text)})
    choice = _with(draw, {"index": 0, "message": _with(draw, message), "logprobs": draw(json_value),
                          "finish_reason": draw(st.one_of(st.sampled_from(["stop", "length"]), text))})  # fmt: skip
    usage = _with(
        draw, {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3, "x_cost": draw(planted)}
    )
    return _with(draw, {"id": draw(text), "object": "chat.completion", "created": 1, "model": draw(text),
                        "choices": [choice], "usage": usage})  # fmt: skip


def as_events(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The same answer as stream events: one per message field, then the finish, then usage."""
    top = {k: v for k, v in answer.items() if k not in ("choices", "usage")}
    choice = answer["choices"][0]
    around = {k: v for k, v in choice.items() if k not in ("message", "finish_reason")}
    events = []
    for name, value in choice["message"].items():
        delta = [{**call, "index": i} for i, call in enumerate(value)] if name == "tool_calls" else value
        events.append({**top, "choices": [{**around, "delta": {name: delta}}]})
    events.append({**top, "choices": [{**around, "delta": {}, "finish_reason": choice["finish_reason"]}]})
    events.append({**top, "choices": [], "usage": answer["usage"]})
    return events


def assert_clean(raw: bytes) -> None:
    assert EMAIL.encode() not in raw and SECRET.encode() not in raw, raw


@given(provider_answer())
def test_a_whole_answer_keeps_only_allowlisted_keys_and_no_planted_value(answer: dict[str, Any]) -> None:
    guard = AnswerGuard(masking.Vault(), "obfuscate", CONFIG)
    body = ChatCompletionWriter(MODEL).completion(guard.whole(read_completion(answer)))
    raw = frame(body)
    assert_clean(raw)
    assert_allowlisted(json.loads(raw.removeprefix(b"data: ")), MODEL)


@given(provider_answer())
def test_a_streamed_answer_keeps_only_allowlisted_keys_and_no_planted_value(answer: dict[str, Any]) -> None:
    guard = AnswerGuard(masking.Vault(), "obfuscate", CONFIG)
    writer = ChatCompletionWriter(MODEL)
    raw = b""
    for event in as_events(answer):
        piece = read_chunk(event)
        chunk = writer.chunk(guard.feed(piece)) if piece.choices else None
        if chunk is not None:
            raw += frame(chunk)
        if piece.usage is not None:
            raw += frame(writer.usage_chunk(piece.usage))
    assert guard.open_choices() == []  # the finish released every guard
    assert_clean(raw)
    for body in frames_of(raw.decode()):
        assert_allowlisted(body, MODEL)
