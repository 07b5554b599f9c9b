"""Shared fixtures: moto over HTTP, the fake provider, and a gateway under uvicorn.

Everything talks over real loopback sockets: boto3 reaches moto's server (its own
process, started the way `make dev` starts it: `dev/moto_server.py`, serial, so
conditional updates are atomic) through its endpoint URL, the gateway reaches the
fake provider through httpx, and tests reach the gateway with httpx or the
official openai SDK.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import boto3
import httpx
import pytest
from hypothesis import HealthCheck, settings

from dev import aws as dev_aws
from dev.moto_server import start_moto
from dev.ports import free_port  # re-exported: tests import it from here
from dev.processes import wait_ready
from dev.threaded_server import ThreadedServer
from gateway.app import create_app
from gateway.aws.access import AwsAccess
from gateway.services import build_services
from gateway.settings import Settings
from tests.fakes.search_backends import FakeBrave, FakeSearxng, FakeTavily
from tests.fakes.upstream import FakeUpstream

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

PROVIDER_KEYS = {
    "openai": "sk-fake-openai-provider-key",
    "google": "fake-google-provider-key",
    "xai": "xai-fake-provider-key",
    "deepseek": "sk-fake-deepseek-provider-key",
    "anthropic": "fake-anthropic-provider-key",
}


def provider_urls(upstream_url: str) -> dict[str, str]:
    """Every provider at the fake, in its own wire format (tests/fakes/wires.py): OpenAI-compatible
    ones at `upstream_url` (the fake's `/v1`), Anthropic and Bedrock beside it."""
    root = upstream_url.removesuffix("/v1")
    urls = {provider: upstream_url for provider in ("openai", "google", "xai", "deepseek")}
    return {**urls, "anthropic": f"{root}/anthropic/v1", "bedrock": f"{root}/bedrock"}


ADMIN_KEY = "admin-key-for-tests-7c1e0b9a4d"


@dataclass
class AwsClients:
    endpoint: str
    dynamodb: Any
    secretsmanager: Any

    @property
    def access(self) -> AwsAccess:
        """The same moto for the gateway's own AWS clients."""
        return dev_aws.access_of(self.dynamodb)


class AuditLog(io.StringIO):
    """Every audit and metric line the in-process gateways write in this session.

    One stream per session, emptied before each test that asks for it (`audit_log`).
    """

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.getvalue().splitlines() if line.strip()]

    def records(self) -> list[dict[str, Any]]:
        return [line["audit"] for line in self.lines() if "audit" in line]

    def metrics(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if "_aws" in line]


@dataclass
class Gateway:
    url: str
    api_key: str
    settings: Settings
    aws: AwsClients
    audit: AuditLog

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"authorization": f"Bearer {key or self.api_key}"}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    os.environ.update(
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
    )
    port = free_port()
    moto = start_moto(port)
    wait_ready(moto)
    yield f"http://127.0.0.1:{port}"
    moto.stop()


@pytest.fixture
def aws(moto_endpoint: str) -> AwsClients:
    httpx.post(f"{moto_endpoint}/moto-api/reset")
    return AwsClients(
        endpoint=moto_endpoint,
        dynamodb=boto3.client("dynamodb", endpoint_url=moto_endpoint),
        secretsmanager=boto3.client("secretsmanager", endpoint_url=moto_endpoint),
    )


@pytest.fixture(scope="session")
def fake_upstream_server() -> Iterator[FakeUpstream]:
    fake = FakeUpstream().start()
    yield fake
    fake.stop()


@pytest.fixture
def upstream(fake_upstream_server: FakeUpstream) -> FakeUpstream:
    fake_upstream_server.reset()
    return fake_upstream_server


@pytest.fixture(scope="session")
def tavily_server() -> Iterator[FakeTavily]:
    fake = FakeTavily().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def brave_server() -> Iterator[FakeBrave]:
    fake = FakeBrave().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def searxng_server() -> Iterator[FakeSearxng]:
    fake = FakeSearxng().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_tavily(tavily_server: FakeTavily) -> FakeTavily:
    tavily_server.reset()
    return tavily_server


@pytest.fixture
def fake_brave(brave_server: FakeBrave) -> FakeBrave:
    brave_server.reset()
    return brave_server


@pytest.fixture
def fake_searxng(searxng_server: FakeSearxng) -> FakeSearxng:
    searxng_server.reset()
    return searxng_server


def gateway_settings(upstream_url: str, **overrides: Any) -> Settings:
    base = Settings(
        env="dev",
        keys_table=dev_aws.KEYS_TABLE,
        providers_secret=dev_aws.PROVIDERS_SECRET,
        admin_secret=dev_aws.ADMIN_SECRET,
        base_urls=provider_urls(upstream_url),
        deadline_s=10,
        idle_timeout_s=5,
    )
    return replace(base, **overrides)


@pytest.fixture(scope="session")
def session_audit_log() -> AuditLog:
    return AuditLog()


@pytest.fixture
def audit_log(session_audit_log: AuditLog) -> AuditLog:
    session_audit_log.seek(0)
    session_audit_log.truncate()
    return session_audit_log


@pytest.fixture
def gateway_factory(
    aws: AwsClients, upstream: FakeUpstream, audit_log: AuditLog
) -> Iterator[Callable[..., Gateway]]:
    servers: list[ThreadedServer] = []
    seeded = dev_aws.seed(aws.dynamodb, aws.secretsmanager, provider_keys=PROVIDER_KEYS, admin_key=ADMIN_KEY)

    def make(extra_detectors: tuple[Any, ...] = (), **overrides: Any) -> Gateway:
        settings = gateway_settings(upstream.base_url, aws=aws.access, **overrides)
        services = build_services(
            settings,
            audit_stream=audit_log,
            extra_detectors=extra_detectors,
        )
        server = ThreadedServer(create_app(settings, services), name="gateway").start()
        servers.append(server)
        return Gateway(server.url, seeded.api_key.plaintext, settings, aws, audit_log)

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def gateway(gateway_factory: Callable[..., Gateway]) -> Gateway:
    return gateway_factory()
