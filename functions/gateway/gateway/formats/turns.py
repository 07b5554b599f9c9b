"""The masked chat payload as a provider-neutral conversation, for Anthropic and Bedrock.

Both APIs differ from chat completions in the same ways: the system prompt is a field of its
own, turns alternate between user and assistant (a tool's result is a user turn, consecutive
turns of one role are one turn), a tool call's input is a JSON object, and tool-call ids must be
plain tokens. Those differences are resolved once, here; `anthropic/outbound.py` and
`bedrock/outbound.py` only spell the result in their API's words.

Only the payload `masking.protect_request` scanned and rewrote is read, and only the fields
named below: whatever else it holds cannot reach these providers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from gateway.errors import UnsupportedContent
from gateway.formats.arguments import arguments_object


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Image:
    """An image part; `data` (base64) with `media_type`, or a `url` (Anthropic only)."""

    media_type: str | None = None
    data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Call:
    id: str
    name: str
    input: dict[str, Any]


@dataclass(frozen=True)
class Result:
    call_id: str
    parts: list[Text | Image]


Part = Text | Image | Call | Result


@dataclass
class Turn:
    role: Literal["user", "assistant"]
    parts: list[Part] = field(default_factory=list)


@dataclass(frozen=True)
class Tool:
    name: str
    description: str | None
    schema: dict[str, Any]


# "auto", "any" (the model must call a tool), "none", or the name of the one tool to call.
ToolChoice = Literal["auto", "any", "none"] | tuple[Literal["tool"], str]


@dataclass(frozen=True)
class Conversation:
    system: list[str]
    turns: list[Turn]
    tools: list[Tool]
    tool_choice: ToolChoice | None
    parallel_tool_calls: bool | None
    max_tokens: int | None
    temperature: float | None
    stop: list[str]
    user: str | None
    stream: bool

    def calls_without_tools(self) -> list[str]:
        """Tools the history calls but the request does not define (both APIs refuse that:
        the search loop's last round, for one, offers no tools so that the model answers)."""
        defined = {tool.name for tool in self.tools}
        used = [p.name for turn in self.turns for p in turn.parts if isinstance(p, Call)]
        return sorted(set(used) - defined)


def conversation(payload: dict[str, Any]) -> Conversation:
    system: list[str] = []
    turns: list[Turn] = []
    for message in payload.get("messages") or []:
        role = message.get("role")
        content = message.get("content")
        if role in ("system", "developer"):
            system.extend(p.text for p in _parts(content) if isinstance(p, Text) and p.text)
        elif role == "tool":
            result = Result(plain_id(message.get("tool_call_id")), _parts(content))
            _add(turns, "user", [result])
        elif role == "assistant":
            parts: list[Part] = [p for p in _parts(content) if not isinstance(p, Text) or p.text]
            for call in message.get("tool_calls") or []:
                function = call.get("function") or {}
                parts.append(
                    Call(
                        plain_id(call.get("id")),
                        str(function.get("name") or ""),
                        arguments_object(function.get("arguments")),
                    )
                )
            _add(turns, "assistant", parts)
        else:
            _add(turns, "user", [p for p in _parts(content) if not isinstance(p, Text) or p.text])
    stop = payload.get("stop")
    return Conversation(
        system=system,
        turns=[turn for turn in turns if turn.parts],
        tools=[_tool(tool) for tool in payload.get("tools") or [] if isinstance(tool, dict)],
        tool_choice=_tool_choice(payload.get("tool_choice")),
        parallel_tool_calls=payload.get("parallel_tool_calls"),
        max_tokens=payload.get("max_tokens") or payload.get("max_completion_tokens"),
        temperature=payload.get("temperature"),
        stop=[stop] if isinstance(stop, str) else list(stop or []),
        user=payload.get("user"),
        stream=bool(payload.get("stream")),
    )


_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def plain_id(raw: Any) -> str:
    """A tool-call id both APIs accept (`[A-Za-z0-9_-]`, at most 64): kept when it is one, else
    a stable digest of it, so a call and its result still name the same id."""
    value = str(raw or "")
    if _PLAIN_ID.fullmatch(value):
        return value
    return "toolu_" + hashlib.sha256(value.encode()).hexdigest()[:32]


def _add(turns: list[Turn], role: Literal["user", "assistant"], parts: list[Part]) -> None:
    if turns and turns[-1].role == role:
        turns[-1].parts.extend(parts)
    else:
        turns.append(Turn(role, list(parts)))


def _parts(content: Any) -> list[Text | Image]:
    if content is None:
        return []
    if isinstance(content, str):
        return [Text(content)]
    parts: list[Text | Image] = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in ("text", "refusal"):
            parts.append(Text(str(part.get(kind) or "")))
        elif kind == "image_url":
            parts.append(_image(part.get("image_url")))
        else:
            # Only with GATEWAY_ALLOW_NON_TEXT does a non-text part get this far.
            raise UnsupportedContent("This provider takes text and image parts only.")
    return parts


def _image(raw: Any) -> Image:
    url = str((raw or {}).get("url") or "") if isinstance(raw, dict) else ""
    head, sep, data = url.partition(";base64,")
    if url.startswith("data:") and sep:
        return Image(media_type=head.removeprefix("data:"), data=data)
    return Image(url=url)


def _tool(raw: dict[str, Any]) -> Tool:
    function = raw.get("function") or {}
    schema = function.get("parameters")
    return Tool(
        name=str(function.get("name") or ""),
        description=function.get("description"),
        schema=schema if isinstance(schema, dict) else {"type": "object", "properties": {}},
    )


def _tool_choice(raw: Any) -> ToolChoice | None:
    if raw == "required":
        return "any"
    if raw in ("auto", "none"):
        return "auto" if raw == "auto" else "none"
    if isinstance(raw, dict):
        name = (raw.get("function") or {}).get("name")
        if isinstance(name, str):
            return ("tool", name)
    return None
