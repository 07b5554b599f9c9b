"""The provider switch: one client per provider API, chosen by the catalog row's `api`.

The call stage (`pipeline/call.py`, the search loop) and `GET /models` talk to one `Providers`
object with the same three methods as a single client; which wire a model's provider speaks
(OpenAI-compatible, Anthropic Messages, Bedrock Converse) is decided here, from data, and
nowhere else. Adding a provider API is a client subclass (`upstream/client.py`'s wire hooks),
a translation package under `gateway/formats/`, and one entry below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from gateway.answers import Piece
from gateway.catalog import Api, ModelSpec
from gateway.upstream.client import AnswerStream, UpstreamClient


class Upstream(Protocol):
    async def can_answer(self, spec: ModelSpec) -> bool: ...

    async def complete(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> Piece: ...

    async def stream(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> AnswerStream: ...


class Providers:
    def __init__(self, clients: Mapping[Api, UpstreamClient]) -> None:
        self._clients = dict(clients)

    def client(self, spec: ModelSpec) -> UpstreamClient:
        return self._clients[spec.api]

    async def can_answer(self, spec: ModelSpec) -> bool:
        return await self.client(spec).can_answer(spec)

    async def complete(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> Piece:
        return await self.client(spec).complete(spec, payload, deadline)

    async def stream(self, spec: ModelSpec, payload: dict[str, Any], deadline: float) -> AnswerStream:
        return await self.client(spec).stream(spec, payload, deadline)
