"""The relay on its own: pieces in, the caller's frames out, the finish step before `[DONE]`.

Real masking (vault, guards) and the real writer; the provider is a list of pieces.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

import masking
from gateway.answers import Choice, Citation, Piece, ToolCall, Usage
from gateway.errors import UpstreamError
from gateway.pipeline.finish import Outcome
from gateway.pipeline.guards import AnswerGuard
from gateway.pipeline.relay import relay_stream, relay_whole
from gateway.pipeline.render import ChatCompletionWriter
from tests.helpers import frames_of, text_of

CONFIG = masking.MaskingConfig()
EMAIL = "jane.doe@example.org"
FOREIGN = "bob.smith@corp-secret.net"


class Pieces:
    """An answer stream over a list; raises `fail` after the pieces when given."""

    def __init__(self, *pieces: Piece, fail: Exception | None = None) -> None:
        self._pieces = pieces
        self._fail = fail
        self.closed = False
        self.status = 200
        self.pieces = self._run()

    async def _run(self) -> AsyncIterator[Piece]:
        for piece in self._pieces:
            yield piece
        if self._fail is not None:
            raise self._fail

    async def aclose(self) -> None:
        self.closed = True


def guard_for(
    text: str = f"write to {EMAIL}", mode: masking.PiiMode = "obfuscate"
) -> tuple[AnswerGuard, str]:
    """A guard whose vault knows the caller's email; returns the placeholder too."""
    protected = masking.protect_request({"messages": [{"role": "user", "content": text}]}, mode, CONFIG)
    return AnswerGuard(protected.vault, mode, CONFIG), "[REDACTED_EMAIL_1]"


def writer(include_usage: bool = False, extra: dict[str, Any] | None = None) -> ChatCompletionWriter:
    counter = itertools.count(1)
    return ChatCompletionWriter(
        "openai/gpt-4o-mini",
        include_usage=include_usage,
        extra=extra,
        clock=lambda: 1700000000,
        ids=lambda p: f"{p}{next(counter)}",
    )


def text(content: str, index: int = 0, **more: Any) -> Piece:
    return Piece([Choice(index=index, content=content, **more)])


async def run(
    stream: Pieces, guard: AnswerGuard, include_usage: bool = False, first_extra: dict[str, Any] | None = None
) -> tuple[list[Any], list[Outcome], list[int]]:
    """The frames, the outcomes finish saw, and how many frames had gone out when it ran."""
    outcomes: list[Outcome] = []
    frames_at_finish: list[int] = []
    raw: list[bytes] = []

    async def finish(outcome: Outcome) -> None:
        outcomes.append(outcome)
        frames_at_finish.append(len(raw))

    async for frame in relay_stream(
        stream, guard, writer(include_usage, first_extra), finish=finish, searches=lambda: 2
    ):
        raw.append(frame)
    return frames_of(b"".join(raw).decode()), outcomes, frames_at_finish


async def test_the_frames_made_together_leave_as_one_message_of_whole_events() -> None:
    guard, _ = guard_for()
    stream = Pieces(
        Piece([Choice(0, role=True, content="")]),
        text("Hello there."),
        Piece([Choice(0, finish_reason="stop")]),
        Piece([], Usage({"total_tokens": 7})),
    )
    raw = [
        message
        async for message in relay_stream(
            stream, guard, writer(include_usage=True), finish=lambda _outcome: _noop(), searches=lambda: 0
        )
    ]
    assert all(message.endswith(b"\n\n") for message in raw)  # no event is split between messages
    # The usage chunk and the terminator are one message, after one message per piece.
    assert [len(frames_of(message.decode())) for message in raw] == [1, 1, 1, 2]
    assert frames_of(raw[-1].decode())[-1] == "[DONE]"


async def _noop() -> None:
    return None


