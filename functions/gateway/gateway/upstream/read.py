"""Reading an OpenAI-compatible answer (a whole completion or a stream event) into `Piece`s.

Only known fields are read (see `gateway.answers`); everything else is left behind
here, whatever it holds. A known field of the wrong type (`tool_calls: 5`, a
`delta` that is a string) is a provider answer the gateway cannot vouch for:
`WrongShape`, which the upstream client reports as a 502. Missing fields and
`null`s are simply absent; usage numbers that are not numbers are ignored (usage
never decides what the caller reads).
"""

from __future__ import annotations

from typing import Any

from gateway.answers import (
    FINISH_REASONS,
    USAGE_COUNTS,
    USAGE_DETAILS,
    Choice,
    Citation,
    Piece,
    ToolCall,
    Usage,
)


class WrongShape(ValueError):
    """Well-formed JSON that is not a chat completion (or chunk) where it matters."""


def read_completion(body: Any) -> Piece:
    """A non-streaming completion: each choice's `message`."""
    return _read(body, "message")


def read_chunk(event: Any) -> Piece:
    """One stream event: each choice's `delta` (a usage event has no choices)."""
    return _read(event, "delta")


def _read(body: Any, part: str) -> Piece:
    if not isinstance(body, dict):
        raise WrongShape("not an object")
    choices = _list(body.get("choices"))
    return Piece(
        choices=[_choice(choice, part, position) for position, choice in enumerate(choices)],
        usage=read_usage(body.get("usage")),
    )


# The keys of the usual stream delta (and of a plain answer's message): text and nothing else.
_TEXT_KEYS = frozenset({"role", "content"})


def _choice(raw: Any, part: str, position: int) -> Choice:
    if not isinstance(raw, dict):
        raise WrongShape("choice")
    message = _dict(raw.get(part))
    content = message.get("content")
    if message.keys() <= _TEXT_KEYS and (content is None or isinstance(content, str)):
        # Most stream events are this: read as below, without testing a dozen absent fields
        # (this runs once per provider event, about one per token).
        return Choice(
            index=_int(raw.get("index"), position),
            role="role" in message,
            content=content,
            finish_reason=_finish(raw.get("finish_reason")),
        )
    return Choice(
        index=_int(raw.get("index"), position),
        role="role" in message,
        content=_content(content),
        refusal=_str(message.get("refusal")),
        reasoning=_str(message.get("reasoning_content")),
        tool_calls=[_tool_call(call, i) for i, call in enumerate(_list(message.get("tool_calls")))],
        function_call=_function_call(message.get("function_call")),
        annotations=[c for c in (_citation(a) for a in _list(message.get("annotations"))) if c],
        audio_transcript=_str(_dict(message.get("audio")).get("transcript")),
        finish_reason=_finish(raw.get("finish_reason")),
    )


def _content(value: Any) -> str | list[str] | None:
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise WrongShape("content")
    # Content parts: the text of each text part; other part types carry nothing we can scan.
    texts: list[str] = []
    for part in value:
        if isinstance(part, dict) and part.get("type") == "text":
            text = _str(part.get("text"))
            if text is not None:
                texts.append(text)
    return texts


def _tool_call(raw: Any, position: int) -> ToolCall:
    if not isinstance(raw, dict):
        raise WrongShape("tool call")
    function = _dict(raw.get("function"))
    return ToolCall(
        index=_int(raw.get("index"), position),
        id=_str(raw.get("id")),
        name=_str(function.get("name")),
        arguments=_str(function.get("arguments")),
    )


def _function_call(raw: Any) -> ToolCall | None:
    if raw is None:
        return None
    function = _dict(raw)
    return ToolCall(index=0, name=_str(function.get("name")), arguments=_str(function.get("arguments")))


def _citation(raw: Any) -> Citation | None:
    """A `url_citation`; other annotation types are unknown and left behind."""
    if not isinstance(raw, dict) or raw.get("type") != "url_citation":
        return None
    cited = _dict(raw.get("url_citation"))
    url, title = _str(cited.get("url")), _str(cited.get("title"))
    if url is None:
        return None
    return Citation(
        url=url,
        title=title or "",
        start_index=_optional_int(cited.get("start_index")),
        end_index=_optional_int(cited.get("end_index")),
    )


def merge_text_deltas(pieces: list[Piece]) -> list[Piece]:
    """Consecutive stream pieces that only add text to the same choice, as one piece.

    Only plain text deltas merge (content as a string, refusal, reasoning, audio
    transcript): a piece that opens the message, finishes a choice, carries tool calls,
    citations or usage stays a piece of its own, in its place. Each run of mergeable
    pieces is joined once, field by field, when it ends."""
    out: list[Piece] = []
    run: list[Piece] = []
    for piece in pieces:
        if _text_only(piece):
            if run and run[0].choices[0].index != piece.choices[0].index:
                out.append(_joined(run))
                run = []
            run.append(piece)
            continue
        if run:
            out.append(_joined(run))
            run = []
        out.append(piece)
    if run:
        out.append(_joined(run))
    return out


def _joined(run: list[Piece]) -> Piece:
    """One piece for a run of text-only pieces of one choice (itself, when it is alone)."""
    if len(run) == 1:
        return run[0]
    choices = [piece.choices[0] for piece in run]
    return Piece(
        [
            Choice(
                index=choices[0].index,
                content=_concat([choice.content for choice in choices]),
                refusal=_concat([choice.refusal for choice in choices]),
                reasoning=_concat([choice.reasoning for choice in choices]),
                audio_transcript=_concat([choice.audio_transcript for choice in choices]),
            )
        ]
    )


def _text_only(piece: Piece) -> bool:
    if piece.usage is not None or len(piece.choices) != 1:
        return False
    choice = piece.choices[0]
    return not (
        choice.role
        or choice.finish_reason is not None
        or choice.tool_calls
        or choice.function_call is not None
        or choice.annotations
        or isinstance(choice.content, list)
    )


def _concat(texts: list[Any]) -> str | None:
    """The texts one after the other; None when every one is absent."""
    present = [text for text in texts if text is not None]
    return "".join(present) if present else None


def read_usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    counts = {name: raw[name] for name in USAGE_COUNTS if _is_count(raw.get(name))}
    details: dict[str, dict[str, int]] = {}
    for name, fields in USAGE_DETAILS.items():
        nested = raw.get(name)
        if isinstance(nested, dict):
            kept = {key: nested[key] for key in fields if _is_count(nested.get(key))}
            if kept:
                details[name] = kept
    return Usage(counts, details)


def _finish(value: Any) -> str | None:
    if value is None:
        return None
    return value if value in FINISH_REASONS else "stop"


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise WrongShape("expected a string")


def _dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise WrongShape("expected an object")
    return value


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise WrongShape("expected a list")
    return value


def _int(value: Any, default: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise WrongShape("expected an index")
    return value


def _optional_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
