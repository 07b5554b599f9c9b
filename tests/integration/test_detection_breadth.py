"""Detection breadth through the app: locales, the policy's own entities (deployment-wide and
per workspace), and the numbers the gateway forwards as numbers (`seed`, `max_tokens`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.policy import PolicyError
from gateway.services import build_services
from tests.conftest import Gateway, gateway_settings
from tests.fakes.upstream import FakeUpstream
from tests.helpers import answer_text, chat_body, post_chat

POLICY = {
    "entities": [
        {"name": "EMPLOYEE_ID", "pattern": "EMP-\\d{6}"},
        {"name": "PROJECT", "pattern": "(?i)project (?:bluebird|nightjar)", "action": "block"},
    ],
    "workspaces": [
        {
            "id": "workspace/hr",
            "model": "openai/gpt-4o-mini",
            "entities": [{"name": "CASE_NO", "pattern": "HR-\\d{5}", "context": ["case"]}],
        }
    ],
}
NINO = "AB 12 34 56 C"


@pytest.fixture
def gateway(gateway_factory: Callable[..., Gateway], tmp_path: Path) -> Gateway:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY))
    return gateway_factory(policy_file=str(path), pii_locales=("us", "uk"), phone_regions=("US", "GB"))


@pytest.mark.parametrize("stream", [False, True])
def test_entities_and_locale_ids_are_masked_and_restored(
    gateway: Gateway, upstream: FakeUpstream, stream: bool
) -> None:
    prompt = f"EMP-004211 has National Insurance number {NINO} and SSN 536-22-1234."
    response = post_chat(gateway, chat_body(prompt, stream=stream, pii="obfuscate"))
    assert response.status_code == 200
    sent = json.dumps(upstream.received[-1].json)
    for value in ("EMP-004211", NINO, "536-22-1234"):
        assert value not in sent
    assert "[REDACTED_EMPLOYEE_ID_1]" in sent and "[REDACTED_NATIONAL_ID_1]" in sent
    assert prompt in answer_text(response)  # the fake provider echoes; the gateway restores
    masked = response.headers["x-gateway-pii-masked"]
    assert "EMPLOYEE_ID=1" in masked and "NATIONAL_ID=1" in masked and "SSN=1" in masked
    assert gateway.audit.records()[-1]["pii_found"] == {"EMPLOYEE_ID": 1, "NATIONAL_ID": 1, "SSN": 1}


@pytest.mark.parametrize("mode", ["disabled", "obfuscate", "block"])
def test_block_entities_are_refused_in_every_mode(
    gateway: Gateway, upstream: FakeUpstream, mode: str
) -> None:
    response = post_chat(gateway, chat_body("how is Project Nightjar doing?", pii=mode))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "pii_detected" and "PROJECT=1" in error["message"]
    assert "Nightjar" not in response.text
    assert upstream.received == []


def test_workspace_entities_apply_to_that_workspace_only(gateway: Gateway, upstream: FakeUpstream) -> None:
    text = "case HR-12345 is open"
    post_chat(gateway, chat_body(text, model="workspace/hr", pii="obfuscate"))
    assert "HR-12345" not in json.dumps(upstream.received[-1].json)
    post_chat(gateway, chat_body(text, pii="obfuscate"))
    assert "HR-12345" in json.dumps(upstream.received[-1].json)


def test_foreign_entity_values_are_redacted_from_answers(gateway: Gateway, upstream: FakeUpstream) -> None:
    from tests.fakes.upstream import Reply

    upstream.queue(Reply(content="Ask EMP-999999 about project bluebird."))
    response = post_chat(gateway, chat_body("who knows?", pii="obfuscate"))
    assert answer_text(response) == "Ask [REDACTED_EMPLOYEE_ID] about [REDACTED_PROJECT]."


def test_a_seed_that_is_personal_data_is_refused_when_pii_is_masked(
    gateway: Gateway, upstream: FakeUpstream
) -> None:
    ssn_seed = 536221234
    refused = post_chat(gateway, chat_body("hi", seed=ssn_seed, pii="obfuscate"))
    assert refused.status_code == 400 and refused.json()["error"]["param"] == "seed"
    assert str(ssn_seed) not in refused.text
    blocked = post_chat(gateway, chat_body("hi", seed=ssn_seed, pii="block"))
    assert blocked.status_code == 400 and blocked.json()["error"]["code"] == "pii_detected"
    assert upstream.received == []
    allowed = post_chat(gateway, chat_body("hi", seed=42, pii="obfuscate"))
    assert allowed.status_code == 200 and upstream.received[-1].json["seed"] == 42
    disabled = post_chat(gateway, chat_body("hi", seed=ssn_seed))
    assert disabled.status_code == 200


@pytest.mark.parametrize(
    ("field", "value"), [("max_tokens", 536221234), ("max_completion_tokens", 4155552671), ("seed", 2**64)]
)
def test_numbers_outside_their_documented_range_are_refused(gateway: Gateway, field: str, value: int) -> None:
    response = post_chat(gateway, chat_body("hi", **{field: value}))
    assert response.status_code == 400 and response.json()["error"]["param"] == field


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        ({"name": "lower", "pattern": "x\\d"}, "UPPER_SNAKE_CASE"),
        ({"name": "BACKREF", "pattern": "(a)\\1"}, "BACKREF"),
        ({"name": "BAD", "pattern": "\\d{4}", "validator": "crc"}, "validator"),
        ({"name": "BAD", "pattern": "\\d{4}", "action": "warn"}, "action"),
        ({"name": "BAD", "pattern": "\\d{4}", "colour": "red"}, "unknown fields"),
    ],
)
def test_a_bad_entity_stops_the_gateway_with_its_name(
    tmp_path: Path, upstream: FakeUpstream, entity: dict[str, str], message: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"entities": [entity]}))
    with pytest.raises(PolicyError, match=message):
        build_services(gateway_settings(upstream.base_url, policy_file=str(path)))


@pytest.mark.parametrize("stream", [False, True])
def test_names_and_addresses_when_switched_on(
    gateway_factory: Callable[..., Gateway], upstream: FakeUpstream, stream: bool
) -> None:
    gateway = gateway_factory(pii_names=True, pii_addresses=True)
    prompt = "Dear Jane Doe, please ship to 221B Baker Street, London NW1 6XE by Friday."
    response = post_chat(gateway, chat_body(prompt, stream=stream, pii="obfuscate"))
    sent = json.dumps(upstream.received[-1].json)
    assert "Jane Doe" not in sent and "Baker Street" not in sent and "NW1 6XE" not in sent
    assert "[REDACTED_PERSON_1]" in sent and "[REDACTED_ADDRESS_1]" in sent
    assert prompt in answer_text(response)
