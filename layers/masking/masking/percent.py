"""Percent-encoded values (`bob%40example.com`, `%2B1%20415...`): decode each token that
contains `%XX`, scan the decoded text, and map findings back onto the encoded text.

Only findings that cover at least one encoded character are reported; plain ones the direct
scan already sees. Tokens are found with `str.find`, each visited once, so this stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from masking.types import Span

_HEX: Final = frozenset("0123456789abcdefABCDEF")
_MAX_TOKEN: Final = 4096
_WS: Final = re.compile(r"\s")


def _decode(token: str) -> tuple[str, list[int], list[int]]:
    """Decode %XX byte-wise (Latin-1: every value we detect is ASCII) with source offsets."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(token)
    while i < n:
        if token[i] == "%" and i + 2 < n and token[i + 1] in _HEX and token[i + 2] in _HEX:
            out.append(chr(int(token[i + 1 : i + 3], 16)))
            starts.append(i)
            ends.append(i + 3)
            i += 3
        else:
            out.append(token[i])
            starts.append(i)
            ends.append(i + 1)
            i += 1
    return "".join(out), starts, ends


def find_encoded(text: str, scan: Callable[[str], list[Span]]) -> list[Span]:
    spans: list[Span] = []
    pos = text.find("%")
    while pos != -1:
        if pos + 2 >= len(text) or text[pos + 1] not in _HEX or text[pos + 2] not in _HEX:
            pos = text.find("%", pos + 1)
            continue
        left = pos
        while left > 0 and not text[left - 1].isspace() and pos - left < _MAX_TOKEN:
            left -= 1
        m = _WS.search(text, pos)
        right = m.start() if m else len(text)
        right = min(right, pos + _MAX_TOKEN)
        token = text[left:right]
        decoded, starts, ends = _decode(token)
        if len(decoded) != len(token):
            for s in scan(decoded):
                a, b = starts[s.start], ends[s.end - 1]
                if b - a != s.end - s.start:
                    spans.append(Span(s.type, left + a, left + b, s.kind, s.norm or decoded[s.start : s.end]))
        pos = text.find("%", right)
    return spans
