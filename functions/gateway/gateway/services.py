"""The long-lived collaborators of one process, built once and injected.

Lambda reuses a process for many invocations, so the HTTP pool and AWS clients
are created once and kept. The AWS clients (`gateway.aws.json_api`) are made on first
use, so a missing region fails that call (a 503), not the start; where they connect
and what signs their requests is `settings.aws`, so tests point them at moto instead
of patching. The serving process never imports boto3.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import httpx

import masking
from gateway.audit import Auditor
from gateway.aws.json_api import DYNAMODB, SECRETS_MANAGER, connect
from gateway.catalog import Catalog
from gateway.errors import ScannerError
from gateway.http_pool import new_pool
from gateway.keys.auth import Authenticator
from gateway.keys.store import KeyStore
from gateway.keys.usage import UsageCounter
from gateway.pipeline.guards import scrub
from gateway.policy import Policy, PolicyError, Workspace, load_policy
from gateway.protection import masking_config
from gateway.search.factory import build_backend
from gateway.search.types import SearchBackend
from gateway.secret_store import AdminKey, ProviderKeys, SecretReader
from gateway.settings import Settings
from gateway.upstream.anthropic import AnthropicClient
from gateway.upstream.bedrock import BedrockClient
from gateway.upstream.client import UpstreamClient
from gateway.upstream.providers import Providers
from masking import MaskingConfig
from masking.detectors.custom import EntityError


@dataclass
class Services:
    settings: Settings
    catalog: Catalog
    policy: Policy
    masking: masking.MaskingConfig
    upstream: Providers
    authenticator: Authenticator
    admin_key: AdminKey
    keys: KeyStore
    auditor: Auditor
    search: SearchBackend | None
    http: httpx.AsyncClient
    workspace_masking: Mapping[str, MaskingConfig] = field(default_factory=dict)

    def masking_for(self, workspace: Workspace | None) -> MaskingConfig:
        """The masking of a request: its workspace's (with the workspace's own entities) or
        the deployment's."""
        if workspace is None:
            return self.masking
        return self.workspace_masking.get(workspace.id, self.masking)


def build_services(
    settings: Settings,
    *,
    http: httpx.AsyncClient | None = None,
    audit_stream: IO[str] | None = None,
    extra_detectors: tuple[masking.Detector, ...] = (),
) -> Services:
    catalog = Catalog(settings)
    policy = load_policy(settings.policy_file)
    for workspace in policy.workspaces.values():
        if catalog.resolve(workspace.model) is None:
            raise PolicyError(f"workspace {workspace.id}: unknown model {workspace.model}")
    try:
        config = masking_config(settings, extra_detectors, policy.entities)
        workspace_masking = {
            w.id: masking_config(settings, extra_detectors, (*policy.entities, *w.entities))
            for w in policy.workspaces.values()
            if w.entities
        }
    except EntityError as exc:
        raise PolicyError(str(exc)) from None
    pool = http or new_pool(
        connect_timeout_s=settings.connect_timeout_s, idle_timeout_s=settings.idle_timeout_s
    )
    secrets = SecretReader(
        functools.cache(lambda: connect(settings.aws, SECRETS_MANAGER, pool)), settings.secret_cache_s
    )
    keys = ProviderKeys(secrets, settings.providers_secret, settings.provider_keys_env)

    def sanitize(message: str) -> str:
        # A provider's error text may quote the request back; scan it like an answer
        # (strictest mode: nothing of it is the caller's own) and drop it if that fails.
        try:
            return scrub(message, "block", config)
        except ScannerError:
            return ""

    common: dict[str, Any] = {
        "max_retries": settings.max_retries,
        "idle_timeout_s": settings.idle_timeout_s,
        "sanitize_message": sanitize,
    }
    upstream = Providers(
        {
            "openai": UpstreamClient(pool, catalog, keys, **common),
            "anthropic": AnthropicClient(pool, catalog, keys, **common),
            "bedrock": BedrockClient(
                pool,
                catalog,
                keys,
                region=settings.bedrock_region,
                credentials=settings.aws.credentials,
                **common,
            ),
        }
    )
    dynamodb = functools.cache(lambda: connect(settings.aws, DYNAMODB, pool))
    store = KeyStore(dynamodb, settings.keys_table)
    authenticator = Authenticator(
        store,
        UsageCounter(dynamodb, settings.keys_table),
        cache_seconds=settings.key_cache_s,
        default_rpm=settings.default_rpm,
        default_tpd=settings.default_tpd,
    )
    return Services(
        settings=settings,
        catalog=catalog,
        policy=policy,
        masking=config,
        upstream=upstream,
        authenticator=authenticator,
        admin_key=AdminKey(secrets, settings.admin_secret),
        keys=store,
        auditor=Auditor(settings.service_name, settings.metrics_namespace, audit_stream),
        search=build_backend(
            settings.search_backend, pool, key_provider=keys.get, base_url=settings.search_url
        ),
        http=pool,
        workspace_masking=workspace_masking,
    )