async def test_a_stream_is_restored_across_pieces_and_finishes_before_done() -> None:
    guard, placeholder = guard_for()
    cut = len(placeholder) // 2
    stream = Pieces(
        Piece([Choice(0, role=True, content="")]),
        text(f"Sure, I will write to {placeholder[:cut]}"),
        text(f"{placeholder[cut:]} and to {FOREIGN} today."),
        Piece([Choice(0, finish_reason="stop")]),
        Piece([], Usage({"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7})),
    )
    frames, outcomes, at_finish = await run(stream, guard, include_usage=True)
    assert text_of(frames) == f"Sure, I will write to {EMAIL} and to [REDACTED_EMAIL] today."
    assert frames[-1] == "[DONE]" and frames[-2]["usage"]["total_tokens"] == 7 and frames[-2]["choices"] == []
    assert at_finish == [len(frames) - 2]  # finish ran before the usage chunk and [DONE] went out
    (outcome,) = outcomes
    assert outcome.error is None and outcome.redactions == {"EMAIL": 1} and outcome.web_searches == 2
    assert outcome.usage is not None and outcome.usage.total_tokens == 7 and outcome.first_byte_at is not None
    assert stream.closed
    # The writer's ids: one completion id for every chunk, the gateway's own.
    assert {f["id"] for f in frames[:-1]} == {"chatcmpl-1"}
    assert frames[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert [c["finish_reason"] for f in frames[:-2] for c in f["choices"]][-1] == "stop"


async def test_the_usage_chunk_only_when_asked() -> None:
    guard, _ = guard_for()
    stream = Pieces(text("hi", finish_reason="stop"), Piece([], Usage({"total_tokens": 2})))
    frames, outcomes, _ = await run(stream, guard)
    assert all("usage" not in f for f in frames[:-1]) and outcomes[0].usage is not None


async def test_a_provider_failure_mid_stream_releases_the_held_text_then_one_error_event() -> None:
    guard, _ = guard_for()
    stream = Pieces(
        text("The answer is 42"), fail=UpstreamError("The provider connection broke during the answer.")
    )
    frames, outcomes, _ = await run(stream, guard)
    assert text_of(frames) == "The answer is 42"
    assert frames[-2] == {
        "error": {
            "message": "The provider connection broke during the answer.",
            "type": "server_error",
            "param": None,
            "code": "upstream_error",
        }
    }
    assert frames[-1] == "[DONE]" and outcomes[0].error is not None


async def test_an_unexpected_failure_is_an_internal_error_event_without_its_text() -> None:
    guard, _ = guard_for()
    frames, outcomes, _ = await run(Pieces(text("ok"), fail=RuntimeError(f"boom {EMAIL}")), guard)
    assert frames[-2]["error"]["code"] == "internal_error" and EMAIL not in json.dumps(frames)
    assert outcomes[0].error is not None and outcomes[0].error.code == "internal_error"


async def test_a_caller_who_leaves_still_gets_finished_and_the_provider_closed() -> None:
    guard, _ = guard_for()
    stream = Pieces(*(text("tick " * 30) for _ in range(10)))
    outcomes: list[Outcome] = []

    async def finish(outcome: Outcome) -> None:
        outcomes.append(outcome)

    body = relay_stream(stream, guard, writer(), finish=finish, searches=lambda: 0)
    await anext(body)
    await body.aclose()  # what Starlette does when the client goes away
    assert stream.closed and len(outcomes) == 1 and outcomes[0].disconnected


async def test_first_extra_goes_on_the_first_chunk_only() -> None:
    guard, _ = guard_for()
    stream = Pieces(text("x" * 200), text("y" * 200, finish_reason="stop"))
    frames, _, _ = await run(stream, guard, first_extra={"upstream_request": {"model": "m"}})
    assert [("upstream_request" in f) for f in frames[:-1]] == [True] + [False] * (len(frames) - 2)


async def test_stream_tool_calls_keep_one_gateway_id_and_restore_in_json_context() -> None:
    guard, placeholder = guard_for()
    stream = Pieces(
        Piece([Choice(0, tool_calls=[ToolCall(0, id="call_provider", name="send", arguments='{"to": "')])]),
        Piece([Choice(0, tool_calls=[ToolCall(0, arguments=f'{placeholder}", "cc": "{FOREIGN}"}}')])]),
        Piece([Choice(0, finish_reason="tool_calls")]),
    )
    frames, _, _ = await run(stream, guard)
    deltas = [c["delta"] for f in frames[:-1] for c in f["choices"]]
    calls = [call for d in deltas for call in d.get("tool_calls", [])]
    assert [c["id"] for c in calls if "id" in c] == ["call_2"]  # once, on the first delta, ours
    arguments = "".join(c.get("function", {}).get("arguments", "") for c in calls)
    assert json.loads(arguments) == {"to": EMAIL, "cc": "[REDACTED_EMAIL]"}
    assert "call_provider" not in json.dumps(frames)


async def test_a_whole_answer_has_every_field_guarded_and_only_known_keys() -> None:
    guard, placeholder = guard_for()
    piece = Piece(
        [
            Choice(
                0,
                role=True,
                content=[f"Hello {placeholder}", f"and {FOREIGN}"],
                refusal=f"no, {FOREIGN}",
                reasoning=f"the user is {placeholder}",
                tool_calls=[ToolCall(0, id="p1", name="mail", arguments=json.dumps({"to": placeholder}))],
                function_call=ToolCall(0, name="legacy", arguments=json.dumps({"cc": FOREIGN})),
                annotations=[Citation(url=f"https://x.test/?u={placeholder}", title=f"{FOREIGN}'s page")],
                audio_transcript=f"say hi to {FOREIGN}",
                finish_reason="stop",
            )
        ],
        Usage({"total_tokens": 5}),
    )
    body = await relay_whole(piece, guard, writer())
    message = body["choices"][0]["message"]
    assert set(body) == {"id", "object", "created", "model", "choices", "usage"}
    assert body["choices"][0]["logprobs"] is None and body["id"] == "chatcmpl-1"
    assert message["content"] == [
        {"type": "text", "text": f"Hello {EMAIL}"},
        {"type": "text", "text": "and [REDACTED_EMAIL]"},
    ]
    assert (
        message["refusal"] == "no, [REDACTED_EMAIL]"
        and message["reasoning_content"] == f"the user is {EMAIL}"
    )
    assert message["tool_calls"] == [
        {
            "id": "call_2",
            "type": "function",
            "function": {"name": "mail", "arguments": json.dumps({"to": EMAIL})},
        }
    ]
    assert json.loads(message["function_call"]["arguments"]) == {"cc": "[REDACTED_EMAIL]"}
    # Citations are scrubbed, never restored: a client makes them links.
    cited = message["annotations"][0]["url_citation"]
    assert cited["url"] == f"https://x.test/?u={placeholder}" and "[REDACTED_EMAIL]" in cited["title"]
    assert message["audio"] == {"transcript": "say hi to [REDACTED_EMAIL]"}
    assert FOREIGN not in json.dumps(body)
    assert guard.redactions == {"EMAIL": 5}


@pytest.mark.parametrize("mode", ["disabled", "obfuscate", "block"])
async def test_foreign_secrets_are_redacted_in_every_mode(mode: masking.PiiMode) -> None:
    key = "AKIA" + "Q3EGT5WZ7XKPLM2N"
    guard, _ = guard_for("hello", mode=mode)
    body = await relay_whole(text(f"use {key} now", finish_reason="stop"), guard, writer())
    assert key not in json.dumps(body) and "[REDACTED_SECRET]" in body["choices"][0]["message"]["content"]
