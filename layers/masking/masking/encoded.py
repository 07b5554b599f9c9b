"""Escaped values: percent-escapes (`bob%40example.com`, `%2B1%20415…`), HTML character
references (`bob&#64;example.com`, `&#x40;`, `&commat;`) and backslash escapes (`bob\\u0040…`,
`\\x40`). Each token (a run without white space) holding one is decoded with the words just
before it (an assignment's name) and after it (the rest of a value of several words); tokens
whose words touch or overlap are decoded as one stretch. The decoded text is scanned, and
findings are mapped back onto the escaped text.

Why: a value written with its `@`, dots or digits escaped is read by a model as easily as the
plain one, and pasted URLs, HTML and string literals carry such escapes all the time. The
findings are all reported, in the escaped text's positions; the caller drops those the direct
scan made too (an escape anywhere near a value, even as its neighbour or in the evidence before
it, can hide it from the direct scan, so "covers an escape" is no test).
One stretch, not one window per token: in escape-dense text (JSON inside JSON, every token
holding an escape) per-token windows each took one scan with every detector, and a value that
began in one window's words and went on past its end was cut in two and found in neither half.
Escapes are found by one search each, resumed after the stretch so far, so this stays linear.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
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
_FORMS: Final = (
    r"%[0-9A-Fa-f]{2}"
    r"|&#[0-9]{1,7};?"
    r"|&#[xX][0-9A-Fa-f]{1,6};?"
    r"|&(?ai:" + "|".join(_NAMED) + r");"
    r"|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}"
)
_ESCAPE: Final = re.compile(_FORMS + r"|\\[\\/nrt]")
# JSON's escaped quote right after an escaped backslash: JSON inside JSON writes a quote as
# `\\\"`, which reads as `\"` (as JSON reads it), not `\\"`, so `{\\\"password\\\": …}` is readable
# one level down, not two. A lone `\"` stays: the detectors read it as the quote it stands for
# (masking.detectors.secrets), so a JSON document pasted as text asks for no decoding, and its
# quotes stay alike when its other characters are percent-encoded (`\%22password\%22 … \"`).
# One group: `split` hands back plain runs and escapes in turn.
_DECODABLE: Final = re.compile(f"({_ESCAPE.pattern}" + r'|(?<=\\\\)\\")')
# JSON's escapes for line breaks and tabs: a JSON document pasted as text, or tool-call arguments,
# write a multi-line address or a signature's name on its own line with them.
_JSON_CHARS: Final = {"n": "\n", "r": "\r", "t": "\t"}


@functools.lru_cache(maxsize=1024)
def _char(escape: str) -> str:
    """The one character an escape (a match of `_DECODABLE`) stands for; memoised, since
    escape-dense text repeats a handful of them."""
    if escape[0] == "%":
        code = int(escape[1:], 16)
    elif escape[0] == "\\":
        if escape[1] not in "ux":
            return _JSON_CHARS.get(escape[1], escape[1])
        code = int(escape[2:], 16)
    elif escape[1] != "#":
        return _NAMED[escape[1:-1].lower()]
    else:
        number = escape[2:].rstrip(";")
        code = int(number[1:], 16) if number[0] in "xX" else int(number)
    return chr(code) if code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"


def _replace(m: re.Match[str]) -> str:
    return _char(m.group())


class Decoded:
    """A text with its escapes decoded, and the way back. One `split` separates plain runs from
    escapes and one `join` puts the decoded text together, so a text dense with escapes (JSON
    inside JSON holds one every few characters) costs no Python call per escape; where each
    escape came from is worked out from the lengths, on the first finding that needs it."""

    def __init__(self, text: str) -> None:
        parts = _DECODABLE.split(text)
        self._plain = parts[0::2]
        self._escapes = parts[1::2]
        if self._escapes:
            parts[1::2] = map(_char, self._escapes)
            text = "".join(parts)
        self.text = text
        self._at: list[int] = []  # decoded index of each escape
        self._start: list[int] = []  # source start of each escape

    def source(self, index: int) -> tuple[int, int]:
        """Source start and end of the decoded character at `index`."""
        if not self._at and self._escapes:
            before = list(itertools.accumulate(map(len, self._plain)))  # plain text up to each escape
            self._at = list(map(operator.add, before, range(len(self._escapes))))
            written = itertools.accumulate(map(len, self._escapes), initial=0)
            self._start = list(map(operator.add, before, written))
        k = bisect.bisect_right(self._at, index) - 1
        if k < 0:
            return index, index + 1
        start = self._start[k]
        if self._at[k] == index:
            return start, start + len(self._escapes[k])
        start += len(self._escapes[k]) + index - self._at[k] - 1
        return start, start + 1


def has_escape(text: str) -> bool:
    return "%" in text or "&" in text or "\\" in text


def decode(text: str) -> str:
    """`text` with every escape replaced by its character (the URL rule reads schemes so)."""
    return _ESCAPE.sub(_replace, text) if has_escape(text) else text


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


def _regions(text: str) -> list[tuple[int, int]]:
    """The stretches of `text` to decode: each token holding an escape with its words either
    side, one stretch where they touch or overlap. Every token holding an escape is visited
    once, also in the words after another (its own words after count too), and read back only
    to the end of the stretch so far, so each character is read a bounded number of times."""
    regions: list[tuple[int, int]] = []
    end = 0
    escape = _ESCAPE.search(text)
    while escape is not None:
        pos = escape.start()
        blank = _WS.search(text, pos, pos + _MAX_TOKEN)
        token_end = blank.start() if blank else min(len(text), pos + _MAX_TOKEN)
        right = _with_context_after(text, token_end)
        left = pos
        if not regions or pos - _CONTEXT > end:
            while left > end and not text[left - 1].isspace() and pos - left < _MAX_TOKEN:
                left -= 1
        if regions and left - _CONTEXT <= end:  # the words before it reach the last stretch
            regions[-1] = (regions[-1][0], max(end, right))
        else:
            regions.append((_with_context(text, left, end), right))
        end = regions[-1][1]
        escape = _ESCAPE.search(text, token_end)
    return regions


def find_encoded(text: str, scan: Callable[[str], list[Span]]) -> list[Span]:
    """Findings of `scan` on the decoded stretches of `text`, in `text`'s positions."""
    spans: list[Span] = []
    for left, right in _regions(text):
        decoded = Decoded(text[left:right])
        for s in scan(decoded.text):
            a, b = decoded.source(s.start)[0], decoded.source(s.end - 1)[1]
            norm = s.norm or decoded.text[s.start : s.end]
            outer = -1 if s.outer_start < 0 else left + decoded.source(s.outer_start)[0]
            spans.append(Span(s.type, left + a, left + b, s.kind, norm, outer))
    return spans
