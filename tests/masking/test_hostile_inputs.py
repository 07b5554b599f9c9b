"""Hostile 100 KB inputs finish well under a second, through the scanner and the stream guard.

Every pattern is bounded and the long runs possessive, so these are linear; the one-second bound
is generous (typical: tens of milliseconds) so the test is not flaky on a busy machine.
"""

from __future__ import annotations

import time

import pytest

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, scan

SIZE = 100_000
HOSTILE = {
    "email_fragments": "a@a." * (SIZE // 4),
    "email_dots": "a" * 100 + "@" + "a." * (SIZE // 2),
    "openai_prefix": "sk-" * (SIZE // 3),
    "digits_dashes": "1234-5678-" * (SIZE // 10),
    "digit_dash_singles": "1-" * (SIZE // 2),
    "digits_spaces": "12 34 56 78 90 " * (SIZE // 15),
    "long_digits": "7" * SIZE,
    "pem_no_end": "-----BEGIN RSA PRIVATE KEY-----\n" * (SIZE // 32),
    "begin_no_end": "-----BEGIN" * (SIZE // 10),
    "base64": ("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MjE3" * (SIZE // 40)),
    "placeholders": "[REDACTED_EMAIL_" * (SIZE // 16),
    "percent": "%41" * (SIZE // 3),
    "assignments": "password=" * (SIZE // 9),
    "ipv6_colons": "1:" * (SIZE // 2),
    "whitespace": " " * SIZE,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_fast(name: str, config: MaskingConfig) -> None:
    text = HOSTILE[name]

    def streamed() -> None:
        guard = ResponseGuard(Vault(), "obfuscate", config)
        for i in range(0, len(text), 4096):
            guard.feed(text[i : i + 4096])
        guard.flush()

    for run in (
        lambda: scan(text, config.detectors),
        lambda: guard_text(text, Vault(), "obfuscate", config),
        streamed,
    ):
        started = time.perf_counter()
        run()
        assert time.perf_counter() - started < 1.0
