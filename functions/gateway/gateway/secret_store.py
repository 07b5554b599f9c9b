"""Reading Secrets Manager: provider keys (one JSON secret) and the admin key.

`GetSecretValue` goes through the gateway's own SigV4 client (`gateway.aws.json_api`),
so tests and `make dev` reach moto through `AWS_ENDPOINT_URL` and the serving process
never imports boto3. Values are cached in the event loop for `GATEWAY_SECRET_CACHE_S`.
Without a configured providers secret (a laptop with no AWS at all), provider keys come
from the usual environment variables instead. No value read here is ever logged or put
in an error.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from gateway.aws.json_api import AwsJson


class SecretNotJson(ValueError):
    """A secret read as JSON is not JSON (the value itself is never in the message)."""


class SecretReader:
    """Secret values, cached in the event loop for `max_age_s` (a read is on every request)."""

    def __init__(
        self,
        client_factory: Callable[[], AwsJson],
        max_age_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_factory = client_factory
        self._max_age = max_age_s
        self._clock = clock
        self._cache: dict[tuple[str, bool], tuple[float, Any]] = {}

    async def read(self, name: str, *, as_json: bool) -> Any:
        cached = self._cache.get((name, as_json))
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        answer = await self._client_factory().call("GetSecretValue", {"SecretId": name})
        value = answer.get("SecretString")
        if as_json and isinstance(value, str):
            value = _parsed(value)
        self._cache[(name, as_json)] = (self._clock() + self._max_age, value)
        return value


def _parsed(text: str) -> Any:
    """The JSON in `text`. The decoder's error keeps the whole text (`.doc`), so it is
    dropped before ours is raised: no exception chain carries the value."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    raise SecretNotJson("the secret is not JSON")


class ProviderKeys:
    def __init__(self, reader: SecretReader, secret_name: str | None, env_keys: Mapping[str, str]) -> None:
        self._reader = reader
        self._secret_name = secret_name
        self._env_keys = dict(env_keys)

    async def get(self, provider: str) -> str | None:
        if self._secret_name is None:
            return self._env_keys.get(provider)
        values = await self._reader.read(self._secret_name, as_json=True)
        value = values.get(provider) if isinstance(values, dict) else None
        return value if isinstance(value, str) and value else None


class AdminKey:
    """The administrator's key (a plain-string secret), compared in constant time."""

    def __init__(self, reader: SecretReader, secret_name: str | None) -> None:
        self._reader = reader
        self._secret_name = secret_name

    async def matches(self, presented: str) -> bool:
        if self._secret_name is None:
            return False  # no admin secret configured: the admin API is closed
        expected = await self._reader.read(self._secret_name, as_json=False)
        if not isinstance(expected, str) or not expected:
            return False
        return hmac.compare_digest(presented.encode(), expected.strip().encode())
