"""Reading a provider's event stream: bytes to events to pieces, and bursts of text merged.

These are the per-event steps of every stream (one provider event per token), written for
speed: complete lines are decoded a chunk at a time, a plain text delta is read without
testing every optional field, and a burst of text deltas is joined once. Each test pins
that the fast form reads exactly what the plain rules say, however the bytes were cut.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.answers import Choice, Citation, Piece, ToolCall
from gateway.upstream.read import WrongShape, merge_text_deltas, read_chunk
from tests.unit.test_upstream_client import PAYLOAD, Provider, deadline, make_client, spec

# Multi-byte text; on the wire (`_wire`): a comment, each event over two data lines, one
# kind of line ending per stream (a CR before an LF would be one CRLF, not two endings).
EVENTS = [
    {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
    {"choices": [{"index": 0, "delta": {"content": "Grüße, "}}]},
    {"choices": [{"index": 0, "delta": {"content": "日本語 "}}]},
    {"choices": [{"index": 0, "delta": {"content": "and 🙂 emoji"}}]},
    {"choices": [{"index": 0, "delta": {"refusal": None, "content": " tail"}}]},
    {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    {"choices": [], "usage": {"total_tokens": 7}},
]


def _wire(ending: str) -> bytes:
    """The events as an event stream, each event's JSON over two `data:` lines (cut after its
    first comma: the decoder joins them with a newline, which JSON reads as whitespace)."""
    lines: list[str] = [": keep-alive", ""]
    for event in EVENTS:
        data = json.dumps(event, ensure_ascii=False)
        comma = data.index(",") + 1 if "," in data else len(data)
        lines += [f"data: {data[:comma]}", f"data:{data[comma:]}", ""]
    lines += ["data: [DONE]", ""]
    return "".join(line + ending for line in lines).encode()


async def _pieces(body: bytes, cuts: list[int]) -> list[Piece]:
    bounds = sorted({0, len(body), *(c % (len(body) + 1) for c in cuts)})
    chunks = [body[a:b] for a, b in itertools.pairwise(bounds)]

    async def content() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    response = httpx.Response(200, content=content(), headers={"content-type": "text/event-stream"})
    client, _ = make_client(Provider(response))
    stream = await client.stream(spec(), {**PAYLOAD, "stream": True}, deadline())
    return [piece async for piece in stream.pieces]


def _texts(pieces: list[Piece]) -> tuple[str, list[str | None], int | None]:
    text = "".join(c.content for p in pieces for c in p.choices if isinstance(c.content, str))
    finishes = [c.finish_reason for p in pieces for c in p.choices if c.finish_reason]
    usage = [p.usage.total_tokens for p in pieces if p.usage is not None]
    return text, finishes, usage[0] if usage else None


@given(
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=30),
)
def test_any_cut_of_the_bytes_reads_the_same_answer(ending: str, cuts: list[int]) -> None:
    body = _wire(ending)
    pieces = asyncio.run(_pieces(body, cuts))
    assert _texts(pieces) == ("Grüße, 日本語 and 🙂 emoji tail", ["stop"], 7)
    assert pieces[0].choices[0].role


def test_a_byte_that_is_not_utf8_reads_as_a_replacement_character_wherever_the_cut_falls() -> None:
    event = b'data: {"choices": [{"index": 0, "delta": {"content": "a\xffb\xc3"}}]}\n\n'
    body = (
        event + b'data: {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}\n\ndata: [DONE]\n\n'
    )
    for cut in range(len(body)):
        pieces = asyncio.run(_pieces(body, [cut]))
        assert _texts(pieces)[0] == "a\ufffdb\ufffd", cut


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        ({"content": "x"}, Choice(index=0, content="x")),
        ({"role": "assistant", "content": ""}, Choice(index=0, role=True, content="")),
        ({"content": None}, Choice(index=0)),
        ({}, Choice(index=0)),
        # Any other key takes the full reading, with the same result for the same fields.
        ({"content": "x", "refusal": None}, Choice(index=0, content="x")),
        ({"content": ["no"]}, Choice(index=0, content=[])),
        (
            {"content": "x", "tool_calls": [{"function": {"name": "f"}}]},
            Choice(index=0, content="x", tool_calls=[ToolCall(index=0, name="f")]),
        ),
    ],
)
def test_a_text_delta_reads_like_any_other(delta: dict[str, Any], expected: Choice) -> None:
    (choice,) = read_chunk({"choices": [{"delta": delta, "finish_reason": None}]}).choices
    assert choice == expected


@pytest.mark.parametrize(
    "choice",
    [
        {"delta": {"content": 5}},
        {"delta": {"content": "x"}, "index": -1},
        {"delta": {"content": "x"}, "index": True},
        {"delta": "text"},
    ],
)
def test_a_wrong_shape_is_refused_on_the_fast_reading_too(choice: dict[str, Any]) -> None:
    with pytest.raises(WrongShape):
        read_chunk({"choices": [choice]})


def test_an_unknown_finish_reason_reads_as_stop_on_the_fast_reading_too() -> None:
    (choice,) = read_chunk({"choices": [{"delta": {"content": "x"}, "finish_reason": "eos"}]}).choices
    assert choice.finish_reason == "stop"


def _text(index: int, content: str | None = None, reasoning: str | None = None) -> Piece:
    return Piece([Choice(index=index, content=content, reasoning=reasoning)])


def test_runs_of_text_deltas_of_one_choice_merge_and_everything_else_stays_in_place() -> None:
    opening = Piece([Choice(index=0, role=True, content="")])
    cited = Piece([Choice(index=0, annotations=[Citation(url="https://example.com", title="t")])])
    usage_only = Piece([], usage=None)
    pieces = [
        opening,
        _text(0, "a"),
        _text(0, None, "think "),
        _text(0, "b"),
        cited,
        _text(0, "c"),
        _text(1, "d"),
        _text(1, "e", "r"),
        _text(0, "f"),
        usage_only,
    ]
    assert merge_text_deltas(pieces) == [
        opening,
        Piece([Choice(index=0, content="ab", reasoning="think ")]),
        cited,
        _text(0, "c"),
        Piece([Choice(index=1, content="de", reasoning="r")]),
        _text(0, "f"),
        usage_only,
    ]


def test_a_lone_text_delta_is_passed_on_as_it_is() -> None:
    alone = _text(0, "a")
    assert merge_text_deltas([alone])[0] is alone
