"""Leak hunt 3 over HTTP: every place a route carries caller text, with the written forms that
need more than a plain scan (a client's json.dumps escapes them inside tool-call arguments, the
new phone separators, spaced dots and dashes among them, the older AWS and Vault key shapes),
and every error path the three routes have, quoting the values.

Request side: what the fake provider received. Error paths: the caller's error body, the
gateway's log records, its audit and EMF lines. The positions are the no-leak suite's
(tests/reliability/test_no_leak.py, against a process with planted values of one form); here
each position meets every form, in-process, in `obfuscate` mode (and credentials in `disabled`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream, Raw, Status
from tests.helpers import MODEL, post_route, route_body
from tests.reliability.test_no_leak import FORWARDED, ROUTE_MODELS, WIRE_FORWARDED

# (what the caller writes, what must not reach the provider: as written or JSON-escaped)
FORMS = [
    ("card 4111\u00a01111\u00a01111\u00a01111", "1111"),
    (
        "card \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",
        "\uff11\uff11\uff11",
    ),
    ("mail jane\uff20example.com", "example.com"),
    ("mail jane.roe@example\u3002com", "jane.roe"),
    ("mail jane.roe\\u0040example.com", "example.com"),
    ("call 415/555/2671", "2671"),
    ("call 415 - 555 - 2671", "2671"),
    ("call 415_555_2671", "2671"),
    ("call 415 . 555 . 2671", "2671"),
    ("call (415) 555 \u2013 2671", "2671"),
]
CREDENTIALS = [
    'log {\\"password\\":\\"hunter2x\\"}',
    "key\u3000sk-" + "proj-Xy7Kp2Lm9Qr4St6Uv8Wx0Za3Bc5De7Fg9Hj1Kl3Mn5Pq7Rs",
    "GOCSPX-" + "1a2B3c4D5e6F7g8H9i0J1k2L3m4N",
    "vault " + "s." + "Ab3dE5gH7jK9mN1pQ3sT5vW7",
    "key id A3T" + "X7QNGX7GBMMWZHNPL",
]
POSITIONS = [("chat", name, build) for name, build in FORWARDED.items()]
POSITIONS += [
    (route, name, build) for route, table in WIRE_FORWARDED.items() for name, build in table.items()
]


def _needles(gone: str) -> list[str]:
    """`gone` as written, JSON-escaped once and twice (arguments are JSON inside JSON)."""
    once = json.dumps(gone)[1:-1]
    return [gone, once, json.dumps(once)[1:-1]]


@pytest.fixture
def roomy(gateway_factory: Callable[..., Gateway]) -> Gateway:
    """A key whose rate limit does not stop a table of requests."""
    return gateway_factory(default_rpm=100_000)


def _body(route: str, build: Callable[[str], dict[str, Any]], text: str, mode: str) -> dict[str, Any]:
    body = {"model": ROUTE_MODELS.get(route, MODEL), **build(text), "pii": mode}
    if route == "messages":
        body["max_tokens"] = 256
    return body


@pytest.mark.parametrize(("route", "position", "build"), POSITIONS, ids=[f"{r}-{n}" for r, n, _ in POSITIONS])
def test_every_form_in_every_position_is_masked_or_refused(
    roomy: Gateway, upstream: FakeUpstream, route: str, position: str, build: Callable[[str], dict[str, Any]]
) -> None:
    for text, gone in FORMS:
        upstream.reset()
        response = post_route(roomy, route, _body(route, build, text, "obfuscate"))
        assert response.status_code == 200, (text, response.text[:300])
        sent = "\n".join(r.body.decode() for r in upstream.received)
        assert sent and not [n for n in _needles(gone) if n in sent], (text, sent[:600])
    for text in CREDENTIALS:
        upstream.reset()
        response = post_route(roomy, route, _body(route, build, text, "disabled"))
        assert response.status_code == 400 and "secret_detected" in response.text, (text, response.text[:300])
        assert upstream.received == []


# --------------------------------------------------------------------------- error paths

SECRET = "sk-proj-" + "Xy7Kp2Lm9Qr4St6Uv8Wx0Za3Bc5De7Fg9Hj1Kl3Mn5Pq7Rs"
EMAIL = "jane.planted@example.org"
SSN = "536-22-8491"
PLANTED = f"{SECRET} {EMAIL} {SSN}"
NEEDLES = [SECRET, SECRET[10:30], EMAIL, SSN]


def _bad_bodies(route: str) -> dict[str, bytes]:
    """Bodies each route refuses, every one quoting the planted values."""

    def raw(body: Any) -> bytes:
        return json.dumps(body).encode()

    items = [{"role": PLANTED, "content": PLANTED, "type": PLANTED}]
    return {
        "truncated-json": f'{{"model": "{MODEL}", "messages": [{{"role": "user", "content": "{PLANTED}"'.encode(),
        "lone-surrogate": f'{{"model": "{MODEL}", "input": "{PLANTED}\udc80"'.encode(
            "utf-8", "surrogatepass"
        ),
        "model-is-an-email": raw(route_body(route, "hi", model=EMAIL)),
        "model-is-a-key": raw(route_body(route, "hi", model=SECRET)),
        "temperature": raw(route_body(route, "hi", temperature=PLANTED)),
        "max-tokens": raw({**route_body(route, "hi"), "max_tokens": PLANTED}),
        "pii-mode": raw(route_body(route, "hi", pii=PLANTED)),
        "stream-flag": raw({**route_body(route, "hi"), "stream": PLANTED}),
        "turns": raw({"model": MODEL, "max_tokens": 5, "messages": items, "input": items}),
        "content-part-type": raw(route_body(route, [{"type": PLANTED, "text": PLANTED}])),
        "turns-a-string": raw({"model": MODEL, "max_tokens": 5, "messages": PLANTED, "input": 5}),
        "tool-choice": raw({**route_body(route, "hi"), "tool_choice": {"type": PLANTED, "name": PLANTED}}),
        "tools": raw({**route_body(route, "hi"), "tools": [{"type": PLANTED, "name": PLANTED}]}),
        "key-is-the-value": raw({PLANTED: PLANTED}),
        "a-list": raw([PLANTED]),
        "oversize": raw(route_body(route, PLANTED + " x" * 5000)),
    }


HEADERS = [
    {"x-gateway-pii": PLANTED},
    {"x-request-id": PLANTED},
    {"authorization": f"Bearer {SECRET}"},
    {"content-type": PLANTED},
]
PROVIDER_ERRORS: list[Status | Raw] = [
    Status(400, body={"error": {"message": f"bad request near {PLANTED}"}}),
    Status(400, body=f"plain text {PLANTED}"),
    Status(401, body={"error": {"message": f"key {PLANTED}"}}),
    Status(404, body={"error": {"message": f"model {PLANTED}"}}),
    Status(429, body={"error": {"message": f"slow down {PLANTED}"}}, headers={"retry-after": "0"}),
    Status(500, body={"error": {"message": f"boom {PLANTED}"}}),
    Raw(
        [
            b'data: {"choices":[{"index":0,"delta":{"content":"hi "}}]}\n\n',
            f'data: {{"error": {{"message": "failed at {PLANTED}"}}}}\n\n'.encode(),
        ],
        content_type="text/event-stream",
    ),
    Raw([f'{{"oops": "{PLANTED}"'.encode()]),
]


def _leaks(where: str, text: str) -> list[tuple[str, str]]:
    return [(where, n) for n in NEEDLES if n in text or json.dumps(n)[1:-1] in text]


@pytest.mark.parametrize("route", ["chat", "messages", "responses"])
def test_error_paths_quote_nothing_anywhere(
    gateway_factory: Callable[..., Gateway],
    upstream: FakeUpstream,
    caplog: pytest.LogCaptureFixture,
    route: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway = gateway_factory(max_body_bytes=4096, default_rpm=100_000)
    url = {"chat": "/chat/completions", "messages": "/messages", "responses": "/responses"}[route]
    leaks: list[tuple[str, str]] = []
    statuses: set[int] = set()
    for name, raw in _bad_bodies(route).items():
        headers = {**gateway.headers(), "content-type": "application/json"}
        response = httpx.post(f"{gateway.api}{url}", headers=headers, content=raw, timeout=30)
        statuses.add(response.status_code)
        leaks += _leaks(f"body {name}", response.text + json.dumps(dict(response.headers)))
    for extra in HEADERS:
        response = post_route(gateway, route, route_body(route, "hi"), headers=extra)
        statuses.add(response.status_code)
        leaks += _leaks(f"header {list(extra)}", response.text + json.dumps(dict(response.headers)))
    for behaviour in PROVIDER_ERRORS:
        for stream in (False, True):
            upstream.reset()
            upstream.queue(*[behaviour] * 4)  # retries meet the same answer
            response = post_route(gateway, route, route_body(route, "hi", stream=stream))
            statuses.add(response.status_code)
            leaks += _leaks(f"provider {behaviour!r:.40} stream={stream}", response.text)
    logged = caplog.text + "\n".join(repr(vars(record)) for record in caplog.records)
    leaks += _leaks("logs", logged) + _leaks("audit and metrics", gateway.audit.getvalue())
    assert not leaks, leaks
    # the paths were taken: refusals of each kind, provider failures, records and lines written
    assert {400, 401, 404, 413, 502} <= statuses, statuses
    assert caplog.records and gateway.audit.records() and gateway.audit.metrics()
