"""Escaped values: percent-escapes (`bob%40example.com`, `%2B1%20415…`), HTML character
references (`bob&#64;example.com`, `&#x40;`, `&commat;`) and backslash escapes (`bob\\u0040…`,
`\\x40`). Each token (a run without white space) holding one is decoded with the words just
before it (an assignment's name), the decoded text is scanned, and findings are mapped back onto
the escaped text.

Why: a value written with its `@`, dots or digits escaped is read by a model as easily as the
plain one, and pasted URLs, HTML and string literals carry such escapes all the time. The
findings are all reported, in the escaped text's positions; the caller drops those the direct
scan made too (an escape anywhere near a value, even as its neighbour or in the evidence before
it, can hide it from the direct scan, so "covers an escape" is no test).
Tokens are found by a search for the escape's first character and each is visited once, so
this stays linear.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Final

from masking.types import Span

_MAX_TOKEN: Final = 4096
_CONTEXT: Final = 48
_WS: Final = re.compile(r"\s")
_UP_TO_LAST_WS: Final = re.compile(r".*\s", re.DOTALL)
# Named references of the characters values and link syntax are written with (matched in any
# ASCII case: a browser forgives `&COLON;` in a URL; Unicode's case folding would also take
# `&\u017fol;` for `&sol;`, a name not in the table); the rest of HTML's 2,000 names spell letters.
_NAMED: Final[dict[str, str]] = {
    "commat": "@", "period": ".", "plus": "+", "hyphen": "-", "dash": "-", "lowbar": "_",
    "colon": ":", "sol": "/", "num": "#", "percnt": "%", "amp": "&", "nbsp": " ", "equals": "=",
    "lpar": "(", "rpar": ")", "lt": "<", "gt": ">",
}  # fmt: skip
_ESCAPE: Final = re.compile(
    r"%([0-9A-Fa-f]{2})"
    r"|&#([0-9]{1,7});?"
    r"|&#[xX]([0-9A-Fa-f]{1,6});?"
    r"|&((?ai:" + "|".join(_NAMED) + r"));"
    r"|\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})"
    r"|\\([\\/nrt])"
)
_FIRST: Final = re.compile(r"[%&\\]")
# JSON's escapes for line breaks and tabs: a JSON document pasted as text, or tool-call arguments,
# write a multi-line address or a signature's name on its own line with them.
_JSON_CHARS: Final = {"n": "\n", "r": "\r", "t": "\t"}


def _char(m: re.Match[str]) -> str:
    pct, dec, hexa, name, u4, x2, json_char = m.groups()
    if json_char is not None:
        return _JSON_CHARS.get(json_char, json_char)
    if name is not None:
        return _NAMED[name.lower()]
    code = int(dec) if dec is not None else int(pct or hexa or u4 or x2, 16)
    return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"


class Decoded:
    """A token with its escapes decoded, and the way back: per escape, its decoded index and
    source extent. Built by one `re.sub` (a callback per escape), so plain characters cost
    nothing; a decoded index is mapped back only for the rare finding."""

    def __init__(self, token: str) -> None:
        self._at: list[int] = []
        self._source: list[tuple[int, int]] = []
        self._shift: list[int] = []  # source minus decoded index, after each escape
        self.text = _ESCAPE.sub(self._one, token)

    def _one(self, m: re.Match[str]) -> str:
        shift = self._shift[-1] if self._shift else 0
        self._at.append(m.start() - shift)
        self._source.append(m.span())
        self._shift.append(shift + m.end() - m.start() - 1)
        return _char(m)

    def source(self, index: int) -> tuple[int, int]:
        """Source start and end of the decoded character at `index`."""
        k = bisect.bisect_right(self._at, index) - 1
        if k >= 0 and self._at[k] == index:
            return self._source[k]
        start = index + (self._shift[k] if k >= 0 else 0)
        return start, start + 1


def has_escape(text: str) -> bool:
    return "%" in text or "&" in text or "\\" in text


def decode(text: str) -> str:
    """`text` with every escape replaced by its character (the URL rule reads schemes so)."""
    return _ESCAPE.sub(_char, text) if has_escape(text) else text


def _with_context(text: str, left: int, done: int) -> int:
    """Start of the decoded window: the token and the words up to CONTEXT characters before it,
    so an escaped value keeps what makes it a secret (`password = &#72;&#117;…`, `key: %41…`)."""
    start = max(done, left - _CONTEXT)
    if start > 0 and not text[start - 1].isspace():
        blank = _WS.search(text, start, left)
        start = blank.end() if blank is not None else left
    return start


def _with_context_after(text: str, right: int) -> int:
    """End of the decoded window: the token and the words up to CONTEXT characters after it, so
    a value of several words that starts in the token keeps its other words (`Am\\u00e9lie
    Poulain`, `I\\u2019m Rahul`, `Court\\nJohnsonfurt, NE 80119`)."""
    end = min(len(text), right + _CONTEXT)
    if end < len(text) and not text[end].isspace():
        words = _UP_TO_LAST_WS.match(text, right, end)  # whole words only, as before the token
        end = words.end() - 1 if words is not None and words.end() - 1 > right else right
    return end


def find_encoded(text: str, scan: Callable[[str], list[Span]]) -> list[Span]:
    spans: list[Span] = []
    done = 0  # tokens never reach back before the end of the last one decoded
    first = _FIRST.search(text)
    while first is not None:
        pos = first.start()
        if _ESCAPE.match(text, pos) is None:
            first = _FIRST.search(text, pos + 1)
            continue
        left = pos
        while left > done and not text[left - 1].isspace() and pos - left < _MAX_TOKEN:
            left -= 1
        left = _with_context(text, left, done)
        m = _WS.search(text, pos)
        right = _with_context_after(text, min(m.start() if m else len(text), pos + _MAX_TOKEN))
        decoded = Decoded(text[left:right])
        for s in scan(decoded.text):
            a, b = decoded.source(s.start)[0], decoded.source(s.end - 1)[1]
            norm = s.norm or decoded.text[s.start : s.end]
            outer = -1 if s.outer_start < 0 else left + decoded.source(s.outer_start)[0]
            spans.append(Span(s.type, left + a, left + b, s.kind, norm, outer))
        done = right
        first = _FIRST.search(text, right)
    return spans
