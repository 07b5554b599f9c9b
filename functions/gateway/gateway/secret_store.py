"""Reading Secrets Manager: provider keys (one JSON secret) and the admin key.

Powertools' SecretsProvider does the caching (`max_age`), with our injected boto3
client so tests and `make dev` reach moto. Without a configured providers secret
(a laptop with no AWS at all), provider keys come from the usual environment
variables instead. No value read here is ever logged or put in an error.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager.client import SecretsManagerClient


class SecretReader:
    """One cached Powertools SecretsProvider per process, created on first use.

    Powertools caches values for `max_age`; we keep the same values in the event
    loop too, so a cached read costs no worker-thread hop (it is on every request).
    """

    def __init__(
        self,
        client_factory: Callable[[], SecretsManagerClient],
        max_age_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_factory = client_factory
        self._max_age = int(max_age_s)
        self._clock = clock
        self._provider: Any = None
        self._cache: dict[tuple[str, bool], tuple[float, Any]] = {}

    async def read(self, name: str, *, as_json: bool) -> Any:
        cached = self._cache.get((name, as_json))
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        value = await asyncio.to_thread(self._read, name, as_json)
        self._cache[(name, as_json)] = (self._clock() + self._max_age, value)
        return value

    def _read(self, name: str, as_json: bool) -> Any:
        if self._provider is None:
            # Imported here: Powertools' parameters module pulls in boto3, which a
            # cold start should not pay for before the first request needs it.
            from aws_lambda_powertools.utilities.parameters import SecretsProvider

            self._provider = SecretsProvider(boto3_client=self._client_factory())
        return self._provider.get(name, transform="json" if as_json else None, max_age=self._max_age)


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
