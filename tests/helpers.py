"""What most tests do to a gateway: send a chat request, read its SSE frames, find its error.

One SSE parser and one chat helper for every suite, strict about the framing the
gateway promises (every event a `data:` line, `[DONE]` once, last), so a framing
regression fails everywhere at once instead of being read leniently somewhere.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import httpx

MODEL = "openai/gpt-4o-mini"


class Reachable(Protocol):
    """A gateway under test: in-process (tests/conftest.Gateway) or a child process."""

    @property
    def api(self) -> str: ...

    def headers(self) -> dict[str, str]: ...


def chat_body(
    content: Any = "hi", *, stream: bool = False, model: str = MODEL, **extra: Any
) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": content}], "stream": stream, **extra}


def post_chat(
    gateway: Reachable,
    body: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> httpx.Response:
    return httpx.post(
        f"{gateway.api}/chat/completions",
        headers={**gateway.headers(), **(headers or {})},
        json=chat_body() if body is None else body,
        timeout=timeout,
    )


def frames_of(raw: str) -> list[Any]:
    """`data:` events of a gateway stream: dicts, and the string "[DONE]"."""
    out: list[Any] = []
    for block in raw.split("\n\n"):
        if not block.strip():
            continue
        assert block.startswith("data: "), block[:200]
        data = block.removeprefix("data: ")
        out.append(data if data == "[DONE]" else json.loads(data))
    return out


def text_of(frames: list[Any], field: str = "content") -> str:
    return "".join(
        c["delta"].get(field) or "" for f in frames if isinstance(f, dict) for c in f.get("choices", [])
    )


def answer_text(response: httpx.Response) -> str:
    """The answer's content, whether it came whole or streamed."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        return text_of(frames_of(response.text))
    content: str = response.json()["choices"][0]["message"]["content"]
    return content


def final_error(frames: list[Any]) -> dict[str, Any]:
    """The stream's closing error event; asserts the documented ending (error, then [DONE])."""
    assert frames[-1] == "[DONE]" and frames.count("[DONE]") == 1, frames[-3:]
    error: dict[str, Any] = frames[-2]["error"]
    return error


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The OpenAI-shaped error of a refused request (asserting the shape, and the request id
    every response carries, on the way)."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}, body
    assert response.headers["x-request-id"].startswith("req_")
    error: dict[str, Any] = body["error"]
    return error


# The answer's allowlist (DESIGN §5), as docs/api.md shows it: every key the caller may see.
ALLOWED_KEYS = {
    "answer": {"id", "object", "created", "model", "choices", "usage"},
    "choice": {"index", "message", "delta", "logprobs", "finish_reason"},
    "message": {
        "role",
        "content",
        "refusal",
        "reasoning_content",
        "tool_calls",
        "function_call",
        "annotations",
        "audio",
    },
    "part": {"type", "text"},
    "tool_call": {"index", "id", "type", "function"},
    "function": {"name", "arguments"},
    "annotation": {"type", "url_citation"},
    "url_citation": {"url", "title", "start_index", "end_index"},
    "audio": {"transcript"},
    "usage": {
        "prompt_tokens",
        "completion_tokens",
        "total_tokens",
        "prompt_cache_hit_tokens",
        "prompt_cache_miss_tokens",
        "prompt_tokens_details",
        "completion_tokens_details",
    },
}


