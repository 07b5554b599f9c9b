"""No-leak proofs against the gateway as a real process (DESIGN §1.1, §4, §11).

Known secrets and personal data are planted in every place a request can carry text: body
fields that are forwarded (which must be scanned), body fields that are not (which must never
leave), headers, the URL. Every request runs in every PII mode, streamed and not, against a
`GATEWAY_ENV=prod` process started the way `run.sh` starts it (no access log) and a
`GATEWAY_ENV=dev` process with uvicorn's default access log on. The assertions are on bytes:

* what the fake provider received (bodies and headers): no secret ever; no personal value in
  `obfuscate` or `block` mode;
* every response header, and every error body: no planted value at all;
* successful bodies: no secret (a caller's own personal data may come back restored: that is
  `obfuscate` working, and `disabled` forwarding it on purpose);
* the raw stdout and stderr of the server process (uvicorn, Powertools audit lines, EMF
  metrics, tracebacks): no planted value at all, ever.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PROVIDER_KEYS
from tests.fakes.upstream import FakeUpstream, Reply, Status, Stream
from tests.helpers import MODEL, events_of, frames_of, post_route, route_error, stream_failed
from tests.reliability.conftest import GatewayProcess, ProcessFactory

pytestmark = pytest.mark.xdist_group("reliability-processes")

_B62 = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2eF4hJ6kL8nP0rS2uV4xY6"
# Assembled from parts so this file does not itself look like a leak to push protection.
SECRETS = {
    "aws": "AKIA" + "Q3EGT5WZ7XKPLM2N",
    "openai": "sk-proj-" + "Xy7Kp2Lm9Qr4St6Uv8Wx0Za3Bc5De7Fg9Hj1Kl3Mn5Pq7Rs",
    "github": "ghp_" + _B62[:36],
}
PII = {
    "email": "jane.planted@example.org",
    "phone": "+1 415 555 0132",
    "card": "4111 1111 1111 1111",
    "ssn": "536-22-8491",
    "iban": "DE89 3704 0044 0532 0130 00",
}
PII_TEXT = (
    f"Contact {PII['email']} or {PII['phone']}, card {PII['card']}, SSN {PII['ssn']}, IBAN {PII['iban']}"
)
MODES = ("disabled", "obfuscate", "block")


def needles(values: Iterator[str] | list[str]) -> list[str]:
    """Each value, and for long ones its middle too (a partly masked value is still a leak)."""
    out: list[str] = []
    for value in values:
        out.append(value)
        if len(value) >= 20:
            out.append(value[4:-4])
    return out


ALL_SECRETS = needles(list(SECRETS.values()))
ALL_PII = needles(list(PII.values()))
EVERYTHING = ALL_SECRETS + ALL_PII


def found(haystack: str, values: list[str]) -> list[str]:
    return [v for v in values if v in haystack]


# --------------------------------------------------------------------------- processes


@pytest.fixture(scope="module")
def processes(
    process_factory: ProcessFactory, fake_upstream_server: FakeUpstream
) -> dict[str, GatewayProcess]:
    return {
        "prod": process_factory(fake_upstream_server.base_url, name="prod", _ACCESS_LOG="off"),
        "dev": process_factory(fake_upstream_server.base_url, name="dev", GATEWAY_ENV="dev"),
    }


@pytest.fixture(params=["prod", "dev"])
def proc(request: pytest.FixtureRequest, processes: dict[str, GatewayProcess]) -> Iterator[GatewayProcess]:
    gateway = processes[request.param]
    yield gateway
    # After every test: the process's whole output so far holds no planted value.
    assert gateway.alive()
    leaked = found(gateway.read_output(), [*EVERYTHING, gateway.api_key, *PROVIDER_KEYS.values()])
    assert not leaked, f"planted values in the {request.param} process output: {leaked}"


# --------------------------------------------------------------------------- positions

Body = dict[str, Any]


def _user(content: Any = "hello", **fields: Any) -> dict[str, Any]:
    return {"role": "user", "content": content, **fields}


def _tool_exchange(
    arguments: str = "{}", result: str = "ok", call_id: str = "call_1"
) -> list[dict[str, Any]]:
    return [
        _user("what is the weather?"),
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": arguments}}
            ],
        },
        {"role": "tool", "tool_call_id": call_id, "content": result},
    ]


def _tool(
    description: str = "a tool", prop: str = "city", prop_description: str = "a city"
) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {
                "name": "weather",
                "description": description,
                "parameters": {
                    "type": "object",
                    "properties": {prop: {"type": "string", "description": prop_description}},
                },
            },
        }
    ]


# Places that are forwarded upstream, so the gateway must scan them.
FORWARDED: dict[str, Callable[[str], Body]] = {
    "content": lambda t: {"messages": [_user(f"please help: {t} thanks")]},
    "content-part": lambda t: {
        "messages": [_user([{"type": "text", "text": "hi"}, {"type": "text", "text": t}])]
    },
    "message-name": lambda t: {"messages": [_user("hi", name=t)]},
    "system-field": lambda t: {"system": f"You know {t}.", "messages": [_user()]},
    "system-message": lambda t: {"messages": [{"role": "system", "content": t}, _user()]},
    "developer-message": lambda t: {"messages": [{"role": "developer", "content": t}, _user()]},
    "assistant-message": lambda t: {
        "messages": [_user(), {"role": "assistant", "content": t}, _user("and?")]
    },
    "user-field": lambda t: {"messages": [_user()], "user": t[:256]},
    "stop-string": lambda t: {"messages": [_user()], "stop": t},
    "stop-list": lambda t: {"messages": [_user()], "stop": ["END", t]},
    "tool-description": lambda t: {"messages": [_user()], "tools": _tool(description=t)},
    "tool-parameter-description": lambda t: {"messages": [_user()], "tools": _tool(prop_description=t)},
    "tool-parameter-name": lambda t: {"messages": [_user()], "tools": _tool(prop=t)},
    "tool-choice": lambda t: {
        "messages": [_user()],
        "tools": _tool(),
        "tool_choice": {"type": "function", "function": {"name": t}},
    },
    "tool-call-arguments": lambda t: {"messages": _tool_exchange(arguments=json.dumps({"city": t}))},
    "tool-result": lambda t: {"messages": _tool_exchange(result=t)},
    "response-format-schema": lambda t: {
        "messages": [_user()],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": {"type": "object", "description": t, "enum": [t]}},
        },
    },
}

# Both leaked before the fix: a tool message's tool_call_id, and extra fields of a text part.
FORWARDED["tool-call-id"] = lambda t: {"messages": _tool_exchange(call_id=t)}
FORWARDED["content-part-extra-field"] = lambda t: {
    "messages": [_user([{"type": "text", "text": "hi", "note": t}])]
}

# Places that are accepted but never forwarded: nothing planted there may leave.
NOT_FORWARDED: dict[str, Callable[[str], Body]] = {
    "unknown-top-level-field": lambda t: {"messages": [_user()], "note": t, "metadata": {"tag": t}},
    "unknown-message-field": lambda t: {"messages": [_user("hi", note=t)]},
    "unknown-tool-call-field": lambda t: {
        "messages": [
            _user(),
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "c",
                        "type": "function",
                        "function": {"name": "f", "arguments": "{}", "note": t},
                        "x": t,
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c", "content": "ok"},
        ]
    },
    "unknown-stream-options-field": lambda t: {
        "messages": [_user()],
        "stream_options": {"include_usage": True, "note": t},
    },
}


def position_params() -> list[Any]:
    params = [pytest.param(name, build, True, id=name) for name, build in FORWARDED.items()]
    params += [pytest.param(name, build, False, id=name) for name, build in NOT_FORWARDED.items()]
    return params


# ----------------------------------------------------------------- the Messages and Responses wires
# The same planted values in every place the two agent wire formats carry text (issue 15). Each
# route speaks to a provider of another wire, so a string the translation forgot to scan, or an
# unknown field it forwarded, shows at the fake provider: Messages reaches Anthropic's API,
# Responses reaches Bedrock's Converse.
ROUTE_MODELS = {"messages": "anthropic/claude-haiku-4-5", "responses": "bedrock/claude-haiku-4-5"}


def _claude_tool(description: str = "a tool", prop: str = "city") -> list[dict[str, Any]]:
    schema = {"type": "object", "properties": {prop: {"type": "string", "description": description}}}
    return [{"name": "weather", "description": description, "input_schema": schema}]


def _claude_exchange(use_input: Any = None, result: Any = "ok", use_id: str = "toolu_1") -> list[Any]:
    return [
        _user("what is the weather?"),
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": use_id, "name": "weather", "input": use_input or {"city": "x"}}
            ],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use_id, "content": result}]},
    ]


def _fn_tool(description: str = "a tool", prop: str = "city") -> list[dict[str, Any]]:
    schema = {"type": "object", "properties": {prop: {"type": "string", "description": description}}}
    return [{"type": "function", "name": "weather", "description": description, "parameters": schema}]


def _fn_exchange(arguments: str = "{}", output: Any = "ok", call_id: str = "call_1") -> list[Any]:
    return [
        _user("what is the weather?"),
        {"type": "function_call", "call_id": call_id, "name": "weather", "arguments": arguments},
        {"type": "function_call_output", "call_id": call_id, "output": output},
    ]


WIRE_FORWARDED: dict[str, dict[str, Callable[[str], Body]]] = {
    "messages": {
        "text": lambda t: {"messages": [_user(f"please help: {t} thanks")]},
        "text-block": lambda t: {"messages": [_user([{"type": "text", "text": t}])]},
        "system-string": lambda t: {"system": f"You know {t}.", "messages": [_user()]},
        "system-blocks": lambda t: {"system": [{"type": "text", "text": t}], "messages": [_user()]},
        "assistant-turn": lambda t: {"messages": [_user(), {"role": "assistant", "content": t}, _user("?")]},
        "tool-use-input-value": lambda t: {"messages": _claude_exchange(use_input={"city": t})},
        "tool-use-input-key": lambda t: {"messages": _claude_exchange(use_input={t: "x"})},
        "tool-use-id": lambda t: {"messages": _claude_exchange(use_id=t)},
        "tool-result-string": lambda t: {"messages": _claude_exchange(result=t)},
        "tool-result-blocks": lambda t: {"messages": _claude_exchange(result=[{"type": "text", "text": t}])},
        "tool-description": lambda t: {"messages": [_user()], "tools": _claude_tool(description=t)},
        "tool-schema-key": lambda t: {"messages": [_user()], "tools": _claude_tool(prop=t)},
        "stop-sequences": lambda t: {"messages": [_user()], "stop_sequences": [t]},
        "metadata-user-id": lambda t: {"messages": [_user()], "metadata": {"user_id": t[:256]}},
    },
    "responses": {
        "input-string": lambda t: {"input": f"please help: {t} thanks"},
        "input-text-part": lambda t: {"input": [_user([{"type": "input_text", "text": t}])]},
        "instructions": lambda t: {"instructions": f"You know {t}.", "input": "hello"},
        "developer-item": lambda t: {"input": [{"role": "developer", "content": t}, _user()]},
        "assistant-output-text": lambda t: {
            "input": [
                _user(),
                {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": t}]},
                _user("?"),
            ]
        },
        "function-call-arguments": lambda t: {"input": _fn_exchange(arguments=json.dumps({"city": t}))},
        "function-call-id": lambda t: {"input": _fn_exchange(call_id=t)},
        "function-call-output": lambda t: {"input": _fn_exchange(output=t)},
        "function-call-output-parts": lambda t: {
            "input": _fn_exchange(output=[{"type": "input_text", "text": t}])
        },
        "tool-description": lambda t: {"input": "hello", "tools": _fn_tool(description=t)},
        "tool-schema-key": lambda t: {"input": "hello", "tools": _fn_tool(prop=t)},
        "text-format-schema": lambda t: {
            "input": "hello",
            "text": {"format": {"type": "json_schema", "name": "a", "schema": {"description": t}}},
        },
    },
}
WIRE_NOT_FORWARDED: dict[str, dict[str, Callable[[str], Body]]] = {
    "messages": {
        "unknown-top-level-field": lambda t: {"messages": [_user()], "note": t, "metadata": {"tag": t}},
        "unknown-block-field": lambda t: {
            "messages": [_user([{"type": "text", "text": "hi", "note": t, "cache_control": {"x": t}}])]
        },
        "thinking-block": lambda t: {
            "messages": [
                _user(),
                {"role": "assistant", "content": [{"type": "thinking", "thinking": t, "signature": t}]},
                _user("?"),
            ]
        },
        "unknown-tool-field": lambda t: {
            "messages": [_user()],
            "tools": [{**_claude_tool()[0], "note": t, "cache_control": {"type": t}}],
        },
    },
    "responses": {
        "unknown-top-level-field": lambda t: {"input": "hello", "note": t, "metadata": {"tag": t}},
        "unknown-item-field": lambda t: {"input": [{"role": "user", "content": "hello", "note": t}]},
        "reasoning-item": lambda t: {
            "input": [_user(), {"type": "reasoning", "id": "rs_1", "summary": [{"type": "x", "text": t}]}]
        },
        "unknown-tool-field": lambda t: {"input": "hello", "tools": [{**_fn_tool()[0], "note": t}]},
    },
}


def wire_params() -> list[Any]:
    return [
        pytest.param(route, name, build, forwarded, id=f"{route}-{name}")
        for forwarded, table in ((True, WIRE_FORWARDED), (False, WIRE_NOT_FORWARDED))
        for route, builds in table.items()
        for name, build in builds.items()
    ]


# --------------------------------------------------------------------------- checks


def send(gateway: GatewayProcess, body: Body, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(
        f"{gateway.api}/chat/completions",
        headers={**gateway.headers(), **(headers or {})},
        json=body,
        timeout=30,
    )


def upstream_saw(upstream: FakeUpstream) -> str:
    return "\n".join(r.body.decode(errors="replace") + json.dumps(r.headers) for r in upstream.received)


def check_response(response: httpx.Response, *, pii_may_return: bool, route: str = "chat") -> None:
    headers = json.dumps(dict(response.headers))
    assert not found(headers, EVERYTHING), f"planted value in response headers: {headers}"
    assert response.status_code < 500, response.text
    text = response.text
    streamed = response.headers.get("content-type", "").startswith("text/event-stream")
    if response.status_code >= 400 or (streamed and stream_failed(route, text)):
        assert not found(text, EVERYTHING), f"planted value in an error: {text[:500]}"
    assert not found(text, ALL_SECRETS)
    if not pii_may_return:
        assert not found(text, ALL_PII)
    if streamed and route == "chat":
        frames = frames_of(text)
        assert frames[-1] == "[DONE]"
        for frame in frames:
            if isinstance(frame, dict) and "error" in frame:
                assert not found(json.dumps(frame), EVERYTHING)
    elif streamed:  # named events, each checked to carry its own type; a stream always ends
        last = events_of(text)[-1]["type"]
        assert last in ("message_stop", "error", "response.completed", "response.failed"), last


def run_matrix(
    gateway: GatewayProcess,
    upstream: FakeUpstream,
    build: Callable[[str], Body],
    forwarded: bool,
    route: str = "chat",
) -> None:
    cases: list[tuple[str, str, bool, str]] = [
        ("secret", SECRETS["aws"], s, m) for m in MODES for s in (False, True)
    ]
    cases += [("secret", SECRETS[k], False, "disabled") for k in ("openai", "github")]
    cases += [("pii", PII_TEXT, s, m) for m in MODES for s in (False, True)]
    for kind, value, stream, mode in cases:
        upstream.reset()
        body = {"model": ROUTE_MODELS.get(route, MODEL), **build(value), "stream": stream, "pii": mode}
        if route == "messages":
            body["max_tokens"] = 256
        response = post_route(gateway, route, body)
        where = f"{route} {kind} mode={mode} stream={stream}"
        saw = upstream_saw(upstream)
        assert not found(saw, ALL_SECRETS), f"secret reached the provider ({where})"
        if mode != "disabled":
            assert not found(saw, ALL_PII), (
                f"personal data reached the provider ({where}): {found(saw, ALL_PII)}"
            )
        may_return = kind == "pii" and mode in ("disabled", "obfuscate")
        check_response(response, pii_may_return=may_return, route=route)
        if forwarded and kind == "secret":
            assert response.status_code == 400, (where, response.text[:300])
            assert route_error(route, response)["code"] == "secret_detected", where
        if forwarded and kind == "pii" and mode == "block":
            assert response.status_code == 400, (where, response.text[:300])
            assert route_error(route, response)["code"] == "pii_detected", where
        if not forwarded:
            assert response.status_code == 200, (where, response.text[:300])
            assert not found(saw, EVERYTHING), f"an unforwarded field left the gateway ({where})"


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize(("name", "build", "forwarded"), position_params())
def test_planted_values_in_the_body(
    proc: GatewayProcess, upstream: FakeUpstream, name: str, build: Callable[[str], Body], forwarded: bool
) -> None:
    run_matrix(proc, upstream, build, forwarded)


@pytest.mark.parametrize(("route", "name", "build", "forwarded"), wire_params())
def test_planted_values_in_the_agent_wire_formats(
    processes: dict[str, GatewayProcess],
    upstream: FakeUpstream,
    route: str,
    name: str,
    build: Callable[[str], Body],
    forwarded: bool,
) -> None:
    """On the process started as run.sh starts it only: what the dev process adds (uvicorn's
    access log) depends on the path, not the wire, and the chat positions above cover it."""
    gateway = processes["prod"]
    run_matrix(gateway, upstream, build, forwarded, route)
    assert gateway.alive()
    leaked = found(gateway.read_output(), [*EVERYTHING, gateway.api_key, *PROVIDER_KEYS.values()])
    assert not leaked, f"planted values in the process output: {leaked}"


def test_planted_values_in_the_model_field(proc: GatewayProcess, upstream: FakeUpstream) -> None:
    for value in [*SECRETS.values(), PII_TEXT[:200]]:
        for stream in (False, True):
            response = send(proc, {"model": value, "messages": [_user()], "stream": stream})
            assert response.status_code == 404 and response.json()["error"]["code"] == "model_not_found"
            check_response(response, pii_may_return=False)
    assert upstream.received == []


HEADER_CASES = {
    "x-gateway-pii": lambda v: {"x-gateway-pii": v},
    "authorization": lambda v: {"authorization": f"Bearer {v}"},
    "authorization-sgw-shaped": lambda v: {"authorization": f"Bearer sgw-0123456789ab-{v.replace(' ', '')}"},
    "x-request-id": lambda v: {"x-request-id": v},
    "x-amzn-lambda-context": lambda v: {
        "x-amzn-lambda-context": json.dumps({"deadline": v, "request_id": v})
    },
    "custom-header": lambda v: {"x-custom-note": v, "user-agent": v, "cookie": f"session={v}"},
}


@pytest.mark.parametrize("header", sorted(HEADER_CASES))
def test_planted_values_in_headers(proc: GatewayProcess, upstream: FakeUpstream, header: str) -> None:
    for value in [*SECRETS.values(), PII_TEXT]:
        for stream in (False, True):
            upstream.reset()
            headers = HEADER_CASES[header](value)
            body = {"model": MODEL, "messages": [_user()], "stream": stream}
            response = httpx.post(
                f"{proc.api}/chat/completions",
                headers={**proc.headers(), **headers},
                json=body,
                timeout=30,
            )
            check_response(response, pii_may_return=False)
            assert not found(upstream_saw(upstream), EVERYTHING), f"header {header} reached the provider"
            if header == "x-gateway-pii":
                assert response.status_code == 400 and response.json()["error"]["param"] == "pii"
            elif header.startswith("authorization"):
                assert response.status_code == 401
            else:
                assert response.status_code == 200


def test_planted_values_in_the_url(processes: dict[str, GatewayProcess], upstream: FakeUpstream) -> None:
    """Paths and query strings, against the process started as run.sh starts it (uvicorn's
    access log off: with it on, uvicorn prints every path and query string, so `make dev`'s
    output is for a developer's own eyes)."""
    gateway = processes["prod"]
    from urllib.parse import quote

    for value in [*SECRETS.values(), PII_TEXT]:
        encoded = quote(value, safe="")
        for url, method in [
            (f"{gateway.api}/models/{encoded}", "GET"),
            (f"{gateway.api}/models/{value.replace(' ', '')}", "GET"),
            (f"{gateway.api}/chat/completions?key={encoded}", "POST"),
            (f"{gateway.url}/{encoded}", "GET"),
            (f"{gateway.api}/keys/{encoded}", "DELETE"),
        ]:
            response = httpx.request(
                method,
                url,
                headers=gateway.headers(),
                json={"model": MODEL, "messages": [_user()]},
                timeout=30,
            )
            check_response(response, pii_may_return=False)
    assert not found(gateway.read_output(), EVERYTHING)
    assert "--no-access-log" in (Path(__file__).resolve().parents[2] / "functions/gateway/run.sh").read_text()


@pytest.mark.parametrize("mode", MODES)
def test_provider_quoting_planted_values_back(
    proc: GatewayProcess, upstream: FakeUpstream, mode: str
) -> None:
    """A provider that repeats secrets and someone else's personal data in its error, its
    answer or its stream: the caller and the process output never see them."""
    foreign = f"{SECRETS['openai']} {SECRETS['github']} {PII['email']} {PII['ssn']}"
    upstream.reset()
    upstream.queue(
        Status(400, body={"error": {"message": f"Invalid request near '{foreign}'"}}),
        Reply(content=f"Here you go: {foreign}"),
        Stream(pieces=["Here ", foreign[:30], foreign[30:], " done"]),
        Stream(pieces=["Here ", foreign], error_event_after=1),
    )
    for stream in (False, False, True, True):
        response = send(proc, {"model": MODEL, "messages": [_user()], "stream": stream, "pii": mode})
        headers = json.dumps(dict(response.headers))
        assert not found(headers, EVERYTHING)
        assert not found(response.text, ALL_SECRETS)
        if mode != "disabled":
            assert not found(response.text, ALL_PII)
        if response.status_code >= 400:
            assert not found(response.text, EVERYTHING)


def test_errors_on_every_route_echo_nothing(proc: GatewayProcess, upstream: FakeUpstream) -> None:
    """Malformed bodies quoting planted values, wrong types around them, wrong methods."""
    value = f"{SECRETS['aws']} {PII_TEXT}"
    bodies: list[bytes] = [
        f'{{"model": "{MODEL}", "messages": [{{"role": "user", "content": "{value}"'.encode(),  # truncated
        json.dumps({"model": MODEL, "messages": [{"role": value, "content": value}]}).encode(),
        json.dumps(
            {"model": MODEL, "messages": [{"role": "user", "content": value}], "temperature": value}
        ).encode(),
        json.dumps({"model": MODEL, "messages": [{"role": "user", "content": value}], "pii": value}).encode(),
        json.dumps(
            {"model": MODEL, "messages": [{"role": "user", "content": [{"type": value, "image_url": value}]}]}
        ).encode(),
        json.dumps(
            {"model": MODEL, "messages": [{"role": "user", "content": value}], "stop": [value] * 5}
        ).encode(),
        json.dumps({"model": MODEL, "messages": value}).encode(),
        json.dumps({value: value}).encode(),
        json.dumps([value]).encode(),
    ]
    for raw in bodies:
        response = httpx.post(
            f"{proc.api}/chat/completions",
            headers={**proc.headers(), "content-type": "application/json"},
            content=raw,
            timeout=30,
        )
        assert 400 <= response.status_code < 500, response.text
        check_response(response, pii_may_return=False)
    for method in ("PUT", "PATCH", "DELETE"):
        response = httpx.request(
            method, f"{proc.api}/chat/completions", headers=proc.headers(), content=value.encode()
        )
        check_response(response, pii_may_return=False)
    response = httpx.post(f"{proc.api}/keys", headers=proc.headers(), json={"name": value})
    assert response.status_code in (401, 403)
    check_response(response, pii_may_return=False)
    assert upstream.received == []


def test_the_output_checked_is_real_output(processes: dict[str, GatewayProcess]) -> None:
    """Guard against a vacuous pass: both processes wrote audit records and EMF metrics
    (and the dev one uvicorn access lines) to the very output scanned above."""
    for env, gateway in processes.items():
        output = gateway.read_output()
        assert '"audit"' in output and '"_aws"' in output and '"blocked_secret"' in output
        assert ('"POST /api/v1/chat/completions' in output) == (env == "dev")
        assert not found(output, [*EVERYTHING, gateway.api_key, *PROVIDER_KEYS.values()])
