"""Email addresses (ASCII local part and domain, TLD of letters).

Possessive quantifiers keep the pattern linear: the local part cannot contain `@` and each domain
label cannot contain `.`, so nothing ever needs to be given back. Label and TLD rules are checked
in Python, which is cheaper to read than to encode in the pattern.
"""

from __future__ import annotations

import re
from typing import Final

from masking.types import Span

_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+-])"
    r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}+"
    r"@"
    r"([A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+){1,8}+)"
    r"(?![A-Za-z0-9_-])"
)


def _valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    tld = labels[-1]
    if not (2 <= len(tld) <= 24 and tld.isalpha()):
        return False
    return all(label and label[0] != "-" and label[-1] != "-" for label in labels)


class EmailDetector:
    def find(self, text: str) -> list[Span]:
        if "@" not in text:
            return []
        spans: list[Span] = []
        for m in _EMAIL.finditer(text):
            if _valid_domain(m.group(1)):
                spans.append(Span("EMAIL", m.start(), m.end(), "email", m.group(0).lower()))
        return spans
