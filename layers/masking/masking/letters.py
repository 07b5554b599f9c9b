"""Which letters begin a capitalised word: the upper-case letters of the Latin script (ASCII,
Latin-1, Latin Extended-A and -B).

One definition shared by the detectors that read capitalised words (names, addresses) and the
stream guard, which may cut after an ordinary lower-case word only because those detectors never
take a word that starts otherwise for part of a value: if the two disagreed on what a capital
is, a guarded stream could cut through a name. Capitals of other scripts (Cyrillic, Greek) are
neither: such words are never read as names, and the guard treats them as capitals (the safe
side: it asks the detectors before cutting after them).
"""

from __future__ import annotations

from typing import Final

CAPITALS: Final = frozenset(chr(c) for c in range(0x41, 0x250) if chr(c).isupper())


def capital(ch: str) -> bool:
    return ch in CAPITALS


def lower_start(word: str) -> bool:
    """Does the word (after an opening quote or parenthesis) start with a letter that is not a
    capital of any script?"""
    stripped = word.lstrip("\"'(\u2018\u201c")
    return bool(stripped) and stripped[0].isalpha() and not stripped[0].isupper()
