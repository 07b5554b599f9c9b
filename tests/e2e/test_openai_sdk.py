"""The official openai SDK against the gateway process: the way users meet it."""

from __future__ import annotations

import openai
import pytest

from tests.conftest import PROVIDER_KEYS
from tests.e2e.conftest import GatewayProcess
from tests.fakes.upstream import FakeUpstream, Reply, Status, Stream


def client(gateway: GatewayProcess, key: str | None = None) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{gateway.url}/api/v1", api_key=key or gateway.api_key, max_retries=0)


def test_non_streaming_completion(gateway_process: GatewayProcess, upstream: FakeUpstream) -> None:
    upstream.queue(Reply(content="Paris."))
    completion = client(gateway_process).chat.completions.create(
        model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Capital of France?"}]
    )
    assert completion.choices[0].message.content == "Paris."
    assert completion.model == "openai/gpt-4o-mini"
    assert completion.usage is not None and completion.usage.total_tokens == 12


def test_streaming_completion_with_usage(gateway_process: GatewayProcess, upstream: FakeUpstream) -> None:
    upstream.queue(Stream(pieces=["Par", "is", "."]))
    stream = client(gateway_process).chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "Capital of France?"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Paris."
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 8


def test_gateway_fields_through_extra_body(gateway_process: GatewayProcess, upstream: FakeUpstream) -> None:
    client(gateway_process).chat.completions.create(
        model="deepseek/deepseek-chat",
        messages=[{"role": "user", "content": "hi"}],
        extra_body={"system": "Be brief.", "web_search": False, "pii": "disabled"},
    )
    sent = upstream.received[0]
    assert sent.json["messages"][0] == {"role": "system", "content": "Be brief."}
    assert sent.headers["authorization"] == f"Bearer {PROVIDER_KEYS['deepseek']}"


def test_models(gateway_process: GatewayProcess) -> None:
    sdk = client(gateway_process)
    assert "openai/gpt-4o" in [m.id for m in sdk.models.list()]
    assert sdk.models.retrieve("openai/gpt-4o").id == "openai/gpt-4o"


def test_errors_are_typed_sdk_exceptions(gateway_process: GatewayProcess, upstream: FakeUpstream) -> None:
    messages = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.AuthenticationError) as auth:
        client(gateway_process, key="sgw-0123456789ab-" + "x" * 43).chat.completions.create(
            model="openai/gpt-4o-mini",
            messages=messages,  # type: ignore[arg-type]
        )
    assert auth.value.code == "invalid_api_key"
    with pytest.raises(openai.NotFoundError) as missing:
        client(gateway_process).chat.completions.create(model="acme/none", messages=messages)  # type: ignore[arg-type]
    assert missing.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError) as bad:
        client(gateway_process).chat.completions.create(
            model="openai/gpt-4o-mini",
            messages=messages,
            temperature=5,  # type: ignore[arg-type]
        )
    assert bad.value.code == "invalid_request" and bad.value.param == "temperature"
    upstream.queue(Status(500), Status(500), Status(500))
    with pytest.raises(openai.InternalServerError) as failed:
        client(gateway_process).chat.completions.create(model="openai/gpt-4o-mini", messages=messages)  # type: ignore[arg-type]
    assert failed.value.status_code == 502


def test_no_key_or_prompt_in_process_output(gateway_process: GatewayProcess, upstream: FakeUpstream) -> None:
    planted = "planted-canary-7f3a9c"
    sdk = client(gateway_process)
    sdk.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": planted}])
    upstream.queue(Status(400, body={"error": {"message": f"bad {planted}"}}))
    with pytest.raises(openai.BadRequestError):
        sdk.chat.completions.create(
            model="openai/gpt-4o-mini", messages=[{"role": "user", "content": planted}]
        )
    with pytest.raises(openai.AuthenticationError):
        client(gateway_process, key=f"sgw-{planted}").models.list()
    output = gateway_process.read_output()
    assert output  # uvicorn did log (access lines), so the check below reads real output
    for value in (planted, gateway_process.api_key, *PROVIDER_KEYS.values()):
        assert value not in output
