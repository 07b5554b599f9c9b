"""The call stage: one object that gets the provider's answer, whole or streamed.

`Call` is the seam between the request side and the relay. A plain call asks the
provider once (`PlainCall`); a search call runs the `web_search` tool loop
(`SearchCall`); the relay sees the same two methods either way, so "is search on?"
is decided once, here, and nowhere else. Which provider API a model speaks (OpenAI-
compatible, Anthropic Messages, Bedrock Converse) is the provider switch's business
(`upstream/providers.py`): every client reads its answers into the same `Piece`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from gateway.answers import Piece
from gateway.catalog import ModelSpec
from gateway.pipeline.guards import scrub
from gateway.pipeline.prepare import Prepared
from gateway.pipeline.search_call import SearchCall
from gateway.services import Services
from gateway.upstream.client import AnswerStream
from gateway.upstream.providers import Upstream


class Call(Protocol):
    @property
    def searches(self) -> int:
        """Web searches run so far (for the audit record)."""
        ...

    async def complete(self, payload: dict[str, Any], deadline: float) -> Piece: ...

    async def stream(self, payload: dict[str, Any], deadline: float) -> AnswerStream:
        """The stream, once the provider's answer has started (retries are over then)."""
        ...


@dataclass
class PlainCall:
    upstream: Upstream
    spec: ModelSpec
    searches: int = 0

    async def complete(self, payload: dict[str, Any], deadline: float) -> Piece:
        return await self.upstream.complete(self.spec, payload, deadline)

    async def stream(self, payload: dict[str, Any], deadline: float) -> AnswerStream:
        return await self.upstream.stream(self.spec, payload, deadline)


def open_call(prepared: Prepared, services: Services) -> Call:
    spec = prepared.target.spec
    if prepared.plan.mode == "off" or services.search is None:
        return PlainCall(services.upstream, spec)
    return SearchCall(
        upstream=services.upstream,
        spec=spec,
        backend=services.search,
        scrub=partial(scrub, mode=prepared.protected.mode, config=prepared.protected.config),
        max_rounds=services.settings.web_search_max_rounds,
        upfront=prepared.plan.mode == "upfront",
    )
