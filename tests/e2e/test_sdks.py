"""The official SDKs on every route, against the gateway as a process, with every provider API
behind it (issue 15): the `anthropic` SDK on Messages (as Claude Code speaks it), the `openai`
SDK on Responses (as Codex speaks it) and chat completions; the fake provider answering in
OpenAI's, Anthropic's or Bedrock's wire format. Only `base_url` and the key change."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import openai
import pytest

from tests.e2e.conftest import GatewayProcess
from tests.fakes.upstream import FakeUpstream, Reply, Stream

MODELS = {
    "openai": "openai/gpt-4o-mini",
    "anthropic": "anthropic/claude-sonnet-5",
    "bedrock": "bedrock/claude-sonnet-4-6",
}
PROVIDERS = sorted(MODELS)
CALL = {"id": "prov_9", "type": "function", "function": {"name": "weather", "arguments": '{"city": "Paris"}'}}
EMAIL = "jane.roe@example.com"


def claude(gateway: GatewayProcess, **auth: Any) -> anthropic.Anthropic:
    """As Claude Code configures it: ANTHROPIC_BASE_URL=<gateway>/api (the SDK adds /v1/messages)."""
    credentials = auth or {"api_key": gateway.api_key}
    return anthropic.Anthropic(base_url=f"{gateway.url}/api", max_retries=0, **credentials)


def oai(gateway: GatewayProcess) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{gateway.url}/api/v1", api_key=gateway.api_key, max_retries=0)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_anthropic_sdk_messages(
    gateway_process: GatewayProcess, upstream: FakeUpstream, provider: str
) -> None:
    upstream.queue(Reply(content="Paris."), Stream(pieces=["Par", "is", "."]))
    client = claude(gateway_process)
    message = client.messages.create(
        model=MODELS[provider],
        max_tokens=64,
        system="Be brief.",
        messages=[{"role": "user", "content": "Capital of France?"}],
    )
    assert message.content[0].type == "text" and message.content[0].text == "Paris."
    assert message.model == MODELS[provider] and message.stop_reason == "end_turn"
    assert message.id.startswith("msg_") and message.usage.output_tokens == 7
    with claude(gateway_process, auth_token=gateway_process.api_key).messages.stream(
        model=MODELS[provider], max_tokens=64, messages=[{"role": "user", "content": "Capital of France?"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Paris." and final.usage.output_tokens == 3 and final.stop_reason == "end_turn"


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_anthropic_sdk_tool_use_round_trip(
    gateway_process: GatewayProcess, upstream: FakeUpstream, provider: str, stream: bool
) -> None:
    upstream.queue(Reply(content="", tool_calls=[CALL]), Reply(content="Sunny in Paris."))
    client = claude(gateway_process)
    tools: Any = [{"name": "weather", "description": "Weather of a city", "input_schema": {"type": "object"}}]
    history: list[Any] = [{"role": "user", "content": f"Weather? Mail {EMAIL} after."}]
    kwargs: Any = {
        "model": MODELS[provider],
        "max_tokens": 64,
        "tools": tools,
        "extra_body": {"pii": "obfuscate"},
    }
    if stream:
        with client.messages.stream(messages=history, **kwargs) as events:
            first = events.get_final_message()
    else:
        first = client.messages.create(messages=history, **kwargs)
    use = next(block for block in first.content if block.type == "tool_use")
    assert first.stop_reason == "tool_use" and use.name == "weather" and use.input == {"city": "Paris"}
    history += [
        {"role": "assistant", "content": [block.model_dump() for block in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "sunny"}]},
    ]
    second = client.messages.create(messages=history, **kwargs)
    assert second.content[0].text == "Sunny in Paris."  # type: ignore[union-attr]
    sent = json.dumps(upstream.received[-1].json)
    assert use.id in sent and "sunny" in sent and EMAIL not in sent and "[REDACTED_EMAIL_1]" in sent


@pytest.mark.parametrize("provider", PROVIDERS)
def test_openai_sdk_responses(gateway_process: GatewayProcess, upstream: FakeUpstream, provider: str) -> None:
    upstream.queue(Reply(content="Paris."), Stream(pieces=["Par", "is", "."]))
    client = oai(gateway_process)
    response = client.responses.create(
        model=MODELS[provider], instructions="Be brief.", input="Capital of France?"
    )
    assert response.output_text == "Paris." and response.status == "completed"
    assert (
        response.model == MODELS[provider]
        and response.usage is not None
        and response.usage.total_tokens == 12
    )
    events = list(client.responses.create(model=MODELS[provider], input="Capital of France?", stream=True))
    kinds = [event.type for event in events]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "Paris."
    assert events[-1].response.output_text == "Paris."  # type: ignore[union-attr]


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_openai_sdk_responses_function_calls(
    gateway_process: GatewayProcess, upstream: FakeUpstream, provider: str, stream: bool
) -> None:
    upstream.queue(
        Reply(content="", tool_calls=[CALL]), Reply(content=f"Sunny; mailed {'[REDACTED_EMAIL_1]'}.")
    )
    client = oai(gateway_process)
    tools: Any = [{"type": "function", "name": "weather", "parameters": {"type": "object"}}]
    first_input: Any = [{"role": "user", "content": f"Weather? Mail {EMAIL} after."}]
    extra = {"pii": "obfuscate"}
    if stream:
        events = list(
            client.responses.create(
                model=MODELS[provider], input=first_input, tools=tools, stream=True, extra_body=extra
            )
        )
        first = events[-1].response  # type: ignore[union-attr]
    else:
        first = client.responses.create(
            model=MODELS[provider], input=first_input, tools=tools, extra_body=extra
        )
    call = next(item for item in first.output if item.type == "function_call")
    assert call.name == "weather" and json.loads(call.arguments) == {"city": "Paris"}
    second_input = [
        *first_input,
        *first.output,
        {"type": "function_call_output", "call_id": call.call_id, "output": "sunny"},
    ]
    second = client.responses.create(
        model=MODELS[provider], input=second_input, tools=tools, extra_body=extra
    )  # type: ignore[arg-type]
    assert second.output_text == f"Sunny; mailed {EMAIL}."
    assert EMAIL not in json.dumps(upstream.received[-1].json)


@pytest.mark.parametrize("provider", ["anthropic", "bedrock"])
def test_openai_sdk_chat_on_the_other_providers(
    gateway_process: GatewayProcess, upstream: FakeUpstream, provider: str
) -> None:
    upstream.queue(Reply(content="Paris."), Stream(pieces=["Par", "is", "."]))
    client = oai(gateway_process)
    messages: Any = [{"role": "user", "content": "Capital of France?"}]
    completion = client.chat.completions.create(model=MODELS[provider], messages=messages)
    assert completion.choices[0].message.content == "Paris."
    chunks = list(
        client.chat.completions.create(
            model=MODELS[provider], messages=messages, stream=True, stream_options={"include_usage": True}
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Paris."
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 8


def test_sdk_errors_are_typed(gateway_process: GatewayProcess, upstream: FakeUpstream) -> None:
    with pytest.raises(anthropic.AuthenticationError):
        claude(gateway_process, api_key="sgw-0123456789ab-" + "x" * 43).messages.create(
            model=MODELS["anthropic"], max_tokens=8, messages=[{"role": "user", "content": "hi"}]
        )
    with pytest.raises(anthropic.BadRequestError) as refused:
        claude(gateway_process).messages.create(
            model=MODELS["anthropic"],
            max_tokens=8,
            messages=[{"role": "user", "content": "my key is AKIA" + "Q3EGT5WZ7XKPLM2N"}],
        )
    assert refused.value.body["error"]["code"] == "secret_detected"  # type: ignore[index]
    with pytest.raises(openai.BadRequestError) as stateful:
        oai(gateway_process).responses.create(
            model=MODELS["openai"], input="hi", previous_response_id="resp_1"
        )
    assert stateful.value.param == "previous_response_id"
    assert upstream.received == []
