"""Hypothesis properties for the guard (DESIGN §5 invariants).

- mask-then-restore is the identity;
- any chunking of an answer gives exactly the whole-answer output;
- no 4+ character prefix of a foreign value is ever emitted (checked on the running output
  after every chunk, not only at the end);
- a placeholder split at every offset is restored.
Planted values come from fixed pools whose prefixes do not occur in the filler alphabet.
"""

from __future__ import annotations

import itertools
import json

from hypothesis import given
from hypothesis import strategies as st

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, protect_request

CONFIG = MaskingConfig()
EMAILS = ["bob@example.com", "jane.doe@mail.example.org", "x_9@corp.example.net"]
PHONES = ["+1 415 555 2671", "(212) 555-0147", "+44 20 7946 0958"]
CARDS = ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005"]
SSNS = ["219-09-9998", "536-22-1234"]
IPS = ["203.0.113.7", "2001:db8::8a2e:370:7334"]
SECRETS = [
    "AKIA" + "Q3EGUJ2GZ7BXMPL3",
    "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2eF4hJ6",
    'password = "Hunter2xyz!"',
]
# What must never appear, per planted text (for an assignment, the value, not the keyword).
SENSITIVE = {'password = "Hunter2xyz!"': "Hunter2xyz!"}
FOREIGN = EMAILS + PHONES + CARDS + SSNS + IPS
WORDS = ["the", "answer", "is", "call", "mail", "see", "and", "then", "please", "ok", "Note:", "here", "x"]
SEPARATORS = [" ", "  ", "\n", ", ", ". ", "\n\n", " (", ") "]

words = st.sampled_from(WORDS)
seps = st.sampled_from(SEPARATORS)


@st.composite
def answers(draw: st.DrawFn, pool: list[str]) -> tuple[str, list[str]]:
    parts: list[str] = []
    planted: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            value = draw(st.sampled_from(pool))
            planted.append(SENSITIVE.get(value, value))
            parts.append(value)
        else:
            parts.append(draw(words))
        parts.append(draw(seps))
    return "".join(parts), planted


@st.composite
def chunkings(draw: st.DrawFn, text: str) -> list[str]:
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=30))))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def stream(text: str, chunks: list[str], vault: Vault, planted: list[str]) -> str:
    guard = ResponseGuard(vault, "obfuscate", CONFIG)
    out = ""
    for chunk in chunks:
        out += guard.feed(chunk)
        for value in planted:
            for n in range(4, len(value) + 1):
                assert value[:n] not in out or value[:n] in text.replace(value, ""), (value[:n], out)
    return out + guard.flush()


@given(data=st.data(), answer=answers(FOREIGN + SECRETS))
def test_chunking_invariance_and_no_prefix_leak(data: st.DataObject, answer: tuple[str, list[str]]) -> None:
    text, planted = answer
    whole, _counts = guard_text(text, Vault(), "obfuscate", CONFIG)
    for value in planted:
        assert value not in whole
    chunks = data.draw(chunkings(text))
    assert stream(text, chunks, Vault(), planted) == whole


@given(answer=answers(FOREIGN))
def test_mask_then_restore_is_identity(answer: tuple[str, list[str]]) -> None:
    text, planted = answer
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", CONFIG)
    masked = result.payload["messages"][0]["content"]
    for value in planted:
        assert value not in masked
    restored, counts = guard_text(masked, result.vault, "obfuscate", CONFIG)
    assert restored == text and counts == {}


@given(answer=answers(FOREIGN), data=st.data())
def test_restore_in_json_arguments(answer: tuple[str, list[str]], data: st.DataObject) -> None:
    text, _ = answer
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", CONFIG)
    args = json.dumps({"text": result.payload["messages"][0]["content"]})
    guard = ResponseGuard(result.vault, "obfuscate", CONFIG, json_context=True)
    out = "".join(guard.feed(c) for c in data.draw(chunkings(args))) + guard.flush()
    assert json.loads(out) == {"text": text}


def test_placeholder_split_at_every_offset() -> None:
    result = protect_request({"messages": [{"role": "user", "content": EMAILS[0]}]}, "obfuscate", CONFIG)
    answer = "Write to [REDACTED_EMAIL_1] today."
    expected = f"Write to {EMAILS[0]} today."
    for i in range(len(answer) + 1):
        for j in range(i, len(answer) + 1):
            guard = ResponseGuard(result.vault, "obfuscate", CONFIG)
            out = guard.feed(answer[:i]) + guard.feed(answer[i:j]) + guard.feed(answer[j:]) + guard.flush()
            assert out == expected, (i, j)


@given(text=st.text(alphabet=st.sampled_from("ab1 2@.-:+[]_\n%4A"), max_size=200), data=st.data())
def test_chunking_invariance_on_noise(text: str, data: st.DataObject) -> None:
    whole, _ = guard_text(text, Vault(), "obfuscate", CONFIG)
    guard = ResponseGuard(Vault(), "obfuscate", CONFIG)
    out = "".join(guard.feed(c) for c in data.draw(chunkings(text))) + guard.flush()
    assert out == whole


def test_holdback_is_bounded_for_plain_text() -> None:
    guard = ResponseGuard(Vault(), "obfuscate", CONFIG)
    prose = "lorem ipsum dolor sit amet consectetur " * 50
    for ch in prose:
        guard.feed(ch)
        assert guard.held <= CONFIG.stream_holdback
    letters = "x" * 1000
    guard = ResponseGuard(Vault(), "obfuscate", CONFIG)
    for ch in letters:
        guard.feed(ch)
        assert guard.held <= CONFIG.stream_holdback
