"""The long-lived collaborators of one process, built once and injected.

Lambda reuses a process for many invocations, so the HTTP pool and AWS clients
are created once and kept. boto3 clients are made on first use: importing and
configuring boto3 costs more than the rest of a cold start, and `/health` and
`/models` never need it. Tests pass their own clients instead of patching.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

import masking
from gateway.catalog import Catalog
from gateway.keys.auth import Authenticator
from gateway.keys.store import KeyStore
from gateway.protection import masking_config
from gateway.provider_keys import ProviderKeys
from gateway.settings import Settings
from gateway.upstream.client import UpstreamClient

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient


@dataclass
class Services:
    settings: Settings
    catalog: Catalog
    masking: masking.MaskingConfig
    upstream: UpstreamClient
    authenticator: Authenticator
    http: httpx.AsyncClient


def build_services(
    settings: Settings,
    *,
    http: httpx.AsyncClient | None = None,
    dynamodb: DynamoDBClient | None = None,
    secretsmanager: SecretsManagerClient | None = None,
) -> Services:
    catalog = Catalog(settings)
    config = masking_config(settings)
    if http is None:
        http = httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=settings.connect_timeout_s,
                read=settings.idle_timeout_s,
                write=settings.idle_timeout_s,
                pool=settings.connect_timeout_s,
            ),
            limits=httpx.Limits(max_connections=512, max_keepalive_connections=64),
        )
    keys = ProviderKeys(
        settings.providers_secret,
        _lazy(secretsmanager, "secretsmanager"),
        settings.provider_keys_env,
        settings.secret_cache_s,
    )

    def sanitize(message: str) -> str:
        # A provider's error text may quote the request back; scan it like an answer.
        try:
            return masking.guard_text(message, masking.Vault(), "block", config)[0]
        except Exception:
            return ""

    upstream = UpstreamClient(
        http,
        catalog,
        keys,
        max_retries=settings.max_retries,
        idle_timeout_s=settings.idle_timeout_s,
        sanitize_message=sanitize,
    )
    store = KeyStore(_lazy(dynamodb, "dynamodb"), settings.keys_table)
    authenticator = Authenticator(store, settings.key_cache_s)
    return Services(settings, catalog, config, upstream, authenticator, http)


def _lazy(client: Any, service: str) -> Any:
    """A factory returning the given client, or a boto3 client made on first call."""

    @functools.cache
    def factory() -> Any:
        if client is not None:
            return client
        import boto3

        return boto3.client(service)  # type: ignore[call-overload]

    return factory
