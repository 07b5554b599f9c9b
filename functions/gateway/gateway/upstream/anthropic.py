"""Anthropic's Messages API as a provider: the wire of `UpstreamClient`, for `api="anthropic"`.

`POST {base}/messages` with the key (the providers secret's `anthropic`, or `ANTHROPIC_API_KEY`
locally) as `x-api-key` and the API version the translation is written against. The body is
`formats/anthropic/outbound.py`'s translation of the masked payload; answers are read by
`formats/anthropic/reader.py`. Retries, deadlines and failures are the base client's.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

import httpx

from gateway.answers import Piece
from gateway.catalog import ModelSpec
from gateway.errors import UpstreamError
from gateway.formats.anthropic.outbound import messages_body
from gateway.formats.anthropic.reader import MessagesStream, read_message
from gateway.sse import SSEDecoder
from gateway.upstream.client import UpstreamClient

API_VERSION = "2023-06-01"


class AnthropicClient(UpstreamClient):
    def _url(self, spec: ModelSpec, stream: bool) -> str:
        return self._catalog.base_url(spec.provider) + "/messages"

    def _body(self, spec: ModelSpec, payload: dict[str, Any]) -> bytes:
        return json.dumps(messages_body(payload, spec), ensure_ascii=False).encode()

    async def _headers(self, spec: ModelSpec, url: str, body: bytes, stream: bool) -> dict[str, str]:
        return {
            "content-type": "application/json",
            "accept": "text/event-stream" if stream else "application/json",
            "x-api-key": await self._key(spec),
            "anthropic-version": API_VERSION,
        }

    def _read_whole(self, body: Any) -> Piece:
        return read_message(body)

    async def _decode(self, response: httpx.Response) -> AsyncGenerator[Piece | None]:
        decoder = SSEDecoder()
        events = MessagesStream()
        async for line in response.aiter_lines():
            for data in decoder.feed(line):
                yield events.read(_json(data))
                if events.done:
                    return
            yield None
        for data in decoder.close():
            yield events.read(_json(data))
        if not events.done:
            raise UpstreamError("The provider's stream ended before it was complete.")


def _json(data: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        raise UpstreamError("The provider sent a malformed stream event.") from None
