"""Fake Tavily, Brave Search and SearXNG APIs on loopback, for the search backend tests.

Each fake answers its API's route in that API's JSON shape, built from its `hits`,
unless a test queued behaviours (`Json`, `Raw`, `Slow`, `Redirect`), which are
used one per request. Every request, on any path, is recorded exactly as it
arrived (method, path, query pairs in order, headers, body bytes), so tests assert
on what really left the gateway; a request to the wrong route is recorded too and
answered 404.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Self

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from dev.threaded_server import ThreadedServer


@dataclass(frozen=True)
class Hit:
    title: Any
    url: Any
    snippet: Any


DEFAULT_HITS = [
    Hit("Python (programming language)", "https://en.wikipedia.org/wiki/Python", "Python is a language."),
    Hit("Welcome to Python.org", "https://www.python.org/", "The official home of Python."),
]


@dataclass
class Json:
    payload: Any
    status: int = 200


@dataclass
class Raw:
    body: bytes
    status: int = 200
    content_type: str = "application/json"


@dataclass
class Slow:
    seconds: float
    then: Behaviour | None = None


@dataclass
class Redirect:
    location: str
    status: int = 307


Behaviour = Json | Raw | Slow | Redirect


@dataclass
class Received:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeSearchApi:
    """One API's route on a loopback server. Subclasses set the route and the JSON shape."""

    method = "GET"
    path = "/"
    hits: list[Hit] = field(default_factory=lambda: list(DEFAULT_HITS))
    received: list[Received] = field(default_factory=list)
    script: deque[Behaviour] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self.app = Starlette(
            routes=[
                Route(self.path, self._handle, methods=[self.method]),
                Route("/{rest:path}", self._elsewhere, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            ]
        )
        self._server = ThreadedServer(self.app, name=f"fake-{type(self).__name__}")

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def reset(self) -> None:
        self.hits = list(DEFAULT_HITS)
        self.received.clear()
        self.script.clear()

    def queue(self, *behaviours: Behaviour) -> None:
        self.script.extend(behaviours)

    def payload(self, request: Received) -> dict[str, Any]:
        raise NotImplementedError

    async def _record(self, request: Request) -> Received:
        received = Received(
            method=request.method,
            path=request.url.path,
            query=list(request.query_params.multi_items()),
            headers=dict(request.headers),
            body=await request.body(),
        )
        self.received.append(received)
        return received

    async def _elsewhere(self, request: Request) -> Response:
        await self._record(request)
        return JSONResponse({"error": "not found"}, status_code=404)

    async def _handle(self, request: Request) -> Response:
        received = await self._record(request)
        behaviour = self.script.popleft() if self.script else None
        while isinstance(behaviour, Slow):
            await asyncio.sleep(behaviour.seconds)
            behaviour = behaviour.then
        if behaviour is None:
            return JSONResponse(self.payload(received))
        if isinstance(behaviour, Json):
            return JSONResponse(behaviour.payload, status_code=behaviour.status)
        if isinstance(behaviour, Redirect):
            return RedirectResponse(behaviour.location, status_code=behaviour.status)
        return Response(behaviour.body, status_code=behaviour.status, media_type=behaviour.content_type)


def _query(request: Received, name: str) -> str:
    return next((value for key, value in request.query if key == name), "")


@dataclass
class FakeTavily(FakeSearchApi):
    method = "POST"
    path = "/search"

    def payload(self, request: Received) -> dict[str, Any]:
        return {
            "query": request.json.get("query", ""),
            "follow_up_questions": None,
            "answer": None,
            "images": [],
            "results": [
                {"title": h.title, "url": h.url, "content": h.snippet, "score": 0.9, "raw_content": None}
                for h in self.hits
            ],
            "response_time": 0.42,
        }


@dataclass
class FakeBrave(FakeSearchApi):
    method = "GET"
    path = "/res/v1/web/search"

    def payload(self, request: Received) -> dict[str, Any]:
        return {
            "type": "search",
            "query": {"original": _query(request, "q")},
            "web": {
                "type": "search",
                "results": [
                    {
                        "type": "search_result",
                        "title": h.title,
                        "url": h.url,
                        "description": h.snippet,
                        "is_source_local": False,
                    }
                    for h in self.hits
                ],
            },
        }


@dataclass
class FakeSearxng(FakeSearchApi):
    method = "GET"
    path = "/search"

    def payload(self, request: Received) -> dict[str, Any]:
        return {
            "query": _query(request, "q"),
            "number_of_results": len(self.hits),
            "results": [
                {"title": h.title, "url": h.url, "content": h.snippet, "engine": "fake", "score": 1.0}
                for h in self.hits
            ],
            "answers": [],
            "suggestions": [],
            "infoboxes": [],
            "unresponsive_engines": [],
        }
