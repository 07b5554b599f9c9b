"""The web_search call on its own: rounds, hidden tool traffic, scrubbed queries, the round cap.

The provider is httpx.MockTransport behind the real upstream client; the backend is a
recording stand-in for the SearchBackend protocol.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

import masking
from gateway.answers import Piece
from gateway.catalog import Catalog
from gateway.pipeline.guards import scrub
from gateway.pipeline.search_call import TOOL_NAME, SearchCall
from gateway.search.types import SearchFailed, SearchResult
from gateway.secret_store import ProviderKeys, SecretReader
from gateway.settings import Settings
from gateway.upstream.client import UpstreamClient

CONFIG = masking.MaskingConfig()
PAYLOAD = {"model": "m", "messages": [{"role": "user", "content": "What is new in Python?"}]}


class Backend:
    name = "fake"

    def __init__(self, fail: bool = False) -> None:
        self.queries: list[str] = []
        self.fail = fail

    async def search(self, query: str, *, max_results: int, timeout_s: float) -> list[SearchResult]:
        self.queries.append(query)
        if self.fail:
            raise SearchFailed(self.name, "timed out")
        return [SearchResult(title="Python 3.14", url="https://www.python.org/", snippet="Released.")]


def call(query: str, call_id: str = "call_p1") -> dict[str, Any]:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": TOOL_NAME, "arguments": json.dumps({"query": query})},
    }


def completion(
    content: str | None, calls: list[dict[str, Any]] | None = None, tokens: int = 3
) -> httpx.Response:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = calls
    body = {
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {"prompt_tokens": tokens, "completion_tokens": tokens, "total_tokens": 2 * tokens},
    }
    return httpx.Response(200, json=body)


def stream(content: list[str], calls: list[dict[str, Any]] | None = None) -> httpx.Response:
    events: list[dict[str, Any]] = [
        {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}
    ]
    events += [{"choices": [{"index": 0, "delta": {"content": c}}]} for c in content]
    for i, c in enumerate(calls or []):
        head = {
            "index": i,
            "id": c["id"],
            "type": "function",
            "function": {"name": TOOL_NAME, "arguments": ""},
        }
        events.append({"choices": [{"index": 0, "delta": {"tool_calls": [head]}}]})
        piece = {"index": i, "function": {"arguments": c["function"]["arguments"]}}
        events.append({"choices": [{"index": 0, "delta": {"tool_calls": [piece]}}]})
    events.append(
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls" if calls else "stop"}]}
    )
    events.append({"choices": [], "usage": {"total_tokens": 4}})
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return httpx.Response(200, content=body.encode(), headers={"content-type": "text/event-stream"})


class Provider:
    def __init__(self, *replies: httpx.Response) -> None:
        self.replies = list(replies)
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        return self.replies.pop(0)


def search_call(
    provider: Provider,
    backend: Backend,
    *,
    max_rounds: int = 3,
    upfront: bool = False,
    mode: str = "obfuscate",
) -> SearchCall:
    settings = Settings(base_urls={"openai": "http://p.test/v1"})
    catalog = Catalog(settings)
    spec = catalog.resolve("openai/gpt-4o-mini")
    assert spec is not None
    reader = SecretReader(lambda: pytest.fail("no secret store"), 60)  # type: ignore[arg-type, return-value]
    upstream = UpstreamClient(
        httpx.AsyncClient(transport=httpx.MockTransport(provider)),
        catalog,
        ProviderKeys(reader, None, {"openai": "sk-test"}),
        max_retries=0,
        idle_timeout_s=5,
        sanitize_message=str,
    )
    return SearchCall(
        upstream=upstream,
        spec=spec,
        backend=backend,
        scrub=lambda text: scrub(text, mode, CONFIG),  # type: ignore[arg-type]
        max_rounds=max_rounds,
        upfront=upfront,
    )


def deadline() -> float:
    return asyncio.get_running_loop().time() + 30


async def test_one_round_then_the_answer() -> None:
    provider = Provider(completion(None, [call("python release")], tokens=2), completion("Python 3.14 [1]."))
    backend = Backend()
    searching = search_call(provider, backend)
    piece = await searching.complete(dict(PAYLOAD), deadline())
    (choice,) = piece.choices
    assert choice.content == "Python 3.14 [1]." and choice.tool_calls == [] and choice.finish_reason == "stop"
    assert piece.usage is not None and piece.usage.as_dict() == {
        "prompt_tokens": 5,
        "completion_tokens": 5,
        "total_tokens": 10,
    }
    assert backend.queries == ["python release"] and searching.searches == 1
    first, second = provider.bodies
    assert first["tools"][0]["function"]["name"] == TOOL_NAME and first["tool_choice"] == "auto"
    assert [m["role"] for m in second["messages"][-2:]] == ["assistant", "tool"]
    assert second["messages"][-1]["tool_call_id"] == "call_p1"  # the provider's id, inside the loop
    assert "https://www.python.org/" in second["messages"][-1]["content"]


async def test_queries_and_results_are_scrubbed_never_restored() -> None:
    key = "AKIA" + "Q3EGT5WZ7XKPLM2N"
    provider = Provider(
        completion(None, [call(f"who is bob@corp.example {key} [REDACTED_EMAIL_1]")]), completion("ok")
    )
    backend = Backend()
    await search_call(provider, backend).complete(dict(PAYLOAD), deadline())
    (query,) = backend.queries
    assert key not in query and "bob@corp.example" not in query and "[REDACTED_EMAIL_1]" in query


async def test_rounds_are_capped_and_the_last_call_has_no_tools() -> None:
    again = [call("again")]
    provider = Provider(completion(None, again), completion(None, again), completion("done"))
    backend = Backend()
    piece = await search_call(provider, backend, max_rounds=2).complete(dict(PAYLOAD), deadline())
    assert piece.choices[0].content == "done" and len(backend.queries) == 2
    assert "tools" not in provider.bodies[-1] and "tool_choice" not in provider.bodies[-1]


async def test_a_failed_search_is_a_tool_result_not_an_error() -> None:
    provider = Provider(completion(None, [call("x")]), completion("sorry"))
    await search_call(provider, Backend(fail=True)).complete(dict(PAYLOAD), deadline())
    assert "Web search failed" in provider.bodies[1]["messages"][-1]["content"]


async def test_invalid_arguments_and_unknown_tools_are_answered_to_the_model() -> None:
    bad = {"id": "c1", "type": "function", "function": {"name": TOOL_NAME, "arguments": "{oops"}}
    other = {"id": "c2", "type": "function", "function": {"name": "rm_rf", "arguments": "{}"}}
    provider = Provider(completion(None, [bad, other]), completion("ok"))
    backend = Backend()
    await search_call(provider, backend).complete(dict(PAYLOAD), deadline())
    results = [m["content"] for m in provider.bodies[1]["messages"] if m["role"] == "tool"]
    assert "invalid arguments" in results[0] and "Unknown tool" in results[1] and backend.queries == []


async def test_a_streamed_loop_shows_content_and_one_role_never_the_tool_traffic() -> None:
    provider = Provider(
        stream(["Let me look. "], [call("python"), call("pypi", "call_p2")]), stream(["Python ", "rocks."])
    )
    backend = Backend()
    searching = search_call(provider, backend)
    answer = await searching.stream(dict(PAYLOAD), deadline())
    pieces: list[Piece] = [piece async for piece in answer.pieces]
    choices = [c for p in pieces for c in p.choices]
    assert "".join(c.content or "" for c in choices) == "Let me look. Python rocks."
    assert [c.role for c in choices].count(True) == 1 and all(c.tool_calls == [] for c in choices)
    assert [c.finish_reason for c in choices if c.finish_reason] == ["stop"]
    assert pieces[-1].choices == [] and pieces[-1].usage is not None and pieces[-1].usage.total_tokens == 8
    assert backend.queries == ["python", "pypi"] and searching.searches == 2
    sent = provider.bodies[1]["messages"]
    assert sent[-3]["content"] == "Let me look. " and [m["tool_call_id"] for m in sent[-2:]] == [
        "call_p1",
        "call_p2",
    ]


async def test_models_without_tools_get_one_search_up_front() -> None:
    provider = Provider(completion("It is 3.14."))
    backend = Backend()
    piece = await search_call(provider, backend, upfront=True).complete(dict(PAYLOAD), deadline())
    assert piece.choices[0].content == "It is 3.14." and backend.queries == ["What is new in Python?"]
    (sent,) = provider.bodies
    assert "tools" not in sent and [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert "https://www.python.org/" in sent["messages"][0]["content"]
    assert PAYLOAD["messages"] == [{"role": "user", "content": "What is new in Python?"}]  # not mutated
