"""What an operator and an SDK see when things go wrong: error shapes, headers, log lines.

- `provider_not_configured` says where to put the key, and `x-should-retry: false` really
  stops the official SDK (counted as gateway requests in the audit trail, with a control
  that the SDK does retry a 502);
- an unexpected failure is a 500 in OpenAI's shape that still carries its `x-request-id`,
  with its audit record, and a log line that names the exception type only;
- DynamoDB failures on the key and usage path are 503 `key_store_unavailable`;
- LOG_LEVEL sets the operational log lines; audit records are written at every level;
- a provider that cannot be reached is logged with its host and the error's type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import httpx
import openai
import pytest
from fastapi import FastAPI

from dev import aws as dev_aws
from dev.threaded_server import ThreadedServer
from gateway.app import create_app
from gateway.services import build_services
from tests.conftest import Gateway, free_port
from tests.fakes.upstream import FakeUpstream, Reply, Status
from tests.helpers import MODEL, chat_body, error_of, post_chat

PROMPT_TEXT = "a question nobody else should read"


def sdk(gateway: Gateway, max_retries: int = 2) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.api, api_key=gateway.api_key, max_retries=max_retries)


def test_the_sdk_does_not_retry_a_missing_provider_key(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream
) -> None:
    gateway = gateway_factory(providers_secret=None, provider_keys_env={"openai": "sk-env"})
    with pytest.raises(openai.InternalServerError) as caught:
        sdk(gateway).chat.completions.create(
            model="xai/grok-beta", messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 503 and caught.value.response.headers["x-should-retry"] == "false"
    assert "XAI_API_KEY" in str(caught.value.body) and "GATEWAY_PROVIDERS_SECRET" in str(caught.value.body)
    codes = [r["error_code"] for r in gateway.audit.records()]
    assert codes == ["provider_not_configured"]  # one attempt, not three
    assert upstream.received == []


def test_control_the_sdk_does_retry_an_upstream_502(gateway: Gateway, upstream: FakeUpstream) -> None:
    upstream.queue(Status(401), Status(401), Status(401))  # our key refused: a 502, no gateway retry
    with pytest.raises(openai.InternalServerError):
        sdk(gateway).chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])
    assert [r["error_code"] for r in gateway.audit.records()] == ["upstream_error"] * 3


def crashing_app(gateway: Gateway) -> FastAPI:
    services = build_services(
        gateway.settings,
        audit_stream=gateway.audit,
    )
    app = create_app(gateway.settings, services)

    async def crash() -> None:
        raise RuntimeError(f"internal detail: {PROMPT_TEXT}")

    app.add_api_route("/api/v1/crash", crash)
    return app


def test_an_unexpected_failure_is_a_shaped_500_with_its_request_id(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    server = ThreadedServer(crashing_app(gateway), name="crashing").start()
    try:
        response = httpx.get(f"{server.url}/api/v1/crash")
    finally:
        server.stop()
    assert response.status_code == 500
    error = error_of(response)  # checks x-request-id too
    assert error["code"] == "internal_error" and error["type"] == "server_error"
    assert PROMPT_TEXT not in response.text
    logged = [r.getMessage() for r in caplog.records if r.name == "gateway"]
    assert logged == ["unhandled RuntimeError on /api/v1/crash"]


def test_an_unexpected_failure_in_a_chat_request_is_audited(
    gateway: Gateway, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gateway.pipeline import render

    def broken(self: object, piece: object) -> dict[str, object]:
        raise RuntimeError(PROMPT_TEXT)

    monkeypatch.setattr(render.ChatCompletionWriter, "completion", broken)
    response = post_chat(gateway)
    assert response.status_code == 500 and error_of(response)["code"] == "internal_error"
    (record,) = gateway.audit.records()
    assert (record["action"], record["status"], record["error_code"]) == ("error", 500, "internal_error")
    assert record["request_id"] == response.headers["x-request-id"]


def test_dynamodb_failures_are_a_503_key_store_unavailable(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream
) -> None:
    gateway = gateway_factory()
    assert post_chat(gateway).status_code == 200  # the key is looked up and cached
    gateway.aws.dynamodb.delete_table(TableName=dev_aws.KEYS_TABLE)
    response = post_chat(gateway)  # the usage update now fails
    error = error_of(response)
    assert response.status_code == 503 and error["code"] == "key_store_unavailable"
    assert gateway.audit.records()[-1]["error_code"] == "key_store_unavailable"


def test_an_unreachable_key_store_is_a_503_too(gateway: Gateway, upstream: FakeUpstream) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    aws = replace(gateway.settings.aws, service_endpoints={"dynamodb": closed})
    settings = replace(gateway.settings, aws=aws)
    services = build_services(settings, audit_stream=gateway.audit)
    server = ThreadedServer(create_app(settings, services), name="no-dynamodb").start()
    try:
        response = httpx.post(
            f"{server.url}/api/v1/chat/completions", headers=gateway.headers(), json=chat_body(), timeout=30
        )
    finally:
        server.stop()
    assert response.status_code == 503 and error_of(response)["code"] == "key_store_unavailable"


@pytest.mark.parametrize(("level", "shown"), [("DEBUG", True), ("WARNING", False)])
def test_log_level_sets_the_operational_lines_and_never_the_audit_trail(
    gateway_factory: Callable[..., Gateway],
    upstream: FakeUpstream,
    caplog: pytest.LogCaptureFixture,
    level: str,
    shown: bool,
) -> None:
    gateway = gateway_factory(log_level=level)
    upstream.queue(Status(503), Reply(content="recovered"))
    assert post_chat(gateway).status_code == 200
    retries = [r for r in caplog.records if r.name == "gateway.upstream" and "retrying" in r.getMessage()]
    assert bool(retries) is shown
    assert [r["action"] for r in gateway.audit.records()] == ["allowed"]


def test_an_unreachable_provider_is_logged_with_host_and_cause(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    gateway = gateway_factory(base_urls={"openai": f"http://127.0.0.1:{port}/v1"}, max_retries=0)
    caplog.set_level(logging.WARNING, logger="gateway")
    response = post_chat(gateway, chat_body(PROMPT_TEXT))
    assert response.status_code == 502
    (line,) = [r.getMessage() for r in caplog.records if r.name == "gateway.upstream"]
    assert line.startswith(f"provider 'openai' at 127.0.0.1:{port} failed: connection refused (")
    assert PROMPT_TEXT not in line and gateway.api_key not in line
