"""A caller's Anthropic Messages request as the gateway's internal (chat-completions) request.

Every string this route forwards ends up in a field `masking.protect_request` scans: `system`
(a string or text blocks) becomes a system message of text parts, text blocks become text
parts, `tool_use` blocks assistant tool calls (their `input` serialised as the arguments
string, so every key and value in it is scanned), `tool_result` blocks tool messages (their
text, and their id as `tool_call_id`), tools become function tools (name, description and
the whole input schema), `metadata.user_id` becomes `user`, `stop_sequences` becomes `stop`.

What has no place in the internal request is accepted and never forwarded: `thinking` and
`redacted_thinking` blocks from earlier turns (their signatures cannot be honoured once the
guard has touched the text), `cache_control`, `top_k`, `thinking`, `service_tier`, `metadata`
besides `user_id`, and any unknown field. A server tool of the `web_search_…` family turns on
the gateway's own web search; other server tools, and block types the gateway cannot scan as
text (documents, search results), are refused with a 400 that names the field.
"""

from __future__ import annotations

import json
from typing import Any

from gateway.formats import checks
from gateway.schemas import ChatCompletionRequest
from gateway.validation import load_object, validate_chat

_GATEWAY_FIELDS = ("pii", "web_search")
_BLOCKS = "text, image, tool_use and tool_result blocks"


def parse_messages_request(raw: bytes) -> ChatCompletionRequest:
    return validate_chat(chat_body(load_object(raw)))


def chat_body(body: dict[str, Any]) -> dict[str, Any]:
    chat: dict[str, Any] = {"model": body.get("model"), "stream": body.get("stream", False)}
    messages: list[dict[str, Any]] = []
    system = body.get("system")
    if system is not None:
        messages.append({"role": "system", "content": _system(system)})
    turns = checks.items(body.get("messages"), "messages")
    if not turns:
        raise checks.invalid("messages", "at least one message")
    for i, turn in enumerate(turns):
        messages.extend(_turn(checks.mapping(turn, f"messages[{i}]"), f"messages[{i}]"))
    chat["messages"] = messages
    _tools(body, chat)
    for name, value in (
        ("max_tokens", body.get("max_tokens")),
        ("temperature", body.get("temperature")),
        ("top_p", body.get("top_p")),
    ):
        if value is not None:
            chat[name] = value
    stops = body.get("stop_sequences")
    if stops is not None:
        if len(checks.items(stops, "stop_sequences")) > 4:
            raise checks.invalid("stop_sequences", "at most 4 sequences")
        chat["stop"] = [checks.text(s, f"stop_sequences[{i}]") for i, s in enumerate(stops)]
    user = checks.mapping(body.get("metadata") or {}, "metadata").get("user_id")
    if user is not None:
        chat["user"] = checks.text(user, "metadata.user_id")
    for name in _GATEWAY_FIELDS:
        if name in body:
            chat[name] = body[name]
    return chat


def _system(system: Any) -> str | list[dict[str, Any]]:
    if isinstance(system, str):
        return system
    blocks = checks.items(system, "system")
    parts = []
    for i, raw in enumerate(blocks):
        block = checks.mapping(raw, f"system[{i}]")
        if checks.kind(block, f"system[{i}]") != "text":
            raise checks.unsupported(f"system[{i}].type", "text blocks")
        parts.append({"type": "text", "text": checks.text(block.get("text"), f"system[{i}].text")})
    return parts


