"""A caller's OpenAI Responses request as the gateway's internal (chat-completions) request.

Stateless use only: the gateway stores nothing, so `previous_response_id`, `conversation`,
stored prompts (`prompt`), `item_reference` items, `background` and `store: true` are refused
with a 400 that says to send the whole conversation in `input`. (`store` left out is accepted:
the SDKs do not send it, and nothing is stored either way.)

Every string this route forwards ends up where `masking.protect_request` scans it:
`instructions` becomes a system message, `input` (a string, or message items with text
parts) messages, `function_call` items assistant tool calls (name, arguments, call id),
`function_call_output` items tool messages (output and call id), function tools keep their
name, description and whole parameter schema, and `text.format`'s JSON schema becomes
`response_format`. `reasoning` items from earlier turns and fields without an internal
equivalent (`reasoning`, `include`, `truncation`, `metadata`, `prompt_cache_key`,
`service_tier`, ...) are accepted and never forwarded. A `web_search` tool turns on the
gateway's own web search.
"""

from __future__ import annotations

from typing import Any

from gateway.formats import checks
from gateway.schemas import MAX_TOKENS, ChatCompletionRequest
from gateway.validation import load_object, validate_chat

_STATELESS = "this gateway stores no responses; send the whole conversation in 'input'"
_GATEWAY_FIELDS = ("pii", "web_search")
_TEXT_PARTS = ("input_text", "output_text")


def parse_responses_request(raw: bytes) -> ChatCompletionRequest:
    return validate_chat(chat_body(load_object(raw)))


def chat_body(body: dict[str, Any]) -> dict[str, Any]:
    _refuse_state(body)
    chat: dict[str, Any] = {"model": body.get("model"), "stream": body.get("stream", False)}
    messages: list[dict[str, Any]] = []
    instructions = body.get("instructions")
    if instructions is not None:
        messages.append({"role": "system", "content": checks.text(instructions, "instructions")})
    given = body.get("input")
    if isinstance(given, str):
        messages.append({"role": "user", "content": given})
    else:
        for i, item in enumerate(checks.items(given, "input")):
            _item(messages, checks.mapping(item, f"input[{i}]"), f"input[{i}]")
    if not any(m["role"] != "system" for m in messages):
        raise checks.invalid("input", "at least one input item")
    chat["messages"] = messages
    _tools(body, chat)
    tokens = body.get("max_output_tokens")
    if tokens is not None:
        if not isinstance(tokens, int) or isinstance(tokens, bool) or not 1 <= tokens <= MAX_TOKENS:
            raise checks.invalid("max_output_tokens", f"an integer from 1 to {MAX_TOKENS}")
        chat["max_tokens"] = tokens
    for name in ("temperature", "top_p", "parallel_tool_calls", "user"):
        if body.get(name) is not None:
            chat[name] = body[name]
    _text_format(body, chat)
    for name in _GATEWAY_FIELDS:
        if name in body:
            chat[name] = body[name]
    return chat


def _refuse_state(body: dict[str, Any]) -> None:
    for name in ("previous_response_id", "conversation", "prompt"):
        if body.get(name) is not None:
            raise checks.unsupported(name, f"no '{name}': {_STATELESS}")
    for name in ("store", "background"):
        if body.get(name) is True:
            raise checks.unsupported(name, f"'{name}': false only; {_STATELESS}")


def _item(messages: list[dict[str, Any]], item: dict[str, Any], at: str) -> None:
    kind = item.get("type", "message")
    if kind == "message":
        role = item.get("role")
        if role not in ("user", "system", "developer", "assistant"):
            raise checks.invalid(f"{at}.role", "'user', 'system', 'developer' or 'assistant'")
        messages.append({"role": role, "content": _content(item.get("content"), f"{at}.content")})
    elif kind == "function_call":
        call = {
            "id": checks.text(item.get("call_id"), f"{at}.call_id"),
            "type": "function",
            "function": {
                "name": checks.text(item.get("name"), f"{at}.name"),
                "arguments": checks.text(item.get("arguments"), f"{at}.arguments"),
            },
        }
        last = messages[-1] if messages else None
        if last is not None and last["role"] == "assistant":
            last.setdefault("tool_calls", []).append(call)  # one turn: its text, then its calls
        else:
            messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
    elif kind == "function_call_output":
        output = item.get("output")
        content = output if isinstance(output, str) else _content(output, f"{at}.output")
        call_id = checks.text(item.get("call_id"), f"{at}.call_id")
        messages.append({"role": "tool", "tool_call_id": call_id, "content": content})
    elif kind == "item_reference":
        raise checks.unsupported(f"{at}.type", f"no item references: {_STATELESS}")
    elif kind != "reasoning":
        raise checks.unsupported(
            f"{at}.type", "message, function_call, function_call_output and reasoning items"
        )


def _content(content: Any, at: str) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for k, raw in enumerate(checks.items(content, at)):
        part_at = f"{at}[{k}]"
        part = checks.mapping(raw, part_at)
        kind = checks.kind(part, part_at)
        if kind in _TEXT_PARTS:
            parts.append({"type": "text", "text": checks.text(part.get("text"), f"{part_at}.text")})
        elif kind == "refusal":
            parts.append({"type": "text", "text": checks.text(part.get("refusal"), f"{part_at}.refusal")})
        elif kind == "input_image":
            image: dict[str, Any] = {"url": checks.text(part.get("image_url"), f"{part_at}.image_url")}
            if part.get("detail") is not None:
                image["detail"] = checks.text(part["detail"], f"{part_at}.detail")
            parts.append({"type": "image_url", "image_url": image})
        else:
            raise checks.unsupported(f"{part_at}.type", "input_text, output_text, refusal and input_image")
    return parts


def _tools(body: dict[str, Any], chat: dict[str, Any]) -> None:
    tools = []
    for i, raw in enumerate(checks.items(body.get("tools") or [], "tools")):
        at = f"tools[{i}]"
        tool = checks.mapping(raw, at)
        kind = checks.kind(tool, at)
        if kind in ("web_search", "web_search_preview"):
            chat.setdefault("web_search", True)  # the gateway searches itself (docs/web-search.md)
            continue
        if kind != "function":
            raise checks.unsupported(f"{at}.type", "function tools and web_search")
        tools.append(checks.function_tool(tool, at, schema="parameters"))
    if tools:
        chat["tools"] = tools
    choice = body.get("tool_choice")
    if choice is None:
        return
    if choice in ("auto", "none", "required"):
        chat["tool_choice"] = choice
        return
    choice = checks.mapping(choice, "tool_choice")
    if checks.kind(choice, "tool_choice") != "function":
        raise checks.unsupported("tool_choice", "'auto', 'none', 'required' or a function")
    name = checks.text(choice.get("name"), "tool_choice.name")
    chat["tool_choice"] = {"type": "function", "function": {"name": name}}


def _text_format(body: dict[str, Any], chat: dict[str, Any]) -> None:
    text = body.get("text")
    if text is None:
        return
    form = checks.mapping(checks.mapping(text, "text").get("format") or {"type": "text"}, "text.format")
    kind = checks.kind(form, "text.format")
    if kind == "json_object":
        chat["response_format"] = {"type": "json_object"}
    elif kind == "json_schema":
        schema = {k: form[k] for k in ("name", "schema", "strict", "description") if k in form}
        chat["response_format"] = {"type": "json_schema", "json_schema": schema}
    elif kind != "text":
        raise checks.unsupported("text.format.type", "'text', 'json_object' and 'json_schema'")
