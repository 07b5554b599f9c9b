"""Request-side protection on its own: the effective mode, masking's refusals as gateway errors
naming the caller's own fields, and failing closed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import masking
from gateway.errors import InvalidRequest, PiiDetected, ScannerError, SecretDetected, UnsupportedContent
from gateway.protection import effective_mode, protect

CONFIG = masking.MaskingConfig()
AWS_KEY = "AKIA" + "Q3EGT5WZ7XKPLM2N"
EMAIL = "jane.doe@example.org"


def payload(*contents: Any, system: str | None = "You are the gateway's persona.") -> dict[str, Any]:
    messages = [{"role": "system", "content": system}] if system else []
    return {"model": "m", "messages": messages + [{"role": "user", "content": c} for c in contents]}


@pytest.mark.parametrize(
    ("modes", "expected"),
    [
        ((None, None, None), "disabled"),
        (("obfuscate", None, "disabled"), "obfuscate"),
        (("disabled", "block", None), "block"),  # a header or floor raises; nothing lowers
        ((None, None, "obfuscate", "disabled"), "obfuscate"),
    ],
)
def test_the_strictest_mode_wins(modes: tuple[str | None, ...], expected: str) -> None:
    assert effective_mode(*modes) == expected


def test_an_unknown_mode_is_a_400_naming_the_field() -> None:
    with pytest.raises(InvalidRequest) as caught:
        effective_mode("lenient")
    assert caught.value.param == "pii" and "lenient" not in caught.value.message


def test_obfuscate_masks_without_touching_the_input_and_counts_for_the_headers() -> None:
    original = payload(f"mail {EMAIL} or {EMAIL.upper()}")
    before = copy.deepcopy(original)
    protected = protect(original, "obfuscate", CONFIG, added_messages=1)
    assert original == before
    assert protected.payload["messages"][1]["content"].startswith("mail [REDACTED_EMAIL_1]")
    assert protected.headers() == {"x-gateway-pii-mode": "obfuscate", "x-gateway-pii-masked": "EMAIL=1"}
    assert protected.vault.original("[REDACTED_EMAIL_1]") is not None


def test_a_secret_is_refused_naming_the_callers_own_message_never_the_value() -> None:
    with pytest.raises(SecretDetected) as caught:
        protect(payload("hello", f"deploy with {AWS_KEY}"), "disabled", CONFIG, added_messages=1)
    assert caught.value.param == "messages[1].content"  # the caller's index, not the payload's (2)
    assert AWS_KEY not in caught.value.message and "messages[1]" in caught.value.message


def test_a_secret_in_the_gateways_own_system_message_is_named_system() -> None:
    with pytest.raises(SecretDetected) as caught:
        protect(payload("hi", system=f"admin key {AWS_KEY}"), "disabled", CONFIG, added_messages=1)
    assert caught.value.param == "system"


def test_block_mode_refuses_personal_data_with_counts() -> None:
    with pytest.raises(PiiDetected) as caught:
        protect(payload(f"mail {EMAIL}"), "block", CONFIG, added_messages=1)
    assert "EMAIL=1" in caught.value.message and EMAIL not in caught.value.message


def test_non_text_parts_are_refused_unless_allowed() -> None:
    parts = [{"type": "text", "text": "what is this"}, {"type": "image_url", "image_url": {"url": "data:,"}}]
    with pytest.raises(UnsupportedContent) as caught:
        protect(payload(parts), "disabled", CONFIG, added_messages=1)
    assert caught.value.param is not None and caught.value.param.startswith("messages[0]")
    allowing = masking.MaskingConfig(allow_non_text=True)
    assert protect(payload(parts), "disabled", allowing).payload["messages"][1]["content"] == parts


class Exploding:
    def find(self, text: str) -> list[masking.Span]:
        raise RuntimeError(f"detector bug while reading {text!r}")


def test_a_failing_scanner_fails_closed_without_its_text() -> None:
    config = masking.MaskingConfig(extra_detectors=(Exploding(),))
    with pytest.raises(ScannerError) as caught:
        protect(payload(f"mail {EMAIL}"), "obfuscate", config)
    assert EMAIL not in caught.value.message and caught.value.__cause__ is None
