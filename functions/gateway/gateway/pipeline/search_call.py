"""The `web_search` call: the model asks, the gateway searches, the model answers.

A `SearchCall` is a call like `PlainCall` (`complete` and `stream`), so the relay
cannot tell them apart. With tools, the model is offered one function tool; when it
calls it, we search, append the call and the results to the (masked) conversation,
and ask again, for at most `max_rounds` rounds; the last call goes out without
tools so the model must answer. The client sees none of this traffic: only the
content of every round, one role piece, the last round's finish reason, and usage
summed over rounds. Models without tools get one search up front, on the last user
message, as a system message before it.

Privacy: queries are the model's words about the masked conversation, so they carry
placeholders and are never restored; they and the results pass `scrub` (the answer
guard with an empty vault), which removes secrets and, in the stricter PII modes,
personal data, and restores nothing, so no caller value can reach the search backend
or go back upstream in a result.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from gateway.answers import Piece, ToolCall, Usage
from gateway.catalog import ModelSpec
from gateway.schemas import ChatCompletionRequest
from gateway.search.format import failure_tool_content, results_to_tool_content
from gateway.search.types import SearchBackend, SearchFailed
from gateway.upstream.client import AnswerStream
from gateway.upstream.providers import Upstream

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
class SearchCall:
    upstream: Upstream
    spec: ModelSpec
    backend: SearchBackend
    scrub: Callable[[str], str]
    max_rounds: int
    upfront: bool  # the model has no tools: one search before the call, no loop
    max_results: int = 5
    timeout_s: float = 8.0
    searches: int = 0

    async def complete(self, payload: dict[str, Any], deadline: float) -> Piece:
        """A whole answer after up to `max_rounds` rounds of searches."""
        if self.upfront:
            return await self.upstream.complete(self.spec, await self._with_upfront(payload), deadline)
        payload = _with_tools(payload)
        usage = Usage()
        for round_number in range(self.max_rounds + 1):
            if round_number == self.max_rounds:
                payload = _without_tools(payload)
            piece = await self.upstream.complete(self.spec, payload, deadline)
            usage += piece.usage or Usage()
            first = piece.choices[0] if piece.choices else None
            if first is None or not first.tool_calls or round_number == self.max_rounds:
                break
            await self.answer_calls(payload, _text(first.content), first.tool_calls)
        choices = [replace(c, tool_calls=[], finish_reason="stop") for c in piece.choices[:1]]
        return Piece(choices, usage)

    async def stream(self, payload: dict[str, Any], deadline: float) -> AnswerStream:
        """Open the first round now (errors before any byte stay normal HTTP errors)."""
        if self.upfront:
            return await self.upstream.stream(self.spec, await self._with_upfront(payload), deadline)
        payload = _with_tools(payload)
        first = await self.upstream.stream(self.spec, payload, deadline)
        return LoopStream(self, payload, deadline, first)

    async def reopen(self, payload: dict[str, Any], deadline: float) -> AnswerStream:
        return await self.upstream.stream(self.spec, payload, deadline)

    async def answer_calls(self, payload: dict[str, Any], content: str | None, calls: list[ToolCall]) -> None:
        """Append the model's calls and our results to the conversation."""
        payload["messages"].append(
            {
                "role": "assistant",
                "content": content or None,
                "tool_calls": [
                    {
                        "id": call.id or "",
                        "type": "function",
                        "function": {"name": call.name or "", "arguments": call.arguments or ""},
                    }
                    for call in calls
                ],
            }
        )
        results = await asyncio.gather(*(self._run_call(call) for call in calls))
        for call, result in zip(calls, results, strict=True):
            payload["messages"].append({"role": "tool", "tool_call_id": call.id or "", "content": result})

    async def _with_upfront(self, payload: dict[str, Any]) -> dict[str, Any]:
        """For models without tools: one search on the last user message, as context."""
        messages = list(payload["messages"])
        last_user = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=None)
        if last_user is not None:
            content = await self._run_search(_text(messages[last_user].get("content")) or "")
            messages.insert(last_user, {"role": "system", "content": content})
        return {**payload, "messages": messages}

    async def _run_call(self, call: ToolCall) -> str:
        if call.name != TOOL_NAME:
            return f"Unknown tool; only {TOOL_NAME} is available."
        try:
            arguments = json.loads(call.arguments or "")
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


class LoopStream:
    """The rounds of a streamed answer as one answer stream."""

    def __init__(
        self, call: SearchCall, payload: dict[str, Any], deadline: float, first: AnswerStream
    ) -> None:
        self._call, self._payload, self._deadline, self._current = call, payload, deadline, first
        self.status = first.status
        self.pieces = self._rounds()

    async def aclose(self) -> None:
        await self.pieces.aclose()
        await self._current.aclose()

    async def _rounds(self) -> AsyncGenerator[Piece]:
        call = self._call
        usage = Usage()
        sent_role = False
        for round_number in range(call.max_rounds + 1):
            calls: dict[int, ToolCall] = {}
            content = ""
            async for piece in self._current.pieces:
                usage += piece.usage or Usage()
                if not piece.choices:
                    continue
                choice = piece.choices[0]
                _collect(calls, choice.tool_calls)
                content += _text(choice.content) or ""
                finish = None if calls and choice.finish_reason else choice.finish_reason
                out = replace(choice, tool_calls=[], role=choice.role and not sent_role, finish_reason=finish)
                sent_role = sent_role or choice.role
                if not out.is_empty():
                    yield Piece([out])
            if not calls or round_number == call.max_rounds:
                break
            await call.answer_calls(self._payload, content or None, [calls[i] for i in sorted(calls)])
            last = round_number + 1 == call.max_rounds
            self._current = await call.reopen(
                _without_tools(self._payload) if last else self._payload, self._deadline
            )
        yield Piece([], usage)


def _collect(calls: dict[int, ToolCall], pieces: list[ToolCall]) -> None:
    """Stream pieces of tool calls, put together by index (ids and names come once)."""
    for piece in pieces:
        call = calls.setdefault(piece.index, ToolCall(index=piece.index, name="", arguments=""))
        call.id = piece.id or call.id
        call.name = (call.name or "") + (piece.name or "")
        call.arguments = (call.arguments or "") + (piece.arguments or "")


def _text(content: str | list[str] | None) -> str | None:
    return "".join(content) if isinstance(content, list) else content


def _with_tools(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        **payload,
        "messages": list(payload["messages"]),
        "tools": [WEB_SEARCH_TOOL],
        "tool_choice": "auto",
    }


def _without_tools(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in ("tools", "tool_choice", "parallel_tool_calls")}