def _turn(turn: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """One Anthropic message as chat messages: tool results first (each its own tool message,
    as chat completions wants them right after the calls), then the rest of the turn."""
    role = turn.get("role")
    if role not in ("user", "assistant"):
        raise checks.invalid(f"{where}.role", "'user' or 'assistant'")
    content = turn.get("content")
    if isinstance(content, str):
        return [{"role": role, "content": content}]
    results: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    for j, raw in enumerate(checks.items(content, f"{where}.content")):
        at = f"{where}.content[{j}]"
        block = checks.mapping(raw, at)
        kind = checks.kind(block, at)
        part = _part(block, kind, at)
        if part is not None:
            parts.append(part)
        elif kind == "tool_use" and role == "assistant":
            calls.append(_call(block, at))
        elif kind == "tool_result" and role == "user":
            results.append(_result(block, at))
        elif kind not in ("thinking", "redacted_thinking"):
            raise checks.unsupported(f"{at}.type", _BLOCKS)
    out = list(results)
    if role == "assistant" and (parts or calls):
        message: dict[str, Any] = {"role": "assistant", "content": parts or None}
        if calls:
            message["tool_calls"] = calls
        out.append(message)
    elif role == "user" and parts:
        out.append({"role": "user", "content": parts})
    return out


def _call(block: dict[str, Any], at: str) -> dict[str, Any]:
    arguments = json.dumps(checks.mapping(block.get("input", {}), f"{at}.input"), ensure_ascii=False)
    return {
        "id": checks.text(block.get("id"), f"{at}.id"),
        "type": "function",
        "function": {"name": checks.text(block.get("name"), f"{at}.name"), "arguments": arguments},
    }


def _result(block: dict[str, Any], at: str) -> dict[str, Any]:
    content = block.get("content")
    message: dict[str, Any] = {
        "role": "tool",
        "tool_call_id": checks.text(block.get("tool_use_id"), f"{at}.tool_use_id"),
    }
    if content is None or isinstance(content, str):
        message["content"] = content or ""
        return message
    parts: list[dict[str, Any]] = []
    for k, raw in enumerate(checks.items(content, f"{at}.content")):
        inner_at = f"{at}.content[{k}]"
        inner = checks.mapping(raw, inner_at)
        part = _part(inner, checks.kind(inner, inner_at), inner_at)
        if part is None:
            raise checks.unsupported(f"{inner_at}.type", "text and image blocks in a tool result")
        parts.append(part)
    message["content"] = parts
    return message


def _part(block: dict[str, Any], kind: str, at: str) -> dict[str, Any] | None:
    """A text or image block as a chat content part; None for other kinds."""
    if kind == "text":
        return {"type": "text", "text": checks.text(block.get("text"), f"{at}.text")}
    if kind == "image":
        return {"type": "image_url", "image_url": {"url": _image_url(block, at)}}
    return None


def _image_url(block: dict[str, Any], at: str) -> str:
    source = checks.mapping(block.get("source"), f"{at}.source")
    kind = checks.kind(source, f"{at}.source")
    if kind == "base64":
        media_type = checks.text(source.get("media_type"), f"{at}.source.media_type")
        return f"data:{media_type};base64,{checks.text(source.get('data'), f'{at}.source.data')}"
    if kind == "url":
        return checks.text(source.get("url"), f"{at}.source.url")
    raise checks.unsupported(f"{at}.source.type", "base64 and url image sources")


def _tools(body: dict[str, Any], chat: dict[str, Any]) -> None:
    tools = []
    for i, raw in enumerate(checks.items(body.get("tools") or [], "tools")):
        at = f"tools[{i}]"
        tool = checks.mapping(raw, at)
        kind = tool.get("type", "custom")
        if isinstance(kind, str) and kind.startswith("web_search"):
            chat.setdefault("web_search", True)  # the gateway searches itself (docs/web-search.md)
            continue
        if kind != "custom":
            raise checks.unsupported(f"{at}.type", "custom tools and the web_search server tool")
        tools.append(checks.function_tool(tool, at, schema="input_schema"))
    if tools:
        chat["tools"] = tools
    choice = body.get("tool_choice")
    if choice is None:
        return
    choice = checks.mapping(choice, "tool_choice")
    kind = checks.kind(choice, "tool_choice")
    if kind == "tool":
        name = checks.text(choice.get("name"), "tool_choice.name")
        chat["tool_choice"] = {"type": "function", "function": {"name": name}}
    elif kind in ("auto", "any", "none"):
        chat["tool_choice"] = {"auto": "auto", "any": "required", "none": "none"}[kind]
    else:
        raise checks.unsupported("tool_choice.type", "'auto', 'any', 'tool' and 'none'")
    if choice.get("disable_parallel_tool_use") is not None:
        parallel = not checks.flag(
            choice["disable_parallel_tool_use"], "tool_choice.disable_parallel_tool_use"
        )
        chat["parallel_tool_calls"] = parallel
