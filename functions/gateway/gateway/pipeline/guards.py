"""The answer's guard: every model-written string, restored and scrubbed, whole or streamed.

One `AnswerGuard` per request holds what the answer side needs (the request's vault
and PII mode, the masking config) and owns what it produces: one stream guard per
choice and text field (content, refusal, reasoning, audio transcript, each tool
call's arguments, a legacy function call's arguments), and the counts of what it
redacted, which the relay hands to the finish step.

Per field:
- text fields: restore this request's placeholders, redact foreign values
  (`masking.guard_text` whole, a `masking.ResponseGuard` per stream);
- tool-call and function-call arguments: the same in JSON context, so restored
  values keep the arguments valid JSON;
- tool and function names: guarded whole per piece (providers send a name whole);
- citation titles and URLs: `scrub`, i.e. redacted but never restored: a client
  renders them as links, and a restored value in a link leaves with the click.

Any exception inside masking stops the answer as a scanner failure (fail closed):
unscanned text never passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import masking
from gateway.answers import Choice, Citation, Piece, ToolCall
from gateway.errors import ScannerError

_FAILED = "The response scanner failed; the answer was stopped."
_StreamKey = tuple[int, str, int]  # choice index, field, tool-call index


class AnswerGuard:
    def __init__(self, vault: masking.Vault, mode: masking.PiiMode, config: masking.MaskingConfig) -> None:
        self._vault = vault
        self._mode = mode
        self._config = config
        self._streams: dict[_StreamKey, masking.ResponseGuard] = {}
        self.redactions: dict[str, int] = {}

    # ------------------------------------------------------------------ whole answers

    def whole(self, piece: Piece) -> Piece:
        """A complete answer: each string guarded as a whole."""
        return Piece([self._whole_choice(choice) for choice in piece.choices], piece.usage)

    def _whole_choice(self, choice: Choice) -> Choice:
        text = self._text
        return replace(
            choice,
            content=_map_content(choice.content, text),
            refusal=_maybe(choice.refusal, text),
            reasoning=_maybe(choice.reasoning, text),
            tool_calls=[self._whole_call(call) for call in choice.tool_calls],
            function_call=self._whole_call(choice.function_call) if choice.function_call else None,
            annotations=[self._citation(citation) for citation in choice.annotations],
            audio_transcript=_maybe(choice.audio_transcript, text),
        )

    def _whole_call(self, call: ToolCall) -> ToolCall:
        return ToolCall(
            index=call.index,
            name=_maybe(call.name, self._text),
            arguments=_maybe(call.arguments, self._arguments),
        )

    # ------------------------------------------------------------------ streams

    def feed(self, piece: Piece) -> Piece:
        """One stream chunk: what each field's stream guard lets out now.

        A choice's `finish_reason` releases whatever its guards still hold, in the
        same piece, so the caller has all the text before it learns the choice ended.
        """
        out: list[Choice] = []
        for choice in piece.choices:
            guarded = self._fed_choice(choice)
            if choice.finish_reason is not None:
                released = self.release(choice.index)
                if released is not None:
                    guarded = _merge(guarded, released)
            out.append(guarded)
        return Piece(out, piece.usage)

    def release(self, index: int) -> Choice | None:
        """Whatever one choice's stream guards still hold, as a choice piece (None if nothing)."""
        released = Choice(index=index)
        for key in [key for key in self._streams if key[0] == index]:
            guard = self._streams.pop(key)
            try:
                text = guard.flush()
            except Exception:
                raise ScannerError(_FAILED) from None
            self._count(guard.redactions)
            if text:
                released = _merge(released, _field_piece(key, text))
        return None if released.is_empty() else released

    def open_choices(self) -> list[int]:
        return sorted({index for index, _, _ in self._streams})

    def _fed_choice(self, choice: Choice) -> Choice:
        i = choice.index
        content = choice.content
        if isinstance(content, list):
            content = "".join(content)  # streamed parts go out as the text they add up to
        return replace(
            choice,
            content=self._fed(i, "content", 0, content),
            refusal=self._fed(i, "refusal", 0, choice.refusal),
            reasoning=self._fed(i, "reasoning", 0, choice.reasoning),
            tool_calls=[
                ToolCall(
                    index=call.index,
                    name=_maybe(call.name, self._text),
                    arguments=self._fed(i, "arguments", call.index, call.arguments),
                )
                for call in choice.tool_calls
            ],
            function_call=self._fed_function_call(i, choice.function_call),
            annotations=[self._citation(citation) for citation in choice.annotations],
            audio_transcript=self._fed(i, "audio", 0, choice.audio_transcript),
        )

    def _fed_function_call(self, index: int, call: ToolCall | None) -> ToolCall | None:
        if call is None:
            return None
        name = _maybe(call.name, self._text)
        arguments = self._fed(index, "function_call", 0, call.arguments)
        return None if name is None and arguments is None else ToolCall(0, name=name, arguments=arguments)

    def _fed(self, index: int, field: str, tool_index: int, text: str | None) -> str | None:
        """The guarded text of one field's chunk; None while the guard holds all of it."""
        if text is None:
            return None
        if text == "":
            return "" if field == "content" else None  # OpenAI's opening chunk: empty content
        key = (index, field, tool_index)
        guard = self._streams.get(key)
        if guard is None:
            json_context = field in ("arguments", "function_call")
            guard = masking.ResponseGuard(self._vault, self._mode, self._config, json_context=json_context)
            self._streams[key] = guard
        try:
            out = guard.feed(text)
        except Exception:
            raise ScannerError(_FAILED) from None
        return out or None

    # ------------------------------------------------------------------ single strings

    def _text(self, text: str) -> str:
        return self._guarded(text, self._vault, json_context=False)

    def _arguments(self, text: str) -> str:
        return self._guarded(text, self._vault, json_context=True)

    def _citation(self, citation: Citation) -> Citation:
        empty = masking.Vault()  # nothing is restored where a client makes a link
        return replace(
            citation,
            url=self._guarded(citation.url, empty, json_context=False),
            title=self._guarded(citation.title, empty, json_context=False),
        )

    def _guarded(self, text: str, vault: masking.Vault, *, json_context: bool) -> str:
        if not text:
            return text
        try:
            out, redactions = masking.guard_text(
                text, vault, self._mode, self._config, json_context=json_context
            )
        except Exception:
            raise ScannerError(_FAILED) from None
        self._count(redactions)
        return out

    def _count(self, redactions: dict[str, int]) -> None:
        for kind, count in redactions.items():
            self.redactions[kind] = self.redactions.get(kind, 0) + count


