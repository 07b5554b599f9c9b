"""AWS's JSON APIs (DynamoDB, Secrets Manager) on the gateway's own kept-alive connections
(`gateway.aws.connections`), signed with SigV4 (`gateway.aws.sigv4`).

Every chat request makes one or two conditional DynamoDB `UpdateItem` calls, and a
cold one a `GetItem` and a Secrets Manager read. Through boto3 each cost about 1.8 ms
of CPU plus a worker-thread hop, and boto3 itself about 20 MB of the process's memory
(its import and each client's service model); through the shared httpx pool a call
cost about 0.6 ms, most of it generic machinery. This client sends the same JSON as
one write on a kept-alive connection and never leaves the event loop; the endpoint,
region and credentials come from `gateway.aws.access`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from gateway.aws.access import AwsAccess
from gateway.aws.connections import Answer, Connections
from gateway.aws.sigv4 import Credentials, sign
from gateway.http_pool import Pool

_RETRYABLE = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalServiceError",
    }
)
_ATTEMPTS = 3


@dataclass(frozen=True)
class JsonService:
    """What tells one JSON API from another on the wire."""

    name: str  # the SigV4 service name and the endpoint's first label
    target_prefix: str  # X-Amz-Target is this plus the operation
    content_type: str


DYNAMODB = JsonService("dynamodb", "DynamoDB_20120810.", "application/x-amz-json-1.0")
SECRETS_MANAGER = JsonService("secretsmanager", "secretsmanager.", "application/x-amz-json-1.1")


class AwsError(Exception):
    """An error answer; `code` is its exception name (e.g. ConditionalCheckFailedException).

    The message is the code alone: AWS's own messages can quote table ARNs, key ids and
    secret names."""

    def __init__(self, code: str, item: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.item = item or {}


class AwsJson:
    def __init__(
        self,
        connections: Connections,
        service: JsonService,
        *,
        endpoint: str,
        region: str,
        credentials: Callable[[], Credentials],
        timeout_s: float = 5.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._connections = connections
        self._service = service
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
        headers = {
            "content-type": self._service.content_type,
            "x-amz-target": self._service.target_prefix + operation,
        }
        for attempt in range(_ATTEMPTS):
            signed = sign(
                method="POST",
                host=self._host,
                path=self._path,
                headers=headers,
                body=body,
                region=self._region,
                service=self._service.name,
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


def _error(answer: Answer) -> AwsError:
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
    return AwsError(kind, item)


def connect(access: AwsAccess, service: JsonService, pool: httpx.AsyncClient | None = None) -> AwsJson:
    """A client for `service` as `access` configures it (MissingRegion when no endpoint can
    be named). Its connections are attached to the process's pool, so whatever renews the
    pool (SnapStart's after-restore hook) renews them too, and share its TLS context."""
    endpoint = access.endpoint(service.name)
    if isinstance(pool, Pool):
        connections = Connections(endpoint, ssl_context=pool.ssl_context)
        pool.attach(connections)
    else:
        connections = Connections(endpoint)
    return AwsJson(
        connections,
        service,
        endpoint=endpoint,
        region=access.signing_region(),
        credentials=access.current_credentials,
    )
