"""Amazon Bedrock's Converse API as a provider: the wire of `UpstreamClient`, for `api="bedrock"`.

`POST {endpoint}/model/{model id}/converse` (or `/converse-stream`), signed with SigV4 for the
`bedrock` service with the function's own credentials (its IAM role in Lambda; boto3's default
chain elsewhere): there is no provider key to store. The template grants `bedrock:InvokeModel`
and `bedrock:InvokeModelWithResponseStream` for the configured models only. The endpoint is
the region's (`bedrock-runtime.{region}.amazonaws.com`) unless `GATEWAY_BEDROCK_BASE_URL`
overrides it; the region is `GATEWAY_BEDROCK_REGION`, else the Lambda's own.

The model id goes in the path with `/` percent-encoded (inference-profile ARNs hold it) and
`:` as it is: the pool's transport (aiohttp) decodes a `%3A` before sending, and SigV4 must sign
the path as sent, encoded once more, as AWS requires for every service but S3.
ConverseStream answers in AWS's binary event-stream framing (`formats/bedrock/eventstream.py`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from gateway.answers import Piece
from gateway.aws.sigv4 import Credentials, sign
from gateway.catalog import ModelSpec
from gateway.errors import ProviderNotConfigured, UpstreamError
from gateway.formats.bedrock.eventstream import EventStreamDecoder, EventStreamError
from gateway.formats.bedrock.outbound import converse_body
from gateway.formats.bedrock.reader import ConverseStream, read_converse
from gateway.upstream.client import UpstreamClient
from gateway.upstream.read import WrongShape

# Only for signing when GATEWAY_BEDROCK_BASE_URL is set without a region (a local stand-in).
_FALLBACK_REGION = "us-east-1"


class BedrockClient(UpstreamClient):
    stream_media_type = "application/vnd.amazon.eventstream"

    def __init__(
        self,
        *args: Any,
        region: str | None,
        credentials: Callable[[], Credentials | None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._region = region or _FALLBACK_REGION
        self._credentials = credentials
        self._clock = clock

    async def can_answer(self, spec: ModelSpec) -> bool:
        """A region or an endpoint is configured (credentials are the function's own)."""
        return self._catalog.has_base_url(spec.provider)

    def _url(self, spec: ModelSpec, stream: bool) -> str:
        if not self._catalog.has_base_url(spec.provider):
            raise ProviderNotConfigured(
                "Bedrock needs a region: set GATEWAY_BEDROCK_REGION (deployed, the function's own "
                "region is used) or GATEWAY_BEDROCK_BASE_URL."
            )
        action = "converse-stream" if stream else "converse"
        model = quote(spec.upstream_model, safe=":")
        return f"{self._catalog.base_url(spec.provider)}/model/{model}/{action}"

    def _body(self, spec: ModelSpec, payload: dict[str, Any]) -> bytes:
        return json.dumps(converse_body(payload, spec), ensure_ascii=False).encode()

    async def _headers(self, spec: ModelSpec, url: str, body: bytes, stream: bool) -> dict[str, str]:
        credentials = self._credentials()
        if credentials is None:
            raise ProviderNotConfigured("No AWS credentials were found to sign Bedrock requests with.")
        headers = {
            "content-type": "application/json",
            "accept": self.stream_media_type if stream else "application/json",
        }
        parts = urlsplit(url)
        signed = sign(
            method="POST",
            host=parts.netloc,
            path=quote(parts.path, safe="/-_.~"),  # the path's second encoding, for SigV4
            headers=headers,
            body=body,
            region=self._region,
            service="bedrock",
            credentials=credentials,
            now=self._clock(),
        )
        return {**headers, **signed}

    def _read_whole(self, body: Any) -> Piece:
        return read_converse(body)

    async def _decode(self, response: httpx.Response) -> AsyncGenerator[Piece | None]:
        decoder = EventStreamDecoder()
        events = ConverseStream()
        async for chunk in response.aiter_bytes():
            try:
                for message in decoder.feed(chunk):
                    yield events.read(message)
            except EventStreamError:
                raise WrongShape("event stream") from None
            yield None
        if not events.done or decoder.pending:
            raise UpstreamError("The provider's stream ended before it was complete.")
