"""Email addresses: a local part of letters (any script), digits and `._%+-`, and a domain of
labels with a top-level domain of letters.

Anchored on `@`: each `@` is found with `str.find`, the local part is matched backwards within
64 characters and the domain forwards, so the cost is proportional to the number of `@`, not to
the text. Possessive quantifiers keep both halves linear. Label and TLD rules are checked in
Python, which is cheaper to read than to encode in the pattern. A local part glued to a longer
run (`zzzz…zzbob@example.com`) is cut to its last 64 characters rather than dropped: the
address is still readable there, so it is masked.
"""

from __future__ import annotations

import re
from typing import Final

from masking.types import Span

_LOCAL: Final = re.compile(r"[^\W_][\w.%+-]{0,63}+")
_LOCAL_SYMBOLS: Final = frozenset("._%+-")
_LABEL = r"[^\W_](?:[^\W_]|-){0,62}+"
_DOMAIN: Final = re.compile(rf"{_LABEL}(?:\.{_LABEL}){{1,8}}+(?![^\W_]|-)")


def _local_char(ch: str) -> bool:
    return ch.isalnum() or ch in _LOCAL_SYMBOLS or ch == "_"


def _valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    tld = labels[-1]
    if not (2 <= len(tld) <= 24 and tld.isalpha()):
        return False
    return all(label and label[0] not in "-_" and label[-1] not in "-_" for label in labels)


class EmailDetector:
    crosses_blanks = False

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        at = text.find("@")
        last_end = 0
        while at != -1:
            start = at
            while start > max(last_end, at - 64) and _local_char(text[start - 1]):
                start -= 1
            # the local part starts at a letter or digit
            while start < at and not text[start].isalnum():
                start += 1
            domain = _DOMAIN.match(text, at + 1)
            if (
                start < at
                and domain is not None
                and _valid_domain(domain.group(0))
                and _LOCAL.fullmatch(text, start, at)
            ):
                spans.append(Span("EMAIL", start, domain.end(), "email", text[start : domain.end()].lower()))
                last_end = domain.end()
            at = text.find("@", at + 1)
        return spans


_OPEN = r"[\[({<]"
_CLOSE = r"[\])}>]"
# `bob (at) example [dot] com`, `bob[at]example.com`: the forms people use to hide an address
# from scrapers. Only bracketed `at`/`dot` count: bare words ("look at this dot com") are prose.
_SPELLED: Final = re.compile(
    rf"(?<![\w.%+-])([^\W_][\w.%+-]{{0,63}}+) ?{_OPEN} ?at ?{_CLOSE} ?"
    rf"((?:{_LABEL} ?(?:{_OPEN} ?dot ?{_CLOSE}|\.) ?){{1,8}}[^\W\d_]{{2,24}}+)(?![^\W_]|-)",
    re.IGNORECASE,
)
_SPELLED_DOT: Final = re.compile(rf" ?(?:{_OPEN} ?dot ?{_CLOSE}|\.) ?", re.IGNORECASE)


class SpelledEmailDetector:
    """Addresses written with bracketed `at` and `dot` so that scrapers miss them; a model
    reads them as easily as the plain form. Their spelling may hold blanks."""

    crosses_blanks = True

    def find(self, text: str) -> list[Span]:
        lowered = text.lower()
        if not any(f"at{close}" in lowered for close in ")]}>"):
            return []
        spans: list[Span] = []
        for m in _SPELLED.finditer(text):
            domain = _SPELLED_DOT.sub(".", m.group(2))
            if _valid_domain(domain):
                spans.append(Span("EMAIL", m.start(), m.end(), "email", f"{m.group(1)}@{domain}".lower()))
        return spans
