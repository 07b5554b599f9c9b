"""Turning the provider's answer into the caller's answer.

Both shapes go through the same guards: a whole completion is guarded field by
field; a stream is guarded delta by delta, each text field of each choice through
its own stream guard, and whatever a guard still holds is released with the
choice's `finish_reason` chunk. The provider's usage chunk is held until the end,
so the caller's last chunk before `[DONE]` is always the usage chunk when asked.
Fields we do not know in a delta are dropped: they could carry unscanned text.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio

from gateway.errors import GatewayError, InternalError, UpstreamError
from gateway.protection import GuardSet, guard_whole
from gateway.sse import DONE_FRAME, frame
from gateway.upstream.client import EventStream

_TEXT_FIELDS = ("content", "reasoning_content", "refusal")
_DELTA_FIELDS = frozenset({"role", *_TEXT_FIELDS, "tool_calls"})


@dataclass
class Outcome:
    """How a stream ended: its usage (when the provider sent it) or its error."""

    usage: dict[str, Any] | None = None
    error: GatewayError | None = None
    disconnected: bool = False  # the caller went away before the end


def guard_completion(body: dict[str, Any], public_model: str, guards: GuardSet) -> dict[str, Any]:
    """Guard a non-streaming completion in place and give it our model id."""
    body["model"] = public_model
    protected, config = guards.protected, guards.config
    for choice in body.get("choices") or []:
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        for name in _TEXT_FIELDS:
            if isinstance(message.get(name), str):
                message[name] = guard_whole(protected, config, message[name])
        for call in message.get("tool_calls") or []:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                function["arguments"] = guard_whole(
                    protected, config, function["arguments"], json_context=True
                )
        for name in [k for k, v in message.items() if isinstance(v, str) and k not in _DELTA_FIELDS]:
            del message[name]
    return body


async def relay_stream(
    upstream: EventStream,
    *,
    public_model: str,
    include_usage: bool,
    guards: GuardSet,
    on_first_byte: Callable[[], None],
    on_finish: Callable[[Outcome], Awaitable[None]],
    first_chunk_extra: dict[str, Any] | None = None,
) -> AsyncIterator[bytes]:
    """Provider stream events in, caller SSE frames out, ending in `[DONE]`.

    A failure after the first byte becomes one final error event; the stream never
    just stops. `on_finish` (tokens, audit) runs before `[DONE]`: Lambda may freeze
    the sandbox as soon as the last byte is out. Closing this generator (the caller
    went away) closes the upstream. `first_chunk_extra` adds fields to the first
    chunk only (the opt-in `upstream_request` view); clients that did not ask see
    plain OpenAI chunks.
    """
    outcome = Outcome()
    last: dict[str, Any] = {}
    finished = False
    try:
        try:
            try:
                async for event in upstream.events:
                    if isinstance(event.get("usage"), dict):
                        outcome.usage = event["usage"]
                    choices = event.get("choices")
                    if not choices:
                        last = event
                        continue
                    try:
                        chunk = _guard_chunk(event, public_model, guards)
                    except (TypeError, ValueError, AttributeError):
                        raise UpstreamError("The provider sent a stream event of the wrong shape.") from None
                    last = event
                    if chunk is not None:
                        on_first_byte()
                        if first_chunk_extra:
                            chunk, first_chunk_extra = {**chunk, **first_chunk_extra}, None
                        yield frame(chunk)
            except GatewayError as exc:
                # The provider failed mid-answer: what the guards hold is still released
                # (they decide on it as at a normal end), then the error event follows.
                outcome.error = exc
            for index in guards.open_choices():
                released = _released(index, guards)
                if released:
                    yield frame(_chunk_like(last, public_model, [released]))
        except GatewayError as exc:
            outcome.error = exc
        except Exception:
            outcome.error = InternalError("The gateway failed while relaying the answer.")
        finally:
            await upstream.aclose()
        await on_finish(outcome)
        finished = True
        if outcome.error is not None:
            yield frame(outcome.error.body())
        elif include_usage and outcome.usage is not None:
            yield frame({**_chunk_like(last, public_model, []), "usage": outcome.usage})
        yield DONE_FRAME
    finally:
        if not finished:
            # The caller went away (this generator was closed or cancelled mid-answer): the
            # provider call is closed and tokens and the audit record are still written,
            # shielded from the cancellation that ended the stream.
            outcome.disconnected = True
            with anyio.CancelScope(shield=True):
                await upstream.aclose()
                await on_finish(outcome)


def _guard_chunk(event: dict[str, Any], public_model: str, guards: GuardSet) -> dict[str, Any] | None:
    choices_out: list[dict[str, Any]] = []
    for choice in event["choices"]:
        if not isinstance(choice, dict):
            continue
        index = int(choice.get("index", 0))
        delta_in = choice.get("delta") or {}
        delta: dict[str, Any] = {}
        if "role" in delta_in:
            delta["role"] = delta_in["role"]
        for name in _TEXT_FIELDS:
            text = delta_in.get(name)
            if text == "":
                delta[name] = ""  # OpenAI's opening chunk carries an empty content
            elif isinstance(text, str):
                guarded = guards.feed(index, name, text)
                if guarded:
                    delta[name] = guarded
        calls = _guard_tool_calls(index, delta_in.get("tool_calls"), guards)
        if calls:
            delta["tool_calls"] = calls
        finish = choice.get("finish_reason")
        if finish:
            _merge(delta, _released(index, guards))
        if not delta and not finish:
            continue
        out = {"index": index, "delta": delta, "finish_reason": finish}
        if "logprobs" in choice:
            out["logprobs"] = None
        choices_out.append(out)
    if not choices_out:
        return None
    return _chunk_like(event, public_model, choices_out)


def _guard_tool_calls(index: int, calls: Any, guards: GuardSet) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for call in calls or []:
        if not isinstance(call, dict):
            continue
        tool_index = int(call.get("index", 0))
        item: dict[str, Any] = {"index": tool_index}
        for key in ("id", "type"):
            if key in call:
                item[key] = call[key]
        function = call.get("function")
        if isinstance(function, dict):
            fn: dict[str, Any] = {}
            if isinstance(function.get("name"), str):
                fn["name"] = function["name"]
            arguments = function.get("arguments")
            if isinstance(arguments, str) and arguments:
                fn["arguments"] = guards.feed(index, "arguments", arguments, tool_index)
            item["function"] = fn
        out.append(item)
    return out


def _released(index: int, guards: GuardSet) -> dict[str, Any]:
    """The delta carrying whatever one choice's guards still hold."""
    delta: dict[str, Any] = {}
    for name, tool_index, text in guards.flush(index):
        if name == "arguments":
            delta.setdefault("tool_calls", []).append({"index": tool_index, "function": {"arguments": text}})
        else:
            delta[name] = text
    return {"index": index, "delta": delta, "finish_reason": None} if delta else {}


def _merge(delta: dict[str, Any], released: dict[str, Any]) -> None:
    for name, value in (released.get("delta") or {}).items():
        if name == "tool_calls":
            delta.setdefault("tool_calls", []).extend(value)
        else:
            delta[name] = delta.get(name, "") + value


def _chunk_like(event: dict[str, Any], public_model: str, choices: list[Any]) -> dict[str, Any]:
    return {
        "id": event.get("id", "chatcmpl-gateway"),
        "object": "chat.completion.chunk",
        "created": event.get("created", 0),
        "model": public_model,
        "choices": choices,
    }
