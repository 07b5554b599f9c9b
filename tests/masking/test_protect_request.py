"""Request side: what is scanned, what is refused, how placeholders are numbered."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from masking import (
    MaskingConfig,
    MaskingError,
    PiiDetected,
    SecretDetected,
    UnsupportedContent,
    protect_request,
)

AWS_ID = "AKIA" + "Q3EGUJ2GZ7BXMPL3"
OPENAI = "sk-" + "proj-" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2eF4hJ6kL8n"


def body(*messages: Any, **extra: Any) -> dict[str, Any]:
    return {"model": "m", "messages": list(messages), **extra}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def test_obfuscate_numbers_per_type_in_order_of_appearance(config: MaskingConfig) -> None:
    payload = body(
        {"role": "system", "content": "Admin is root@example.com."},
        user("Mail bob@example.com and BOB@example.com, then root@example.com; ring 415-555-2671."),
    )
    result = protect_request(payload, "obfuscate", config)
    msgs = result.payload["messages"]
    assert msgs[0]["content"] == "Admin is [REDACTED_EMAIL_1]."
    assert msgs[1]["content"] == (
        "Mail [REDACTED_EMAIL_2] and [REDACTED_EMAIL_3], then [REDACTED_EMAIL_1]; ring [REDACTED_PHONE_1]."
    )
    # Two spellings, two placeholders (each restored as written); counted as one value.
    assert result.pii_counts == {"EMAIL": 2, "PHONE": 1}
    assert result.vault.original("[REDACTED_EMAIL_3]") == "BOB@example.com"
    assert result.vault.original("[REDACTED_EMAIL_2]") == "bob@example.com"


def test_input_is_not_mutated(config: MaskingConfig) -> None:
    payload = body(user([{"type": "text", "text": "bob@example.com"}]), tools=[{"x": "a@example.com"}])
    before = copy.deepcopy(payload)
    protect_request(payload, "obfuscate", config)
    assert payload == before


def test_literal_placeholders_are_skipped(config: MaskingConfig) -> None:
    payload = body(user("keep [REDACTED_EMAIL_1] literally; mask bob@example.com"))
    text = protect_request(payload, "obfuscate", config).payload["messages"][0]["content"]
    assert text == "keep [REDACTED_EMAIL_1] literally; mask [REDACTED_EMAIL_2]"


def test_every_forwarded_string_is_scanned(config: MaskingConfig) -> None:
    payload = body(
        user([{"type": "text", "text": "a a1@example.com"}]),
        {"role": "user", "name": "a2@example.com", "content": "hi"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "send", "arguments": json.dumps({"to": "a3@example.com"})},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "sent to a4@example.com"},
        tools=[{"type": "function", "function": {"name": "send", "description": "default a5@example.com"}}],
        response_format={"type": "json_schema", "json_schema": {"schema": {"examples": ["a6@example.com"]}}},
        stop=["a7@example.com"],
        user="a8@example.com",
        metadata={"untouched": "a9@example.com"},
    )
    result = protect_request(payload, "obfuscate", config)
    dumped = json.dumps(result.payload)
    for i in range(1, 9):
        assert f"a{i}@example.com" not in dumped
    assert "a9@example.com" in dumped  # unknown keys pass through; the gateway drops them
    args = result.payload["messages"][2]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(args) == {"to": "[REDACTED_EMAIL_3]"}
    assert result.pii_counts == {"EMAIL": 8}


def test_secret_blocks_in_every_mode_without_value(config: MaskingConfig) -> None:
    payload = body(user("hi"), user(f"keys {AWS_ID} and {OPENAI}"))
    for mode in ("disabled", "obfuscate", "block"):
        with pytest.raises(SecretDetected) as info:
            protect_request(payload, mode, config)  # type: ignore[arg-type]
        err = info.value
        assert err.kinds == ("aws_access_key_id", "openai_api_key")
        assert err.locations == ("messages[1].content",)
        assert AWS_ID not in str(err) and OPENAI not in str(err) and AWS_ID not in repr(err)
        assert isinstance(err, MaskingError)


def test_secret_obfuscate_mode() -> None:
    cfg = MaskingConfig(secrets_mode="obfuscate")
    result = protect_request(body(user(f"key {AWS_ID} twice {AWS_ID}")), "disabled", cfg)
    assert result.payload["messages"][0]["content"] == "key [REDACTED_SECRET_1] twice [REDACTED_SECRET_1]"
    assert result.secret_counts == {"aws_access_key_id": 1}
    assert result.pii_counts == {}


def test_block_mode_counts_distinct_values(config: MaskingConfig) -> None:
    payload = body(user("bob@example.com, Bob@Example.com, eve@example.com, 8.8.8.8"))
    with pytest.raises(PiiDetected) as info:
        protect_request(payload, "block", config)
    assert info.value.counts == {"EMAIL": 2, "IP_ADDRESS": 1}
    assert "bob" not in str(info.value)


def test_disabled_mode_leaves_pii(config: MaskingConfig) -> None:
    payload = body(user("bob@example.com"))
    result = protect_request(payload, "disabled", config)
    assert result.payload == payload and result.pii_counts == {}


def test_non_text_parts_refused_unless_allowed(config: MaskingConfig) -> None:
    payload = body(user([{"type": "text", "text": "x"}, {"type": "image_url", "image_url": {"url": "u"}}]))
    with pytest.raises(UnsupportedContent) as info:
        protect_request(payload, "disabled", config)
    assert info.value.location == "messages[0].content[1]"
    allowed = protect_request(payload, "obfuscate", MaskingConfig(allow_non_text=True))
    assert allowed.payload["messages"][0]["content"][1] == {"type": "image_url", "image_url": {"url": "u"}}


def test_allowlist_domains_cidrs_literals() -> None:
    cfg = MaskingConfig(pii_allow=("@corp.example", "10.0.0.0/8", "+1 415 555 2671"))
    text = "a@corp.example b@eu.corp.example c@example.com 10.2.3.4 8.8.8.8 (415) 555-2671"
    result = protect_request(body(user(text)), "obfuscate", cfg)
    assert result.payload["messages"][0]["content"] == (
        "a@corp.example b@eu.corp.example [REDACTED_EMAIL_1] 10.2.3.4 [REDACTED_IP_ADDRESS_1] (415) 555-2671"
    )
    protect_request(body(user("a@corp.example from 10.0.0.1")), "block", cfg)  # nothing to block


def test_secret_location_never_echoes_dict_keys(config: MaskingConfig) -> None:
    payload = body(user("x"), tools=[{"function": {"parameters": {"bob@example.com": OPENAI}}}])
    with pytest.raises(SecretDetected) as info:
        protect_request(payload, "disabled", config)
    assert info.value.locations == ("tools[0].function.parameters.<key>",)
