"""The masked chat payload as a request to Anthropic's Messages API (`POST /v1/messages`).

Spelled from `formats/turns.py`'s conversation: the system prompt as text blocks, text, image,
`tool_use` and `tool_result` blocks, tools with their input schema. Chat fields Anthropic has no
equivalent for (`seed`, `n`, penalties, `response_format`) are not sent; `user` becomes
`metadata.user_id`; a temperature above Anthropic's maximum of 1 is sent as 1. `top_p` is never
sent: current Claude models refuse it together with a temperature, which the gateway always sets.
The model's own `upstream_params` (the catalog's) are added last.
"""

from __future__ import annotations

from typing import Any

from gateway.catalog import ModelSpec
from gateway.formats.turns import Call, Conversation, Image, Part, Result, Text, Tool, conversation

# Anthropic requires max_tokens; every current Claude model can write at least this much.
DEFAULT_MAX_TOKENS = 8192


def messages_body(payload: dict[str, Any], spec: ModelSpec) -> dict[str, Any]:
    talk = conversation(payload)
    body: dict[str, Any] = {
        "model": spec.upstream_model,
        "max_tokens": talk.max_tokens or DEFAULT_MAX_TOKENS,
        "messages": [
            {"role": turn.role, "content": [_block(part) for part in turn.parts]} for turn in talk.turns
        ],
    }
    if talk.system:
        body["system"] = [{"type": "text", "text": text} for text in talk.system]
    _add_tools(body, talk)
    if talk.temperature is not None:
        body["temperature"] = min(1.0, float(talk.temperature))
    if talk.stop:
        body["stop_sequences"] = talk.stop
    if talk.user:
        body["metadata"] = {"user_id": talk.user}
    if talk.stream:
        body["stream"] = True
    body.update(spec.upstream_params)
    return body


def _add_tools(body: dict[str, Any], talk: Conversation) -> None:
    tools = list(talk.tools) + [Tool(name, None, {"type": "object"}) for name in talk.calls_without_tools()]
    if not tools:
        return
    body["tools"] = [_tool(tool) for tool in tools]
    choice: dict[str, Any] | None = None
    if not talk.tools:
        choice = {"type": "none"}  # only the history's calls: nothing to call now
    elif isinstance(talk.tool_choice, tuple):
        choice = {"type": "tool", "name": talk.tool_choice[1]}
    elif talk.tool_choice is not None:
        choice = {"type": talk.tool_choice}
    if talk.parallel_tool_calls is False and (choice is None or choice["type"] != "none"):
        choice = {**(choice or {"type": "auto"}), "disable_parallel_tool_use": True}
    if choice is not None:
        body["tool_choice"] = choice


def _tool(tool: Tool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": tool.name, "input_schema": tool.schema}
    if tool.description:
        out["description"] = tool.description
    return out


def _block(part: Part) -> dict[str, Any]:
    if isinstance(part, Text):
        return {"type": "text", "text": part.text}
    if isinstance(part, Image):
        return {"type": "image", "source": _image_source(part)}
    if isinstance(part, Call):
        return {"type": "tool_use", "id": part.id, "name": part.name, "input": part.input}
    return _result(part)


def _result(result: Result) -> dict[str, Any]:
    content = [_block(p) for p in result.parts if not isinstance(p, Text) or p.text]
    return {"type": "tool_result", "tool_use_id": result.call_id, "content": content}


def _image_source(image: Image) -> dict[str, Any]:
    if image.data is not None:
        return {"type": "base64", "media_type": image.media_type, "data": image.data}
    return {"type": "url", "url": image.url}