def scrub(text: str, mode: masking.PiiMode, config: masking.MaskingConfig) -> str:
    """Redact secrets (and, outside `disabled`, personal data) without restoring anything.

    For text that travels between the provider and a search backend, and for a
    provider's error message: it may carry placeholders, which must stay placeholders.
    """
    try:
        return masking.guard_text(text, masking.Vault(), mode, config)[0]
    except Exception:
        raise ScannerError("A scanner failed while checking text outside the answer.") from None


def _maybe(text: str | None, guard: Callable[[str], str]) -> str | None:
    return None if text is None else guard(text)


def _map_content(content: str | list[str] | None, guard: Callable[[str], str]) -> str | list[str] | None:
    if isinstance(content, list):
        return [guard(part) for part in content]
    return _maybe(content, guard)


def _field_piece(key: _StreamKey, text: str) -> Choice:
    index, field, tool_index = key
    if field == "arguments":
        return Choice(index=index, tool_calls=[ToolCall(index=tool_index, arguments=text)])
    if field == "function_call":
        return Choice(index=index, function_call=ToolCall(index=0, arguments=text))
    if field == "audio":
        return Choice(index=index, audio_transcript=text)
    if field == "refusal":
        return Choice(index=index, refusal=text)
    if field == "reasoning":
        return Choice(index=index, reasoning=text)
    return Choice(index=index, content=text)


def _merge(choice: Choice, more: Choice) -> Choice:
    """`more` appended to `choice` (same index): texts concatenate, calls merge by index."""
    calls = {call.index: call for call in choice.tool_calls}
    for call in more.tool_calls:
        mine = calls.get(call.index)
        calls[call.index] = (
            call if mine is None else replace(mine, arguments=_join(mine.arguments, call.arguments))
        )
    function_call = choice.function_call
    if more.function_call is not None:
        function_call = (
            more.function_call
            if function_call is None
            else replace(
                function_call, arguments=_join(function_call.arguments, more.function_call.arguments)
            )
        )
    content = choice.content if not isinstance(choice.content, list) else "".join(choice.content)
    more_content = more.content if not isinstance(more.content, list) else "".join(more.content)
    return replace(
        choice,
        content=_join(content, more_content),
        refusal=_join(choice.refusal, more.refusal),
        reasoning=_join(choice.reasoning, more.reasoning),
        tool_calls=[calls[index] for index in sorted(calls)],
        function_call=function_call,
        audio_transcript=_join(choice.audio_transcript, more.audio_transcript),
    )


def _join(first: str | None, second: str | None) -> str | None:
    if first is None:
        return second
    if second is None:
        return first
    return first + second
