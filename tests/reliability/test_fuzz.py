"""Fuzzing: schemathesis against the app's own OpenAPI document, and hypothesis-generated chat
requests with planted personal data and secrets through the real masking path.

Both are bounded for CI (HYPOTHESIS_PROFILE=ci: a few dozen examples per operation). The
gateway is the in-process uvicorn one, pointed at the fake provider, so chat calls really
complete (the provider echoes) and 502/503/504 would only mean the provider path broke.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from gateway.schemas import ChatCompletionRequest
from tests.conftest import ADMIN_KEY, Gateway
from tests.fakes.upstream import FakeUpstream
from tests.helpers import MODEL, frames_of

CHAT_PATHS = ("/api/v1/chat/completions", "/v1/chat/completions")
KNOWN_MODELS = ["openai/gpt-4o-mini", "openai/gpt-4o", "deepseek/deepseek-chat", "deepseek/deepseek-reasoner"]
# Hypothesis runs examples inside one test call: the fixtures are reset by hand per example.
FUZZ = settings(
    max_examples=settings.default.max_examples if settings.default.max_examples <= 60 else 60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    derandomize=True,
    database=None,
)


def openapi_document(gateway: Gateway) -> dict[str, Any]:
    response = httpx.get(f"{gateway.url}/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def with_chat_request_body(document: dict[str, Any], known_models_only: bool = False) -> dict[str, Any]:
    """The document as the proposed `openapi_extra` would make it: the chat operations get a
    JSON request body from ChatCompletionRequest's own schema (see the report's patch)."""
    schema = ChatCompletionRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    components = document.setdefault("components", {}).setdefault("schemas", {})
    components.update(schema.pop("$defs", {}))
    # Fuzzing only: a known model id, so generated bodies get past the 404 and through the
    # masking path to the provider (or any string too, for the model-not-found path).
    known = {"enum": KNOWN_MODELS}
    schema["properties"]["model"] = (
        known if known_models_only else {"anyOf": [known, schema["properties"]["model"]]}
    )
    components["ChatCompletionRequest"] = schema
    for path in CHAT_PATHS:
        document["paths"][path]["post"].setdefault(
            "requestBody",
            {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ChatCompletionRequest"}}
                },
            },
        )
    return document


@pytest.fixture
def dev_gateway(gateway_factory: Callable[..., Gateway]) -> Gateway:
    return gateway_factory(env="dev", default_rpm=10**9, deadline_s=5, idle_timeout_s=2)


# --------------------------------------------------------------------------- the document


def test_openapi_declares_the_chat_request_body(dev_gateway: Gateway) -> None:
    for path in CHAT_PATHS:
        assert "requestBody" in openapi_document(dev_gateway)["paths"][path]["post"]


def test_openapi_documents_the_errors_actually_sent(dev_gateway: Gateway) -> None:
    document = openapi_document(dev_gateway)
    for methods in document["paths"].values():
        for operation in methods.values():
            assert "422" not in operation["responses"]
            assert "401" in operation["responses"]


def test_no_docs_in_prod(gateway_factory: Callable[..., Gateway]) -> None:
    gateway = gateway_factory(env="prod")
    for path in ("/openapi.json", "/docs", "/redoc"):
        response = httpx.get(f"{gateway.url}{path}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


# --------------------------------------------------------------------------- schemathesis


def _operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, methods in document["paths"].items() for method in methods]


def _fuzz_operation(gateway: Gateway, upstream: FakeUpstream, method: str, path: str) -> int:
    document = with_chat_request_body(openapi_document(gateway))
    schema = schemathesis.openapi.from_dict(document)
    operation = schema[path][method].ok() if hasattr(schema[path][method], "ok") else schema[path][method]
    key = ADMIN_KEY if "/keys" in path else gateway.api_key
    calls = 0

    @FUZZ
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal calls
        upstream.reset()
        response = case.call(base_url=gateway.url, headers={"authorization": f"Bearer {key}"}, timeout=15)
        calls += 1
        status = response.status_code
        # 502/503/504 are documented provider failures; the fake provider never fails here,
        # so they would still be bugs: every 5xx is.
        assert status < 500, f"{method} {path} -> {status}: {response.text[:300]}"
        case.validate_response(
            response, checks=[not_a_server_error, response_schema_conformance, content_type_conformance]
        )
        if status >= 400:
            error = response.json()["error"]
            assert set(error) == {"message", "type", "param", "code"}, response.text
        if status == 200 and path in CHAT_PATHS:
            body = case.body if isinstance(case.body, dict) else {}
            if body.get("stream") is True:
                assert frames_of(response.text)[-1] == "[DONE]"
            else:
                assert response.json()["object"] == "chat.completion"

    run()
    return calls


def test_schemathesis_every_operation(dev_gateway: Gateway, upstream: FakeUpstream) -> None:
    """No 5xx, OpenAI-shaped errors, responses that match the document where it has a schema."""
    document = openapi_document(dev_gateway)
    operations = [op for op in _operations(document) if op[1].startswith("/api/v1/")] + [
        ("POST", "/v1/chat/completions")
    ]
    assert ("POST", "/api/v1/chat/completions") in operations
    total = 0
    for method, path in operations:
        total += _fuzz_operation(dev_gateway, upstream, method, path)
    assert total >= 5 * len(operations)


def test_schemathesis_chat_calls_reach_the_provider(dev_gateway: Gateway, upstream: FakeUpstream) -> None:
    """The generated chat bodies are not all refused: some are valid and are answered."""
    document = with_chat_request_body(openapi_document(dev_gateway), known_models_only=True)
    schema = schemathesis.openapi.from_dict(document)
    operation = schema["/api/v1/chat/completions"]["POST"]
    statuses: list[int] = []

    @FUZZ
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        response = case.call(base_url=dev_gateway.url, headers=dev_gateway.headers(), timeout=15)
        statuses.append(response.status_code)
        assert response.status_code < 500, response.text[:300]

    run()
    assert 200 in statuses or len(statuses) < 10, f"no generated request was answered: {set(statuses)}"


# --------------------------------------------------------------------------- masking path

_B62 = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2eF4hJ6kL8nP0rS2uV4xY6"
SECRET_VALUES = [
    "AKIA" + "Q3EGT5WZ7XKPLM2N",
    "sk-proj-" + "Xy7Kp2Lm9Qr4St6Uv8Wx0Za3Bc5De7Fg9Hj1Kl3Mn5Pq7Rs",
    "ghp_" + _B62[:36],
    "xoxb-" + "1234567890-1234567890123-" + _B62[:24],
    "glpat-" + _B62[:20],
]
PII_VALUES = [
    "jane.doe@example.org",
    "bob.smith+tag@mail.example.co.uk",
    "+1 415 555 0132",
    "(212) 555-0187",
    "4111 1111 1111 1111",
    "5500-0000-0000-0004",
    "536-22-8491",
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
]

filler = st.text(alphabet=string.ascii_letters + string.digits + " .,;:!?'-()\n", max_size=40)
separator = st.sampled_from([" ", "\n", ", ", ": ", " (", "\t", " - ", '"'])
word_start = st.sampled_from(string.ascii_letters)


@st.composite
def planted_text(draw: st.DrawFn, values: list[str]) -> tuple[str, list[str]]:
    """Text with some planted values, each surrounded by separators so it stands alone."""
    chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3))
    parts = [draw(filler)]
    for value in chosen:
        # What follows a value starts with a letter, so the value stays the number planted
        # (digits after it would make a longer one); "+1 415 555 0132 9am" has its own test below.
        parts += [draw(separator), value, draw(separator), draw(word_start), draw(filler)]
    return "".join(parts), chosen


@st.composite
def chat_request(draw: st.DrawFn, values: list[str]) -> tuple[dict[str, Any], list[str]]:
    """A chat body whose planted text sits in one or more forwarded places."""
    planted: list[str] = []

    def text() -> str:
        value, chosen = draw(planted_text(values))
        planted.extend(chosen)
        return value

    plain = st.text(alphabet=string.ascii_lowercase + " ", min_size=1, max_size=20)
    messages: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 4))):
        role = draw(st.sampled_from(["user", "assistant", "system"]))
        shape = draw(st.sampled_from(["string", "parts", "plain"]))
        if shape == "string":
            content: Any = text()
        elif shape == "parts":
            content = [{"type": "text", "text": text()}, {"type": "text", "text": draw(plain)}]
        else:
            content = draw(plain)
        message: dict[str, Any] = {"role": role, "content": content}
        if draw(st.booleans()):
            message["name"] = text() if draw(st.booleans()) else "bob"
        messages.append(message)
    messages.append({"role": "user", "content": text()})
    body: dict[str, Any] = {"model": MODEL, "messages": messages}
    if draw(st.booleans()):
        body["system"] = text()
    if draw(st.booleans()):
        body["stop"] = [text()[:50]]
    if draw(st.booleans()):
        body["tools"] = [
            {"type": "function", "function": {"name": "lookup", "description": text(), "parameters": {}}}
        ]
    if draw(st.booleans()):
        body["user"] = text()[:256]
    return body, planted


def _send(gateway: Gateway, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{gateway.api}/chat/completions", headers=gateway.headers(), json=body, timeout=30)


@pytest.mark.parametrize("mode", ["obfuscate", "block"])
def test_hypothesis_planted_pii_never_reaches_the_provider(
    dev_gateway: Gateway, upstream: FakeUpstream, mode: str
) -> None:
    answered = 0

    @FUZZ
    @given(request=chat_request(PII_VALUES), stream=st.booleans())
    def run(request: tuple[dict[str, Any], list[str]], stream: bool) -> None:
        nonlocal answered
        body, planted = request
        upstream.reset()
        response = _send(dev_gateway, {**body, "stream": stream, "pii": mode})
        sent = b"".join(r.body for r in upstream.received).decode()
        leaked = [v for v in planted if v in sent]
        assert not leaked, f"{mode}: {leaked} reached the provider\nbody={json.dumps(body)}\nsent={sent}"
        assert response.status_code < 500, response.text[:300]
        if mode == "block":
            assert response.status_code == 400 and response.json()["error"]["code"] == "pii_detected"
            assert upstream.received == []
        else:
            assert response.status_code == 200, response.text[:300]
            answered += 1
        for value in planted:
            assert value not in json.dumps(dict(response.headers))

    run()
    assert mode == "block" or answered > 0


@pytest.mark.parametrize("mode", ["disabled", "obfuscate", "block"])
def test_hypothesis_planted_secrets_never_reach_the_provider(
    dev_gateway: Gateway, upstream: FakeUpstream, mode: str
) -> None:
    @FUZZ
    @given(request=chat_request(SECRET_VALUES), stream=st.booleans())
    def run(request: tuple[dict[str, Any], list[str]], stream: bool) -> None:
        body, planted = request
        upstream.reset()
        response = _send(dev_gateway, {**body, "stream": stream, "pii": mode})
        assert upstream.received == [], "a request carrying a secret was forwarded"
        assert response.status_code == 400 and response.json()["error"]["code"] == "secret_detected"
        assert not [v for v in planted if v in response.text or v in json.dumps(dict(response.headers))]

    run()


@pytest.mark.parametrize(
    "text",
    [
        "call +1 415 555 0132 9am tomorrow",
        "reach (212) 555-0187 2nd floor desk",
        "ring 415-555-0132 5pm sharp",
    ],
)
def test_phone_followed_by_a_digit_letter_token_is_masked(
    gateway: Gateway, upstream: FakeUpstream, text: str
) -> None:
    response = _send(
        gateway, {"model": MODEL, "messages": [{"role": "user", "content": text}], "pii": "obfuscate"}
    )
    assert response.status_code == 200
    assert "[REDACTED_PHONE_1]" in upstream.received[0].json["messages"][-1]["content"]
