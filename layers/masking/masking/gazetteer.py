"""The person-name gazetteer: first names and surnames from public-domain US lists (Census 1990,
SSA 1880-2017; `scripts/build_name_data.py` derives `data/names.zlib`, `data/NOTICE` says where
each part comes from), and which of them are also ordinary lower-case English words.

Read on first use, never at `import masking`: the file is about 1 MB and 126,000 names, which
costs milliseconds to turn into sets, and only deployments with names switched on need it.
Loaded once per process and path (`load` is cached) and shared by every detector and thread;
the sets are frozen. Lookups take the upper-case ASCII fold of a word (`fold`), so `Müller`
finds MULLER and `José` JOSE.
"""

from __future__ import annotations

import bisect
import functools
import os
import unicodedata
from typing import Final

DATA: Final = os.path.join(os.path.dirname(__file__), "data", "names.zlib")


class _Sorted:
    """A sorted list searched by bisection. Not a set: hashing 126,000 strings costs more than
    three times what splitting the file does, and a request looks up a few words at most."""

    __slots__ = ("_items",)

    def __init__(self, items: list[str]) -> None:
        self._items = items

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        items = self._items
        i = bisect.bisect_left(items, word)
        return i < len(items) and items[i] == word

    def __len__(self) -> int:
        return len(self._items)


class Gazetteer:
    """`first`, `last`, and `words` (names that are also lower-case English words: Will, Grant,
    Brown); each answers `in` for an upper-case ASCII word."""

    __slots__ = ("first", "last", "words")

    def __init__(self, first: list[str], last: list[str], words: list[str]) -> None:
        self.first = _Sorted(first)
        self.last = _Sorted(last)
        self.words = _Sorted(words)

    @classmethod
    def parse(cls, text: str) -> Gazetteer:
        """Sections `[first]`, `[last]`, `[word]`, each already sorted (the build script sorts them and
        a test checks it), one name per line."""
        sections: dict[str, list[str]] = {}
        at = text.find("\n[")
        while at != -1:
            close = text.index("]", at)
            nxt = text.find("\n[", close)
            sections[text[at + 2 : close]] = text[close + 1 : nxt if nxt != -1 else len(text)].split()
            at = nxt
        return cls(sections.get("first", []), sections.get("last", []), sections.get("word", []))


@functools.lru_cache(maxsize=4)
def load(path: str = DATA) -> Gazetteer:
    """The file is zlib-compressed text (350 KB for 1 MB): the layer shares a 40 MB budget with
    the function, and inflating it costs about a millisecond."""
    import zlib

    with open(path, "rb") as handle:
        return Gazetteer.parse(zlib.decompress(handle.read()).decode("ascii"))


@functools.lru_cache(maxsize=8192)
def fold(word: str) -> str:
    """Upper-case ASCII spelling of a word: accents dropped, apostrophes and dashes kept."""
    upper = word.upper()
    if upper.isascii():
        return upper
    return "".join(c for c in unicodedata.normalize("NFKD", upper) if not unicodedata.combining(c))
