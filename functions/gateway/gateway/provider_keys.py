"""Provider API keys, from one Secrets Manager JSON secret.

Powertools' SecretsProvider does the caching (`max_age`), with our injected boto3
client so tests and `make dev` reach moto. Without a configured secret (a laptop
with no AWS at all), keys come from the usual environment variables instead.
A key is never logged, and the error for a missing one names the provider only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager.client import SecretsManagerClient


class ProviderKeys:
    def __init__(
        self,
        secret_name: str | None,
        client_factory: Callable[[], SecretsManagerClient],
        env_keys: Mapping[str, str],
        max_age_s: float,
    ) -> None:
        self._secret_name = secret_name
        self._client_factory = client_factory
        self._env_keys = dict(env_keys)
        self._max_age = int(max_age_s)
        self._provider: Any = None

    async def get(self, provider: str) -> str | None:
        if self._secret_name is None:
            return self._env_keys.get(provider)
        values = await asyncio.to_thread(self._fetch)
        value = values.get(provider) if isinstance(values, dict) else None
        return value if isinstance(value, str) and value else None

    def _fetch(self) -> Any:
        if self._provider is None:
            # Imported here: Powertools' parameters module pulls in boto3, which a
            # cold start should not pay for before the first request needs it.
            from aws_lambda_powertools.utilities.parameters import SecretsProvider

            self._provider = SecretsProvider(boto3_client=self._client_factory())
        return self._provider.get(self._secret_name, transform="json", max_age=self._max_age)
