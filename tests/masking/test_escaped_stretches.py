"""Escaped stretches (masking.encoded): escaped tokens whose windows of words touch are decoded
as one stretch, once per level, and find at least what decoding each token on its own found.

The oracle is the token-by-token decoder this replaced, kept here only: each token holding an
escape was decoded with up to 48 characters of words either side, a window never reaching back
into the one before. Escape-dense text (JSON inside JSON) then cost one scan with every detector
per token and level; and a value that began in one window's words after its token and went on
past them was cut in two, half in each window, and found in neither (the rows below).
"""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, protect_request, scan
from masking.encoded import decode, has_escape
from masking.normalise import Shadow
from masking.scan import detect, raw_spans, resolve
from masking.types import Detector, Span

CONFIG = MaskingConfig()

# --- the oracle: the token-by-token decoder ----------------------------------------------------

_FIRST = re.compile(r"[%&\\]")
_ONE_ESCAPE = re.compile(
    r"%[0-9A-Fa-f]{2}|&#[0-9]{1,7};?|&#[xX][0-9A-Fa-f]{1,6};?|&(?ai:[a-z]{2,6});"
    r"|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|\\[\\/nrt]"
)
_WORDS_AROUND = 48


def _is_escape(text: str, pos: int) -> bool:
    m = _ONE_ESCAPE.match(text, pos)
    return m is not None and decode(m.group()) != m.group()


def _decoded_with_sources(token: str) -> tuple[str, list[tuple[int, int]]]:
    """The token decoded, and per decoded character the source extent that wrote it."""
    out: list[str] = []
    sources: list[tuple[int, int]] = []
    pos = 0
    while pos < len(token):
        m = _ONE_ESCAPE.match(token, pos)
        end = m.end() if m is not None and decode(m.group()) != m.group() else pos + 1
        out.append(decode(token[pos:end]))
        sources.append((pos, end))
        pos = end
    return "".join(out), sources


def _window(text: str, pos: int, done: int) -> tuple[int, int]:
    left = pos
    while left > done and not text[left - 1].isspace() and pos - left < 4096:
        left -= 1
    start = max(done, left - _WORDS_AROUND)
    if start > 0 and not text[start - 1].isspace():
        blank = re.compile(r"\s").search(text, start, left)
        start = blank.end() if blank is not None else left
    blank = re.compile(r"\s").search(text, pos)
    right = min(blank.start() if blank else len(text), pos + 4096)
    end = min(len(text), right + _WORDS_AROUND)
    if end < len(text) and not text[end].isspace():
        words = re.compile(r".*\s", re.DOTALL).match(text, right, end)
        end = words.end() - 1 if words is not None and words.end() - 1 > right else right
    return start, end


def _token_by_token(text: str, detectors: tuple[Detector, ...], depth: int = 3) -> list[Span]:
    shadow = Shadow(text)
    folded = shadow.text
    spans = raw_spans(folded, detectors)
    if depth > 0 and has_escape(folded):
        direct = {(s.type, s.start, s.end) for s in spans}
        done = 0
        first = _FIRST.search(folded)
        while first is not None:
            if not _is_escape(folded, first.start()):
                first = _FIRST.search(folded, first.start() + 1)
                continue
            left, right = _window(folded, first.start(), done)
            decoded, sources = _decoded_with_sources(folded[left:right])
            for s in _token_by_token(decoded, detectors, depth - 1):
                a, b = left + sources[s.start][0], left + sources[s.end - 1][1]
                if (s.type, a, b) not in direct:
                    spans.append(Span(s.type, a, b, s.kind, s.norm))
            done = right
            first = _FIRST.search(folded, right)
    return [shadow.to_original(span) for span in spans] if folded is not text else spans


# --- texts: JSON escaped at several levels and in several ways, between words -------------------

KEYS = ("password", "email", "phone", "card", "note", "api_key", "iban", "ssn", "token")
VALUES = (
    "jane.roe@example.com", "+1 415 555 2671", "212-555-0147", "4111 1111 1111 1111", "536-22-1234",
    "203.0.113.7", "DE89 3704 0044 0532 0130 00", "AKIA" + "Q3EGUJ2GZ7BXMPL3", "Hunter2Secret#9", "x", "42",
)  # fmt: skip
WORDS = ("please", "check", "the", "order", "thanks", "Release", "42", "ok", "see", "below")


def _escape_some(text: str, rng: random.Random, chars: str, form: str) -> str:
    return "".join(form % ord(c) if c in chars and rng.random() < 0.7 else c for c in text)


def _encode(text: str, rng: random.Random) -> str:
    how = rng.randrange(5)
    if how < 2:
        return json.dumps(text)[1:-1]  # a JSON string inside JSON
    if how == 2:
        return _escape_some(text, rng, '@.:+ "', "%%%02X")
    if how == 3:
        return _escape_some(text, rng, "@. ", "&#%d;")
    return _escape_some(text, rng, "@.+ ", "\\u%04x")


@st.composite
def escaped_texts(draw: st.DrawFn) -> str:
    rng = draw(st.randoms(use_true_random=False))
    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 10))):
        if rng.random() < 0.5:
            piece = json.dumps({rng.choice(KEYS): rng.choice(VALUES) for _ in range(rng.randint(1, 3))})
        elif rng.random() < 0.6:
            piece = rng.choice(VALUES)
        else:
            piece = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
        for _ in range(rng.randint(0, 3)):
            piece = _encode(piece, rng)
        pieces.append(piece)
    return "".join(p + rng.choice([" ", ", ", "\n", ""]) for p in pieces)


