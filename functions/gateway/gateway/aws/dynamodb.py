"""DynamoDB's JSON API on the gateway's own kept-alive connections (`gateway.aws.connections`).

Every chat request makes one or two conditional `UpdateItem` calls (usage and
limits before the provider call, tokens after it). Through boto3 each cost about
1.8 ms of CPU plus a worker-thread hop, through the shared httpx pool about 0.6 ms;
most of it generic machinery (parameter validation, event hooks, header objects,
connection-pool bookkeeping). This client sends the same JSON, signed with SigV4,
as one write on a kept-alive connection, and never leaves the event loop. boto3
still does everything else (key lookups, admin, the CLI) and is where the endpoint,
region and credentials come from.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from gateway.aws.connections import Answer, Connections
from gateway.aws.sigv4 import Credentials, sign
from gateway.http_pool import Pool

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
        connections: Connections,
        *,
        endpoint: str,
        region: str,
        credentials: Callable[[], Credentials],
        timeout_s: float = 5.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._connections = connections
        parts = urlsplit(endpoint.rstrip("/") + "/")
        self._host = parts.netloc
        self._path = parts.path or "/"
        self._region = region
        self._credentials = credentials
        self._timeout = timeout_s
        self._clock = clock

    async def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """One API call; the request leaves before the first await when a connection is idle."""
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
            answer = await self._connections.send(self._request(headers, signed, body), self._timeout)
            if answer.status == 200:
                result: dict[str, Any] = json.loads(answer.body) if answer.body else {}
                return result
            error = _error(answer)
            if error.code not in _RETRYABLE or attempt == _ATTEMPTS - 1:
                raise error
            await asyncio.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    def _request(self, headers: dict[str, str], signed: dict[str, str], body: bytes) -> bytes:
        lines = [f"POST {self._path} HTTP/1.1", f"host: {self._host}"]
        lines += [f"{name}: {value}" for name, value in (*headers.items(), *signed.items())]
        lines += [f"content-length: {len(body)}", "", ""]
        return "\r\n".join(lines).encode() + body


def _error(answer: Answer) -> DynamoDBError:
    try:
        body = json.loads(answer.body)
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    kind = str(body.get("__type", f"HTTP{answer.status}")).rpartition("#")[2]
    if answer.status >= 500 and kind.startswith("HTTP"):
        kind = "InternalServerError"
    item = body.get("Item") if isinstance(body.get("Item"), dict) else None
    return DynamoDBError(kind, item)


def from_boto3(client: Any, pool: httpx.AsyncClient | None = None) -> DynamoDBJson:
    """The endpoint and region the given boto3 client resolved (AWS_ENDPOINT_URL for
    moto included), and credentials from boto3's default chain (in Lambda, the
    function role's environment credentials). Its connections are attached to the
    process's pool, so whatever renews the pool (SnapStart's after-restore hook)
    renews them too."""
    import boto3

    session_credentials = boto3.session.Session().get_credentials()
    if session_credentials is None:
        raise RuntimeError("no AWS credentials found for DynamoDB")

    def credentials() -> Credentials:
        # Refreshable credentials (an assumed role) refresh inside this call.
        frozen = session_credentials.get_frozen_credentials()
        return Credentials(frozen.access_key or "", frozen.secret_key or "", frozen.token)

    endpoint = client.meta.endpoint_url
    connections = Connections(endpoint)
    if isinstance(pool, Pool):
        pool.attach(connections)
    return DynamoDBJson(
        connections,
        endpoint=endpoint,
        region=client.meta.region_name,
        credentials=credentials,
    )
