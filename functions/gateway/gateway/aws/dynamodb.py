"""DynamoDB's JSON API over the gateway's own async HTTP pool.

Every chat request makes one or two conditional `UpdateItem` calls (usage and
limits before the provider call, tokens after it). Through boto3 each cost about
1.8 ms of CPU plus a worker-thread hop (bench/overhead.py); most of it is
botocore's generic machinery (parameter validation, event hooks, http.client).
This client sends the same JSON, signed with SigV4, on the shared httpx pool,
and never leaves the event loop. boto3 still does everything else (key lookups,
admin, the CLI) and is where credentials come from.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from gateway.aws.sigv4 import Credentials, sign

_TARGET_PREFIX = "DynamoDB_20120810."
_CONTENT_TYPE = "application/x-amz-json-1.0"
_RETRYABLE = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
    }
)
_ATTEMPTS = 3


class DynamoDBError(Exception):
    """A DynamoDB error; `code` is the exception name (e.g. ConditionalCheckFailedException)."""

    def __init__(self, code: str, item: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.item = item or {}


class DynamoDBJson:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        endpoint: str,
        region: str,
        credentials: Callable[[], Credentials],
        timeout_s: float = 5.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._http = http
        self._endpoint = endpoint.rstrip("/") + "/"
        parts = urlsplit(self._endpoint)
        self._host = parts.netloc
        self._path = parts.path or "/"
        self._region = region
        self._credentials = credentials
        self._timeout = timeout_s
        self._clock = clock

    async def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(request, separators=(",", ":")).encode()
        headers = {"content-type": _CONTENT_TYPE, "x-amz-target": _TARGET_PREFIX + operation}
        for attempt in range(_ATTEMPTS):
            signed = sign(
                method="POST",
                host=self._host,
                path=self._path,
                headers=headers,
                body=body,
                region=self._region,
                service="dynamodb",
                credentials=self._credentials(),
                now=self._clock(),
            )
            response = await self._http.post(
                self._endpoint, content=body, headers={**headers, **signed}, timeout=self._timeout
            )
            if response.status_code == 200:
                result: dict[str, Any] = response.json() if response.content else {}
                return result
            error = _error(response)
            if error.code not in _RETRYABLE or attempt == _ATTEMPTS - 1:
                raise error
            await asyncio.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")


def _error(response: httpx.Response) -> DynamoDBError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    kind = str(body.get("__type", f"HTTP{response.status_code}")).rpartition("#")[2]
    if response.status_code >= 500 and kind.startswith("HTTP"):
        kind = "InternalServerError"
    item = body.get("Item") if isinstance(body.get("Item"), dict) else None
    return DynamoDBError(kind, item)


def from_boto3(client: Any, http: httpx.AsyncClient) -> DynamoDBJson:
    """The endpoint and region the given boto3 client resolved (AWS_ENDPOINT_URL for
    moto included), and credentials from boto3's default chain (in Lambda, the
    function role's environment credentials)."""
    import boto3

    session_credentials = boto3.session.Session().get_credentials()
    if session_credentials is None:
        raise RuntimeError("no AWS credentials found for DynamoDB")

    def credentials() -> Credentials:
        # Refreshable credentials (an assumed role) refresh inside this call.
        frozen = session_credentials.get_frozen_credentials()
        return Credentials(frozen.access_key or "", frozen.secret_key or "", frozen.token)

    return DynamoDBJson(
        http, endpoint=client.meta.endpoint_url, region=client.meta.region_name, credentials=credentials
    )
