"""The `web_search` tool loop: the gateway runs the model's searches itself.

The model is offered one function tool; when it calls it, we search, append the
call and the results to the (masked) conversation, and ask again, for at most
`max_rounds` rounds; the last call goes out without tools so the model must
answer. The client sees none of this traffic: only the content of every round,
one role chunk, the last round's finish reason, and usage summed over rounds.

Privacy: queries are the model's words about the masked conversation, so they
carry placeholders and are never restored; they and the results pass the
`scrub` function (the response guard with an empty vault), which removes
secrets and, in the stricter PII modes, personal data, and restores nothing,
so no caller value can reach the search backend or go back upstream in a result.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from gateway.catalog import ModelSpec
from gateway.schemas import ChatCompletionRequest
from gateway.search.format import failure_tool_content, results_to_tool_content
from gateway.search.types import SearchBackend, SearchFailed
from gateway.upstream.client import UpstreamClient, UpstreamStream

TOOL_NAME = "web_search"
WEB_SEARCH_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": TOOL_NAME,
        "description": "Search the web for current information. Returns titles, URLs and snippets.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string", "description": "What to search for."}},
            "required": ["query"],
        },
    },
}
SEARCH_PERSONA_HINT = (
    " You can search the web with the web_search tool when a question needs current or "
    "specific information; cite the URLs of the sources you use."
)
_USAGE_FIELDS = ("prompt_tokens", "completion_tokens", "total_tokens")

Mode = Literal["off", "tools", "upfront"]


@dataclass(frozen=True)
class SearchPlan:
    mode: Mode
    header: Literal["on", "off", "unavailable"]


def plan_search(
    chat: ChatCompletionRequest, spec: ModelSpec, workspace_default: bool | None, configured: bool
) -> SearchPlan:
    """Explicit `web_search` wins; else the workspace's default; else on unless the
    caller brought its own system prompt. Client tools put the client in charge."""
    wanted = chat.web_search
    if wanted is None:
        wanted = workspace_default if workspace_default is not None else not chat.has_custom_system_prompt()
    if not wanted or chat.tools or (chat.n or 1) > 1:
        return SearchPlan("off", "off")
    if not configured:
        return SearchPlan("off", "unavailable")
    return SearchPlan("tools" if spec.supports_tools else "upfront", "on")


@dataclass
class SearchLoop:
    upstream: UpstreamClient
    backend: SearchBackend
    scrub: Callable[[str], str]
    max_rounds: int
    max_results: int = 5
    timeout_s: float = 8.0
    searches: int = 0
    usage: dict[str, int] = field(default_factory=dict)

    async def search_upfront(self, payload: dict[str, Any]) -> None:
        """For models without tools: one search on the last user message, as context."""
        messages = payload["messages"]
        last_user = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=None)
        if last_user is None:
            return
        query = _text_of(messages[last_user].get("content"))
        content = await self._run_search(query)
        messages.insert(last_user, {"role": "system", "content": content})

    async def complete(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> dict[str, Any]:
        """A non-streaming answer after up to `max_rounds` rounds of searches."""
        payload = _with_tools(payload)
        for round_number in range(self.max_rounds + 1):
            if round_number == self.max_rounds:
                payload = _without_tools(payload)
            body = await self.upstream.complete(spec, payload, deadline)
            self._add_usage(body.get("usage"))
            message = (body.get("choices") or [{}])[0].get("message") or {}
            calls = message.get("tool_calls") or []
            if not calls or round_number == self.max_rounds:
                break
            await self._answer_calls(payload, message.get("content"), calls)
        message.pop("tool_calls", None)
        if body.get("choices"):
            body["choices"][0]["finish_reason"] = "stop"
        body["usage"] = dict(self.usage)
        return body

    async def stream(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> LoopStream:
        """Open the first round now (errors before any byte stay normal HTTP errors)."""
        payload = _with_tools(payload)
        first = await self.upstream.stream(spec, payload, deadline)
        return LoopStream(self, spec, payload, deadline, first)

    async def _answer_calls(self, payload: dict[str, Any], content: Any, calls: list[dict[str, Any]]) -> None:
        payload["messages"].append(
            {
                "role": "assistant",
                "content": content if isinstance(content, str) else None,
                "tool_calls": calls,
            }
        )
        results = await asyncio.gather(*(self._run_call(call) for call in calls))
        for call, result in zip(calls, results, strict=True):
            payload["messages"].append(
                {"role": "tool", "tool_call_id": call.get("id", ""), "content": result}
            )

    async def _run_call(self, call: dict[str, Any]) -> str:
        function = call.get("function") or {}
        if function.get("name") != TOOL_NAME:
            return f"Unknown tool; only {TOOL_NAME} is available."
        try:
            arguments = json.loads(function.get("arguments") or "")
            query = arguments["query"]
            if not isinstance(query, str) or not query.strip():
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return 'The web_search call had invalid arguments; call it as {"query": "..."}.'
        return await self._run_search(query)

    async def _run_search(self, query: str) -> str:
        self.searches += 1
        try:
            results = await self.backend.search(
                self.scrub(query), max_results=self.max_results, timeout_s=self.timeout_s
            )
        except SearchFailed:
            return failure_tool_content(self.backend.name)
        return self.scrub(results_to_tool_content(results))

    def _add_usage(self, usage: Any) -> None:
        if not isinstance(usage, dict):
            return
        for name in _USAGE_FIELDS:
            value = usage.get(name)
            if isinstance(value, int):
                self.usage[name] = self.usage.get(name, 0) + value


class LoopStream:
    """The rounds of a streamed answer as one provider-like event stream."""

    def __init__(
        self,
        loop: SearchLoop,
        spec: ModelSpec,
        payload: dict[str, Any],
        deadline: float,
        first: UpstreamStream,
    ) -> None:
        self._loop = loop
        self._spec = spec
        self._payload = payload
        self._deadline = deadline
        self._current = first
        self.response = first.response
        self.events = self._events()

    async def aclose(self) -> None:
        await self.events.aclose()
        await self._current.aclose()

    async def _events(self) -> AsyncGenerator[dict[str, Any]]:
        loop = self._loop
        last: dict[str, Any] = {}
        sent_role = False
        for round_number in range(loop.max_rounds + 1):
            calls: dict[int, dict[str, Any]] = {}
            content = ""
            async for event in self._current.events:
                last = event
                loop._add_usage(event.get("usage"))
                choices = event.get("choices") or []
                if not choices:
                    continue
                delta = dict(choices[0].get("delta") or {})
                _collect_calls(calls, delta.pop("tool_calls", None))
                if isinstance(delta.get("content"), str):
                    content += delta["content"]
                if sent_role:
                    delta.pop("role", None)
                sent_role = sent_role or "role" in delta
                finish = choices[0].get("finish_reason")
                if calls and finish:
                    finish = None  # the round ends in a search, not in an answer
                if delta or finish:
                    yield {
                        **event,
                        "usage": None,
                        "choices": [{**choices[0], "delta": delta, "finish_reason": finish}],
                    }
            if not calls or round_number == loop.max_rounds:
                break
            ordered = [calls[i] for i in sorted(calls)]
            await loop._answer_calls(self._payload, content or None, ordered)
            payload = self._payload if round_number + 1 < loop.max_rounds else _without_tools(self._payload)
            self._current = await loop.upstream.stream(self._spec, payload, self._deadline)
        yield {**last, "choices": [], "usage": dict(loop.usage)}


def _collect_calls(calls: dict[int, dict[str, Any]], deltas: Any) -> None:
    for delta in deltas or []:
        if not isinstance(delta, dict):
            continue
        call = calls.setdefault(
            int(delta.get("index", 0)),
            {"id": "", "type": "function", "function": {"name": "", "arguments": ""}},
        )
        call["id"] = delta.get("id") or call["id"]
        function = delta.get("function") or {}
        call["function"]["name"] += function.get("name") or ""
        call["function"]["arguments"] += function.get("arguments") or ""


def _with_tools(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        **payload,
        "messages": list(payload["messages"]),
        "tools": [WEB_SEARCH_TOOL],
        "tool_choice": "auto",
    }


def _without_tools(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in ("tools", "tool_choice", "parallel_tool_calls")}


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""
