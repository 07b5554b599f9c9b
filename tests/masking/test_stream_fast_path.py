"""The stream guard's fast path over ordinary words: what makes it fast must not change what it
accepts. Its keyword test is gated by `_KEYWORD_FIRST` (the characters a keyword can start
with); the gate must cover every alternative of `_KEYWORD`, including ones added later."""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masking import MaskingConfig
from masking import stream as guard_stream
from masking.normalise import fold


def _first_chars(items: Any) -> set[str]:
    """The characters a parsed pattern's match can start with (literals and ranges only)."""
    for op, arg in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # zero width: the next item consumes the first character
        if op is sre.LITERAL:
            return {chr(arg)}
        if op is sre.IN:
            chars: set[str] = set()
            for kind, value in arg:
                if kind is sre.LITERAL:
                    chars.add(chr(value))
                elif kind is sre.RANGE:
                    chars.update(chr(c) for c in range(value[0], value[1] + 1))
                else:
                    raise AssertionError(f"cannot derive first characters from {kind}")
            return chars
        if op is sre.SUBPATTERN:
            return _first_chars(arg[-1])
        if op is sre.BRANCH:
            return set().union(*(_first_chars(alternative) for alternative in arg[1]))
        raise AssertionError(f"cannot derive first characters from {op}")
    raise AssertionError("the pattern can match the empty string")


def test_the_gate_admits_every_character_a_keyword_can_start_with() -> None:
    firsts = _first_chars(sre_parse.parse(guard_stream._KEYWORD))
    starts = re.compile("(?i:[" + "".join(re.escape(c) for c in sorted(firsts)) + "])")
    gate = re.compile(guard_stream._KEYWORD_FIRST)
    missed = [hex(c) for c in range(0x10000) if starts.match(chr(c)) and not gate.match(chr(c))]
    assert missed == []
    assert gate.match("\u212a") and gate.match("\u017f")  # the Kelvin sign and the long s


_CONFIG = MaskingConfig()
_GATED = guard_stream._inert_run(_CONFIG.cue_words | _CONFIG.joiners, _CONFIG.lower_cuts_only)
_UNGATED = re.compile(_GATED.pattern.replace(f"(?={guard_stream._KEYWORD_FIRST})", ""))
_WORDS = [
    "plain", "words", "Passport", "TOKEN", "mykey", "\u212aey", "\u017fecret", "bearer,", "(at)",
    "at", "dot]", "Dot", "data", "cat", "WEST", "don't", "x-ray", "[at", "<at>", "basically",
    "credentials.", "auth:", "pwd", "keys", "spot", "at]", "dot.", "\"quoted\"",
]  # fmt: skip


@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", "  ", "\n", "\t "])), max_size=12))
def test_the_gate_changes_no_match(tokens: list[tuple[str, str]]) -> None:
    text = "".join(word + blank for word, blank in tokens) + "end"
    assert _GATED.pattern != _UNGATED.pattern
    for start in range(len(text)):
        gated, ungated = _GATED.match(text, start), _UNGATED.match(text, start)
        assert (gated and gated.end()) == (ungated and ungated.end()), (text, start)


_ASCII_WORDS = [
    *_WORDS[:5], *_WORDS[7:], "compassion", "monkey", "Author", "BASIC", "that", "what", "at,", "AT",
    "Dot.", "(dot)", "_at", "x_at", "at_", "tokens", "secretly", "(at", "pass'", "'at'", "It's",
    "well-known", "BEARER", "Credential", "cat's", "data-dot",
]  # fmt: skip
_BEYOND_ASCII = ["\u212aey", "\u017fecret", "caf\u00e9", "na\u00efve", "\u00c5t", "\u0130d"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_ASCII_WORDS + _BEYOND_ASCII),
            st.sampled_from([" ", "  ", "\n", "\t ", "\u00a0", "\x1c"]),
        ),
        max_size=40,
    )
)
def test_the_run_ends_where_the_per_word_keyword_test_ends_it(tokens: list[tuple[str, str]]) -> None:
    """`_inert_end` (steps of words without the keyword test, keywords found by one search over
    each lowered step in ASCII text) ends every run where `_inert_run` with its per-word keyword
    test ends it, from every start, over runs of several steps."""
    text = "".join(word + blank for word, blank in tokens) + "end"
    guard = guard_stream.ResponseGuard(guard_stream.Vault(), "obfuscate", _CONFIG)
    guard._buf = text
    for start in range(len(text)):
        expected = _GATED.match(text, start)
        assert guard._inert_end(_GATED, start) == (expected and expected.end()), (text, start)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_ASCII_WORDS + _BEYOND_ASCII), st.sampled_from(["", " ", "  ", "\n", "\u00a0"])
        ),
        max_size=12,
    )
)
def test_past_the_last_complete_blank_the_fast_path_cannot_match(tokens: list[tuple[str, str]]) -> None:
    """`_advance` skips the fast path from the position after the last blank that has text after
    it (a stream chunk's unfinished last word): no run may start there."""
    text = "".join(word + blank for word, blank in tokens)
    last = guard_stream._LAST_BLANK.match(text)
    words_end = last.end() if last is not None else 0
    assert all(not text[i].isspace() for i in range(words_end, len(text.rstrip())))
    for start in range(words_end, len(text) + 1):
        assert _GATED.match(text, start) is None, (text, start)


@pytest.mark.parametrize(
    "text",
    [
        "plain words " * 20 + "with a token here",  # the keyword steps past the first step
        "plain words " * 20 + "end",  # no keyword: the run ends where the words do
        "plain words " * 13 + "caf\u00e9 words " * 5 + "at home",  # beyond ASCII in a later step
        "plain words " * 6 + "PASSWORD " + "plain " * 30,  # upper case keyword in the first step
    ],
)
def test_a_run_of_many_steps_ends_where_the_keyword_test_ends_it(text: str) -> None:
    guard = guard_stream.ResponseGuard(guard_stream.Vault(), "obfuscate", _CONFIG)
    guard._buf = text
    for start in (0, text.index(" ") + 1):
        expected = _GATED.match(text, start)
        assert expected is not None and expected.end() > 40
        assert guard._inert_end(_GATED, start) == expected.end()


def test_the_fast_path_leaves_every_letter_that_folds_to_a_capital_to_the_slow_path() -> None:
    """A word of letters the detectors read as ASCII capitals (or not at all) may be a short
    all-caps group (an IBAN's `WEST` in fullwidth letters): `_CAPITAL_FOLDS` must name every
    such letter the normaliser knows, so the fast path never cuts after one."""
    letter = re.compile(r"[^\W\d_]")
    named = re.compile(f"[{guard_stream._CAPITAL_FOLDS}]")
    missed = [
        hex(code)
        for code in range(0x80, 0x110000)
        if not 0xD800 <= code <= 0xDFFF
        and letter.match(chr(code))
        and (fold(chr(code)) == "" or re.search("[A-Z]", fold(chr(code))))
        and not named.match(chr(code))
    ]
    assert missed == []
