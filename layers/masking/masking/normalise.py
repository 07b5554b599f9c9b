"""Normalised scanning: detectors read a *shadow* of the text, in which characters that look
alike to a reader (and to a model) are folded to one spelling, and every finding is mapped
back to the original positions, so the caller's own characters are what gets masked.

Folded in the shadow:
- NFKC compatibility forms: fullwidth digits and at signs (U+FF10-FF19, U+FF20), the
  numero sign, ligatures;
- decimal digits of every script to ASCII (`٤١١١`);
- dashes (U+2010-2015, U+2212, fullwidth) to `-`;
- the fraction, division and big solidus (U+2044, U+2215, U+29F8), which render as a slash, to `/`;
- ideographic full stops (U+3002, U+FF61), which IDNA reads as the dots of a domain, to `.`;
- middle dots and bullets (U+00B7, U+2022, U+2027, U+2219, U+30FB), which people and obfuscators
  put where a dot goes (`jane\u00b7roe@example\u00b7com`, `4111\u30fb1111\u30fb…`), to `.`;
- format and combining characters (zero-width space/joiners, U+2060, U+FEFF, soft hyphen,
  combining marks), the other default-ignorable characters (the Hangul fillers U+3164, U+FFA0,
  U+115F, U+1160, which render as a blank but are letters to Unicode) and the C1 control
  characters removed, so `4111\u200b1111…`, `4111\u31641111…` and `bob\u0301@…` read as
  written;
- a run of horizontal white space (tabs, no-break, narrow, thin, figure, ideographic spaces,
  the braille blank U+2800, two or more spaces) to one space; line and paragraph separators
  to a newline.

ASCII control characters (U+0000-U+001F, U+007F) other than tab are left as they are: plain
ASCII text takes the fast paths below, which would then need a second search of every string.

Plain ASCII with single spaces (most text) is its own shadow and costs one regex search; text
whose folds are one character for one (no-break spaces, fullwidth or Arabic-Indic digits, the
fullwidth at sign, dashes) is folded by `str.translate` in C and keeps every position.
Why a shadow rather than teaching every detector about Unicode: one place decides what "the
same character" means, the detectors stay small ASCII patterns, and a property test can prove
the mapping (tests/masking/test_normalise.py).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from typing import Final

from masking.types import Span

# Work is needed only around tabs, non-ASCII characters and runs of two or more spaces. The
# classes are written as "none of the other ASCII characters": spelled as the range
# \x80-\U0010ffff, `re` fills a 65,536-entry table one character at a time when it compiles
# them, 9 ms of every cold start (tests/masking/test_normalise.py checks they are the same).
_SPECIAL: Final = re.compile(r"[^\x00-\x08\n-\x1f!-\x7f]{2,}|[^\x00-\x08\n-\x1f -\x7f]")
_SPACE_RUNS: Final = re.compile(r"  +")
_SENTINEL: Final = "\ue000"  # stands for a character whose fold is not one character
_TABLE_LIMIT: Final = 65536
_SPACE: Final = " "
_DROP: Final = ""
_NEWLINES: Final = frozenset("\x85\u2028\u2029")
_BLANKS: Final = re.compile(" {2,}")
_DASHES: Final = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
_DOTS: Final = frozenset("\u3002\uff61\u00b7\u0387\u2022\u2027\u2219\u30fb\uff65")
_SLASHES: Final = frozenset("\u2044\u2215\u29f8")  # fraction, division and big solidus
# Rendered as a blank, but not white space to Unicode.
_BLANK_SYMBOLS: Final = frozenset("\u2800")
# Default-ignorable code points that are not format or combining characters: the Hangul
# fillers (letters to Unicode, invisible on screen) and the unassigned ones reserved as
# ignorable (a renderer draws nothing for them either).
_IGNORABLE: Final = frozenset("\u115f\u1160\u3164\uffa0")


def _ignorable(ch: str) -> bool:
    code = ord(ch)
    return ch in _IGNORABLE or code == 0x2065 or 0xFFF0 <= code <= 0xFFF8 or 0xE0000 <= code <= 0xE0FFF


@functools.lru_cache(maxsize=4096)
def fold(ch: str) -> str:
    """What one character reads as in the shadow: itself, a replacement, "" or " "."""
    if ch == "\t":
        return _SPACE
    if ch in _NEWLINES:
        return "\n"
    category = unicodedata.category(ch)
    if category == "Zs" or ch in _BLANK_SYMBOLS:
        return _SPACE
    if category in ("Cf", "Mn", "Me") or _ignorable(ch) or (category == "Cc" and ch >= "\x80"):
        return _DROP
    if ch in _DASHES:
        return "-"
    if ch in _DOTS:
        return "."
    if ch in _SLASHES:
        return "/"
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    compatible = unicodedata.normalize("NFKC", ch)
    if compatible == ch:
        return ch
    # A compatibility form can hold characters that fold again (U+FFE3 is a space and a
    # combining macron): fold those too, and read any blanks in it as one space.
    return _BLANKS.sub(" ", "".join(fold(c) if c != ch else c for c in compatible))


class _OneForOne(dict[int, str]):
    """`str.translate` table: each character to its fold when that is one character, else to
    the sentinel (the text then takes the general path). Filled on first sight, bounded."""

    def __missing__(self, code: int) -> str:
        folded = fold(chr(code))
        value = folded if len(folded) == 1 else _SENTINEL
        if len(self) < _TABLE_LIMIT:
            self[code] = value
        return value


_ONE_FOR_ONE: Final = _OneForOne()


class Shadow:
    """The folded text and a map back. Segments are (shadow start, original start, original
    end, copied?): a copied segment maps position by position, a folded one maps any of its
    shadow positions to its whole original extent (one character, or a run of blanks)."""

    __slots__ = ("_copied", "_orig_end", "_orig_start", "_starts", "identity", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self._starts: list[int] = []
        self._orig_start: list[int] = []
        self._orig_end: list[int] = []
        self._copied: list[bool] = []
        self.identity = True  # does every shadow position map to the same original position?
        folded = original if original.isascii() else original.translate(_ONE_FOR_ONE)
        if _SENTINEL not in folded and "  " not in folded and "\t" not in folded:
            self.text = folded
            return
        self.identity = False
        out: list[str] = []
        size = 0  # length of the shadow built so far
        pending = 0  # original[pending:i] is unchanged text not yet appended
        blank = False  # does the shadow (pending text included) end in a space?
        ascii_text = original.isascii()
        # In ASCII text without tabs the special runs are runs of spaces: a pattern with a
        # literal prefix, which the engine finds several times faster than a character class.
        specials = _SPACE_RUNS if ascii_text and "\t" not in original else _SPECIAL
        for match in specials.finditer(original):
            a, b = match.span()
            if a > 0:
                blank = original[a - 1] == " "
            if ascii_text or original[a:b].isascii():
                # Only spaces and tabs (indentation, aligned columns): the run reads as one
                # space, without the loop below (which gives the same segments).
                size, pending = self._blank_run(out, size, pending, a, b, blank)
                blank = True
                continue
            for i in range(a, b):
                ch = original[i]
                one = fold(ch)
                if blank and one.startswith(_SPACE):
                    one = one[1:] or _SPACE  # the space already in the shadow stands for it
                if one == _SPACE and blank:
                    # A repeated blank: the space already in the shadow stands for the run.
                    size = self._copy(out, size, pending, i)
                    self._widen(i + 1)
                    pending = i + 1
                    continue
                if one == ch:
                    blank = ch == " "
                    continue
                size = self._copy(out, size, pending, i)
                pending = i + 1
                if one == _DROP:
                    continue
                self._segment(size, i, i + 1, copied=False)
                out.append(one)
                size += len(one)
                blank = one[-1] == " "
        self._copy(out, size, pending, len(original))
        self.text = "".join(out)

    def _blank_run(
        self, out: list[str], size: int, pending: int, a: int, b: int, blank: bool
    ) -> tuple[int, int]:
        """Fold original[a:b], spaces and tabs only, to the one space that stands for it (or to
        the space already before it); returns the new shadow size and pending start."""
        if blank:
            size = self._copy(out, size, pending, a)
        elif self.original[a] == " ":
            size = self._copy(out, size, pending, a + 1)
            if b == a + 1:
                return size, b
        else:
            size = self._copy(out, size, pending, a)
            self._segment(size, a, a + 1, copied=False)
            out.append(_SPACE)
            size += 1
            if b > a + 1:
                self._orig_end[-1] = b
            return size, b
        self._widen(b)
        return size, b

    def _segment(self, start: int, orig_start: int, orig_end: int, *, copied: bool) -> None:
        self._starts.append(start)
        self._orig_start.append(orig_start)
        self._orig_end.append(orig_end)
        self._copied.append(copied)

    def _copy(self, out: list[str], size: int, a: int, b: int) -> int:
        """Append original[a:b] unchanged (extending the previous copied segment when it abuts)."""
        if b <= a:
            return size
        if self._copied and self._copied[-1] and self._orig_end[-1] == a:
            self._orig_end[-1] = b
        else:
            self._segment(size, a, b, copied=True)
        out.append(self.original[a:b])
        return size + (b - a)

    def _widen(self, orig_end: int) -> None:
        """Make the shadow's last character, a space, stand for original text up to `orig_end`."""
        if self._copied[-1]:
            last = self._orig_end[-1] - 1
            if last == self._orig_start[-1]:
                self._copied[-1] = False
            else:
                self._orig_end[-1] = last
                self._segment(self._starts[-1] + (last - self._orig_start[-1]), last, last + 1, copied=False)
        self._orig_end[-1] = orig_end

    def start_of(self, pos: int) -> int:
        """Original index of the character at shadow index `pos`."""
        if self.identity:
            return pos
        i = bisect.bisect_right(self._starts, pos) - 1
        if self._copied[i]:
            return self._orig_start[i] + (pos - self._starts[i])
        return self._orig_start[i]

    def end_of(self, pos: int) -> int:
        """Original index just after the character at shadow index `pos - 1`."""
        if self.identity:
            return pos
        i = bisect.bisect_right(self._starts, pos - 1) - 1
        if self._copied[i]:
            return self._orig_start[i] + (pos - self._starts[i])
        return self._orig_end[i]

    def to_original(self, span: Span) -> Span:
        if self.identity:
            return (
                span
                if self.text is self.original
                else span._replace(norm=span.norm or self.text[span.start : span.end])
            )
        start, end = self.start_of(span.start), self.end_of(span.end)
        outer = span.outer_start
        outer = -1 if outer < 0 else self.start_of(outer)
        return span._replace(
            start=start, end=end, outer_start=outer, norm=span.norm or self.text[span.start : span.end]
        )