def _masked_letters_and_digits(text: str, spans: list[Span]) -> set[int]:
    """What a leak is made of. (Punctuation is not compared: the token decoder left JSON's
    escaped quote as it stood, and a credential's value then took the backslash of a closing
    `\\"` along with it.)"""
    return {i for s in resolve(spans) for i in range(s.start, s.end) if text[i].isalnum()}


@given(escaped_texts())
def test_stretches_mask_every_letter_and_digit_that_token_by_token_decoding_masked(text: str) -> None:
    before = _masked_letters_and_digits(text, _token_by_token(text, CONFIG.detectors))
    assert before <= _masked_letters_and_digits(text, detect(text, CONFIG.detectors)), text


# --- what the token windows missed -------------------------------------------------------------
# An escaped token's window took the whole words up to 48 characters after it; a value starting
# there that held an escape past the window's end was cut in two and found in neither half.
SPLIT_BY_A_WINDOW = [
    ("note%3A " + "x" * 24 + " 4111%201111 1111%201111 thanks", "4111%201111 1111%201111", "CREDIT_CARD"),
    ("note%3A " + "x" * 24 + " 4111 1111 1111&#32;1111 thanks", "4111 1111 1111&#32;1111", "CREDIT_CARD"),
    ("note%3A " + "x" * 30 + " +1 415 555%202671 thanks", "+1 415 555%202671", "PHONE"),
    ("note%3A " + "x" * 28 + " (415) 555\\u00202671 thanks", "(415) 555\\u00202671", "PHONE"),
    ("note%3A " + "x" * 21 + " DE89 3704 0044 0532%200130 00 ok", "DE89 3704 0044 0532%200130 00", "IBAN"),
    ("note%3A " + "x" * 34 + " 536 22%201234 thanks", "536 22%201234", "SSN"),
    (
        '{"ssn"%3A%20"219-09-9998", "token":%20"4111%201111 1111%201111",%20"note"%3A "ok"}',
        "4111%201111 1111%201111",
        "CREDIT_CARD",
    ),
]


# An escaped token in another's words after was decoded only in that window, never with words
# after it of its own: a value starting in it was cut at the window's end.
_TWO_CARDS = (  # JSON inside JSON, its blanks written \\u0020
    r"{\"password\":\\u0020\"4111\\u00201111\\u00201111 1111\",\\u0020\"email\":\\u0020\"4111\\u00201111 1111 1111\"}"
)
IN_ANOTHERS_WORDS = [
    (
        "card%3A 4111%201111 1111 1111 and then 4111 1111%201111 1111 trailing words",
        "4111 1111%201111 1111",
        "CREDIT_CARD",
    ),
    ("tel%3A +1%20415 555 2671 or else call +1 212%20555 0147 after hours", "+1 212%20555 0147", "PHONE"),
    (
        "iban%3A x and also the account DE89 3704%200044 0532 0130 00 at the bank",
        "DE89 3704%200044 0532 0130 00",
        "IBAN",
    ),
    (
        _TWO_CARDS,
        r"4111\\u00201111\\u00201111 1111",
        "CREDIT_CARD",
    ),
    (
        _TWO_CARDS,
        r"4111\\u00201111 1111 1111",
        "CREDIT_CARD",
    ),
]


@pytest.mark.parametrize(("text", "written", "type_"), SPLIT_BY_A_WINDOW + IN_ANOTHERS_WORDS)
def test_a_value_past_a_window_end_is_found_and_masked(text: str, written: str, type_: str) -> None:
    assert (type_, written) in [(s.type, text[s.start : s.end]) for s in scan(text, CONFIG.detectors)]
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", CONFIG)
    out = result.payload["messages"][0]["content"]
    assert written not in out and f"[REDACTED_{type_}_" in out


@pytest.mark.parametrize(("text", "written", "type_"), SPLIT_BY_A_WINDOW + IN_ANOTHERS_WORDS)
def test_a_value_past_a_window_end_is_redacted_from_answers(text: str, written: str, type_: str) -> None:
    answer = f"Here is the record: {text} and nothing else that matters."
    whole, redacted = guard_text(answer, Vault(), "obfuscate", CONFIG)
    assert written not in whole and redacted.get(type_, 0) >= 1
    for size in (1, 3, 7, 64):
        guard = ResponseGuard(Vault(), "obfuscate", CONFIG)
        out = "".join(guard.feed(answer[i : i + size]) for i in range(0, len(answer), size))
        assert out + guard.flush() == whole


# --- JSON inside JSON inside JSON --------------------------------------------------------------
# One level reads one JSON encoding: `\\\"` is read as `\"` (the quote JSON escaped), not `\\"`,
# so a credential in arguments encoded four times over is still read within three levels.


@pytest.mark.parametrize("times", [1, 2, 3, 4])
def test_a_credential_in_json_encoded_again_and_again_is_found(times: int) -> None:
    text = json.dumps({"password": "hunter2xyz"})
    for _ in range(times):
        text = json.dumps({"args": text})
    assert [(s.type, text[s.start : s.end]) for s in scan(text, CONFIG.detectors)] == [
        ("SECRET", "hunter2xyz")
    ]
