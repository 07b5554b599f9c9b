"""Email addresses (ASCII local part and domain, TLD of letters).

Anchored on `@`: each `@` is found with `str.find`, the local part is matched backwards within
64 characters and the domain forwards, so the cost is proportional to the number of `@`, not to
the text. Possessive quantifiers keep both halves linear. Label and TLD rules are checked in
Python, which is cheaper to read than to encode in the pattern.
"""

from __future__ import annotations

import re
from typing import Final

from masking.types import Span

_LOCAL: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}+")
_LOCAL_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
_DOMAIN: Final = re.compile(r"[A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+){1,8}+(?![A-Za-z0-9_-])")


def _valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    tld = labels[-1]
    if not (2 <= len(tld) <= 24 and tld.isalpha()):
        return False
    return all(label and label[0] != "-" and label[-1] != "-" for label in labels)


class EmailDetector:
    crosses_blanks = False

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        at = text.find("@")
        last_end = 0
        while at != -1:
            start = at
            while start > max(last_end, at - 64) and text[start - 1] in _LOCAL_CHARS:
                start -= 1
            # the local part starts at an alphanumeric and is not cut out of a longer run
            while start < at and not text[start].isalnum():
                start += 1
            domain = _DOMAIN.match(text, at + 1)
            if (
                start < at
                and (start == 0 or text[start - 1] not in _LOCAL_CHARS)
                and domain is not None
                and _valid_domain(domain.group(0))
                and _LOCAL.fullmatch(text, start, at)
            ):
                spans.append(Span("EMAIL", start, domain.end(), "email", text[start : domain.end()].lower()))
                last_end = domain.end()
            at = text.find("@", at + 1)
        return spans