def assert_allowlisted(body: dict[str, Any], model: str) -> None:
    """Only allowlisted keys at every level, the gateway's ids, numbers-only usage, no logprobs."""

    def keys(obj: Any, kind: str) -> None:
        assert isinstance(obj, dict) and set(obj) <= ALLOWED_KEYS[kind], (kind, obj)

    keys(body, "answer")
    assert body["id"].startswith("chatcmpl-") and body["model"] == model
    assert isinstance(body["created"], int) and body["object"].startswith("chat.completion")
    for choice in body["choices"]:
        keys(choice, "choice")
        assert choice["logprobs"] is None and isinstance(choice["index"], int)
        message = choice.get("message", choice.get("delta"))
        keys(message, "message")
        if isinstance(message.get("content"), list):
            for part in message["content"]:
                keys(part, "part")
        for call in message.get("tool_calls") or []:
            keys(call, "tool_call")
            keys(call.get("function", {}), "function")
            assert "id" not in call or call["id"].startswith("call_")
        if "function_call" in message:
            keys(message["function_call"], "function")
        for annotation in message.get("annotations") or []:
            keys(annotation, "annotation")
            keys(annotation["url_citation"], "url_citation")
        if "audio" in message:
            keys(message["audio"], "audio")
    if "usage" in body:
        keys(body["usage"], "usage")
        for value in body["usage"].values():
            numbers = value.values() if isinstance(value, dict) else [value]
            assert all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)


# --------------------------------------------------------------------------- the three routes

ROUTES = ("chat", "messages", "responses")
_PATHS = {"chat": "/chat/completions", "messages": "/messages", "responses": "/responses"}


def route_body(
    route: str, content: Any = "hi", *, stream: bool = False, model: str = MODEL, **extra: Any
) -> Any:
    """One user turn in the route's own wire format (gateway fields such as `pii` ride along)."""
    if route == "messages":
        turn = {"role": "user", "content": content}
        return {"model": model, "max_tokens": 256, "messages": [turn], "stream": stream, **extra}
    if route == "responses":
        return {"model": model, "input": content, "stream": stream, **extra}
    return chat_body(content, stream=stream, model=model, **extra)


def post_route(
    gateway: Reachable, route: str, body: Any, *, headers: dict[str, str] | None = None, timeout: float = 30
) -> httpx.Response:
    return httpx.post(
        f"{gateway.api}{_PATHS[route]}",
        headers={**gateway.headers(), **(headers or {})},
        json=body,
        timeout=timeout,
    )


def events_of(raw: str) -> list[dict[str, Any]]:
    """Named events (`event: <type>` then `data: <json>`) of a Messages or Responses stream,
    each checked to carry its own name as `type`."""
    out: list[dict[str, Any]] = []
    for block in raw.split("\n\n"):
        if not block.strip():
            continue
        name, _, data = block.partition("\n")
        assert name.startswith("event: ") and data.startswith("data: "), block[:200]
        event: dict[str, Any] = json.loads(data.removeprefix("data: "))
        assert event["type"] == name.removeprefix("event: "), block[:200]
        out.append(event)
    return out


def route_text(route: str, response: httpx.Response) -> str:
    """The answer's text on any route, whole or streamed."""
    streamed = response.headers.get("content-type", "").startswith("text/event-stream")
    if route == "chat":
        return answer_text(response)
    if route == "messages":
        if streamed:
            deltas = [e["delta"] for e in events_of(response.text) if e["type"] == "content_block_delta"]
            return "".join(d.get("text", "") for d in deltas if d["type"] == "text_delta")
        return "".join(b["text"] for b in response.json()["content"] if b["type"] == "text")
    if streamed:
        return "".join(
            e["delta"] for e in events_of(response.text) if e["type"] == "response.output_text.delta"
        )
    items = [item for item in response.json()["output"] if item["type"] == "message"]
    return "".join(p["text"] for item in items for p in item["content"] if p["type"] == "output_text")


def route_error(route: str, response: httpx.Response) -> dict[str, Any]:
    """A refused request's error, in the route's shape (Anthropic's on /messages)."""
    body = response.json()
    if route == "messages":
        assert body["type"] == "error" and set(body["error"]) == {"type", "message", "code", "param"}, body
        error: dict[str, Any] = body["error"]
        return error
    return error_of(response)


def stream_failed(route: str, raw: str) -> bool:
    """Whether a stream ended in its format's failure event."""
    if route == "chat":
        return '\n\ndata: {"error"' in "\n\n" + raw
    kinds = [event["type"] for event in events_of(raw)]
    return kinds[-1] in ("error", "response.failed")
