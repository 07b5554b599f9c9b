"""Masking through the whole app: what the provider receives, what the caller gets back.

Assertions are on the exact bytes the fake provider received, not on our own
intermediate objects.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream, Reply, Stream
from tests.helpers import answer_text, chat_body, post_chat

EMAIL = "jane.doe@example.org"
PHONE = "+1 415 555 0132"
CARD = "4111 1111 1111 1111"
SSN = "536-22-8491"
AWS_KEY = "AKIA" + "Q3EGT5WZ7XKPLM2N"
OPENAI_KEY = "sk-proj-" + "Xy7Kp2Lm9Qr4St6Uv8Wx0Za3Bc5De7Fg9Hj1Kl3Mn5Pq7Rs"
PII_PROMPT = f"Write to {EMAIL} or call {PHONE}; card {CARD}, SSN {SSN}."
PLANTED = (EMAIL, PHONE, CARD, SSN)


def sent_text(upstream: FakeUpstream) -> str:
    return b"".join(r.body for r in upstream.received).decode()


@pytest.mark.parametrize("stream", [False, True])
def test_obfuscate_masks_upstream_and_restores_for_the_caller(
    gateway: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    response = post_chat(gateway, chat_body(PII_PROMPT, stream=stream, pii="obfuscate"))
    assert response.status_code == 200
    provider_saw = sent_text(upstream)
    for value in PLANTED:
        assert value not in provider_saw
    assert "[REDACTED_EMAIL_1]" in provider_saw and "[REDACTED_SSN_1]" in provider_saw
    answer = answer_text(response)
    assert answer == f"echo: {PII_PROMPT}"
    assert response.headers["x-gateway-pii-mode"] == "obfuscate"
    masked = dict(item.split("=") for item in response.headers["x-gateway-pii-masked"].split(","))
    assert masked["EMAIL"] == "1" and masked["SSN"] == "1" and masked["CREDIT_CARD"] == "1"


def test_header_raises_the_mode_and_floors_cannot_be_lowered(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream
) -> None:
    gateway = gateway_factory(pii_floor="obfuscate")
    response = post_chat(gateway, chat_body(PII_PROMPT, pii="disabled"))
    assert response.headers["x-gateway-pii-mode"] == "obfuscate"
    assert EMAIL not in sent_text(upstream)
    response = httpx.post(
        f"{gateway.api}/chat/completions",
        headers={**gateway.headers(), "x-gateway-pii": "block"},
        json={"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": PII_PROMPT}]},
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "pii_detected"


@pytest.mark.parametrize("stream", [False, True])
def test_block_mode_never_calls_the_provider(gateway: Gateway, upstream: FakeUpstream, stream: bool) -> None:
    response = post_chat(gateway, chat_body(PII_PROMPT, stream=stream, pii="block"))
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "pii_detected"
    assert "EMAIL" in error["message"]
    assert all(value not in response.text for value in PLANTED)
    assert upstream.received == []


@pytest.mark.parametrize("pii", ["disabled", "obfuscate", "block"])
@pytest.mark.parametrize("secret", [AWS_KEY, OPENAI_KEY])
def test_secrets_are_refused_in_every_mode(
    gateway: Gateway, upstream: FakeUpstream, pii: str, secret: str
) -> None:
    response = post_chat(gateway, chat_body(f"deploy with {secret} please", pii=pii))
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "secret_detected"
    assert "messages[0]" in error["message"] and secret not in response.text
    assert upstream.received == []


@pytest.mark.parametrize(
    "body_extra",
    [
        {"system": f"The admin key is {AWS_KEY}"},
        {"user": OPENAI_KEY},
        {"stop": [AWS_KEY]},
        {
            "tools": [
                {
                    "type": "function",
                    "function": {"name": "f", "description": f"uses {AWS_KEY}", "parameters": {}},
                }
            ]
        },
        {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "x", "schema": {"description": AWS_KEY}},
            }
        },
    ],
)
def test_every_forwarded_field_is_scanned(
    gateway: Gateway, upstream: FakeUpstream, body_extra: dict[str, Any]
) -> None:
    response = post_chat(gateway, chat_body("hello", **body_extra))
    assert response.status_code == 400 and response.json()["error"]["code"] == "secret_detected"
    assert upstream.received == []


def test_tool_call_arguments_are_scanned(gateway: Gateway, upstream: FakeUpstream) -> None:
    calls = [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": json.dumps({"key": AWS_KEY})}}
    ]
    body = {
        "model": "openai/gpt-4o-mini",
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": None, "tool_calls": calls},
        ],
    }
    response = httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(), json=body)
    assert response.status_code == 400 and "messages[1]" in response.json()["error"]["message"]
    assert upstream.received == []


def test_non_text_parts_refused_unless_allowed(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream
) -> None:
    parts = [
        {"type": "text", "text": "what is this"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]
    response = post_chat(gateway_factory(), chat_body(parts))
    assert response.status_code == 400 and response.json()["error"]["code"] == "unsupported_content"
    assert upstream.received == []
    assert post_chat(gateway_factory(allow_non_text=True), chat_body(parts)).status_code == 200


@pytest.mark.parametrize("stream", [False, True])
def test_foreign_values_in_answers_are_redacted(
    gateway: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    leak = f"Sure: mail bob.smith@corp-secret.net, key {AWS_KEY}."
    upstream.queue(Stream(pieces=[leak[:12], leak[12:30], leak[30:]]) if stream else Reply(content=leak))
    response = post_chat(gateway, chat_body("hi", stream=stream, pii="obfuscate"))
    answer = answer_text(response)
    assert "bob.smith@corp-secret.net" not in response.text and AWS_KEY not in response.text
    assert "[REDACTED_EMAIL]" in answer and "[REDACTED_SECRET]" in answer


def test_foreign_secrets_are_redacted_even_when_pii_is_disabled(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    upstream.queue(Reply(content=f"use {OPENAI_KEY}"))
    response = post_chat(gateway, chat_body("hi", pii="disabled"))
    assert OPENAI_KEY not in response.text and "[REDACTED_SECRET]" in response.text


def test_scanner_failure_fails_closed(
    gateway: Gateway, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    import masking

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"boom {EMAIL}")

    monkeypatch.setattr(masking, "protect_request", explode)
    response = post_chat(gateway, chat_body(PII_PROMPT, pii="obfuscate"))
    error = response.json()["error"]
    assert response.status_code == 500 and error["code"] == "scanner_error" and EMAIL not in response.text
    assert upstream.received == []


def test_no_planted_value_in_captured_logs(
    gateway: Gateway, upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    post_chat(gateway, chat_body(PII_PROMPT, pii="obfuscate"))
    post_chat(gateway, chat_body(PII_PROMPT, stream=True, pii="obfuscate"))
    post_chat(gateway, chat_body(PII_PROMPT, pii="block"))
    post_chat(gateway, chat_body(f"key {AWS_KEY}"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for value in (*PLANTED, AWS_KEY, gateway.api_key):
        assert value not in logged


@pytest.mark.parametrize("stream", [False, True])
def test_show_upstream_is_opt_in_and_holds_only_placeholders(
    gateway: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    plain = post_chat(gateway, chat_body(PII_PROMPT, stream=stream, pii="obfuscate"))
    assert "upstream_request" not in plain.text
    shown = post_chat(gateway, chat_body(PII_PROMPT, stream=stream, pii="obfuscate", show_upstream=True))
    if stream:
        first = json.loads(shown.text.split("\n\n")[0].removeprefix("data: "))
        view = first["upstream_request"]
        assert shown.text.count("upstream_request") == 1
    else:
        view = shown.json()["upstream_request"]
    assert view["model"] == "gpt-4o-mini"
    assert view["messages"] == upstream.received[-1].json["messages"]
    assert "[REDACTED_EMAIL_1]" in json.dumps(view) and all(v not in json.dumps(view) for v in PLANTED)
