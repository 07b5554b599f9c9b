"""The normalised shadow and its map back (masking.normalise).

Property: take a text with planted values, insert look-alike characters at random places
(no-break and other Unicode spaces, zero-width and format characters, combining marks, runs of
blanks, fullwidth and other-script digits in place of ASCII ones). Every position of the
shadow maps back into the original, in order; a finding on the shadow maps back to a span of
the original whose own shadow is the finding; and each planted value is still found, as the
original characters it was written with.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from masking import MaskingConfig, scan
from masking.normalise import _SPECIAL, Shadow, fold

CONFIG = MaskingConfig()

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u0301"]
BLANKS = ["\u00a0", "\u202f", "\u2009", "\u2007", "\u3000", "\t", "  ", " \u00a0", "\u00a0\u200b "]
FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
ARABIC_INDIC = {str(d): chr(0x0660 + d) for d in range(10)}

VALUES = [
    ("EMAIL", "jane.roe@example.com"),
    ("CREDIT_CARD", "4111 1111 1111 1111"),
    ("SSN", "536-22-1234"),
    ("PHONE", "+1 415 555 2671"),
    ("IBAN", "DE89 3704 0044 0532 0130 00"),
    ("IP_ADDRESS", "203.0.113.9"),
]


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str, str]:
    """(type, the value as written, the text it sits in)."""
    type_, value = draw(st.sampled_from(VALUES))
    out: list[str] = []
    digits = draw(st.sampled_from([{}, FULLWIDTH, ARABIC_INDIC]))
    for i, ch in enumerate(value):
        if ch == " ":
            out.append(draw(st.sampled_from([" ", *BLANKS[:5]])))
            continue
        out.append(digits.get(ch, ch))
        if i < len(value) - 1 and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE[:6])))
    written = "".join(out)
    before = draw(st.sampled_from(["", "see ", "x: ", "(", "a,", "\u00a0"]))
    after = draw(st.sampled_from(["", " ok", ".", ")", ",b", "\u3000end"]))
    return type_, written, before + written + after


@given(case=disguised())
def test_disguised_values_are_found_as_written(case: tuple[str, str, str]) -> None:
    type_, written, text = case
    spans = [(s.type, text[s.start : s.end]) for s in scan(text, CONFIG.detectors)]
    assert (type_, written) in spans, spans


ALPHABET = [
    "a",
    "1",
    " ",
    "@",
    ".",
    "-",
    *INVISIBLE,
    *(b for b in BLANKS if len(b) == 1),
    "\uff11",
    "\u0661",
    "\ufb01",
    "\u2116",
]


@given(text=st.text(alphabet=st.sampled_from(ALPHABET), max_size=80))
def test_every_shadow_position_maps_back_in_order(text: str) -> None:
    shadow = Shadow(text)
    starts = [shadow.start_of(i) for i in range(len(shadow.text))]
    ends = [shadow.end_of(i + 1) for i in range(len(shadow.text))]
    assert starts == sorted(starts)
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        assert 0 <= a < b <= len(text)
        # the original characters behind one shadow character fold to (a run containing) it
        folded = "".join(fold(ch) for ch in text[a:b])
        assert shadow.text[i] in folded or (shadow.text[i] == " " and folded.strip() == "")


@given(text=st.text(max_size=60))
def test_shadow_of_any_text_is_its_fold(text: str) -> None:
    shadow = Shadow(text)
    expected = "".join(fold(ch) for ch in text)
    while "  " in expected:
        expected = expected.replace("  ", " ")
    assert shadow.text == expected


@given(pieces=st.lists(st.sampled_from(["a", "1", "@", ".", " ", "  ", "    ", "\t", "\n"]), max_size=40))
def test_ascii_blank_runs_map_back_whole(pieces: list[str]) -> None:
    """ASCII text takes the fast paths (space runs found by a literal search, a run folded in one
    step); every shadow space stands for exactly one run of blanks of the original."""
    text = "".join(pieces)
    shadow = Shadow(text)
    expected = text.replace("\t", " ")
    while "  " in expected:
        expected = expected.replace("  ", " ")
    assert shadow.text == expected
    for i, ch in enumerate(shadow.text):
        a, b = shadow.start_of(i), shadow.end_of(i + 1)
        if ch == " ":
            assert text[a:b].strip(" \t") == "" and (a == 0 or text[a - 1] not in " \t")
            assert b == len(text) or text[b] not in " \t"
        else:
            assert text[a:b] == ch


def test_plain_ascii_is_its_own_shadow() -> None:
    text = "Plain ASCII with single spaces, digits 123 and symbols @#$."
    assert Shadow(text).text is text


def test_folds() -> None:
    assert fold("\u00a0") == " " and fold("\t") == " " and fold("\u3000") == " "
    assert fold("\u200b") == "" and fold("\ufeff") == "" and fold("\u0301") == ""
    assert fold("\uff14") == "4" and fold("\u0664") == "4" and fold("\u096a") == "4"
    assert fold("\uff20") == "@" and fold("\u2011") == "-" and fold("\u2212") == "-"
    assert fold("\u2028") == "\n"
    assert unicodedata.category(fold("\u00e9")) == "Ll"


def test_the_special_pattern_finds_tabs_non_ascii_and_blank_runs_only() -> None:
    """Written as negated ASCII classes (fast to compile): the same set as tab, space-in-a-run,
    U+0080-U+10FFFF, checked on every code point, alone and after a space."""
    codes = range(0x110000)
    alone = "a".join(chr(c) for c in codes)
    found = [alone[m.start()] for m in _SPECIAL.finditer(alone)]
    assert found == [chr(c) for c in codes if c == 9 or c >= 0x80]
    after_space = "a".join(" " + chr(c) for c in codes)
    runs = [m.group() for m in _SPECIAL.finditer(after_space)]
    assert runs == [" " + chr(c) for c in codes if c in (9, 32) or c >= 0x80]
