"""US Social Security numbers, written 123-45-6789, 123 45 6789, 123.45.6789 or 123456789.

Separated forms are unambiguous, so every area is masked but the impossible ones (000, 666):
the 900-999 range holds ITINs and the numbers used in examples and tests, which are personal
data or stand for it. The unseparated form also matches other nine-digit identifiers, so it
keeps the strict ranges of issued numbers (no 9xx area) and skips the famous specimens, unless a
label says what it is ("SSN 123456789").
Group 00 and serial 0000 are never issued in any form. docs/masking.md says so.
"""

from __future__ import annotations

import re
from typing import Final

from masking.boundaries import clear_after, clear_before
from masking.types import Span

# The look-behind sits after the first digit so the engine can skip to digits quickly.
_SSN: Final = re.compile(r"[0-9](?<![0-9][0-9])([0-9]{2})([- .]?)([0-9]{2})([- .]?)([0-9]{4})(?![0-9])")
_SPECIMENS: Final = frozenset({"078051120", "219099999", "123456789"})
# A label just before the number ("SSN 123456789", "my social security number is 123456789"):
# then the unseparated form is an SSN as the separated one is, specimens and 9xx areas included.
_LABEL_BEFORE: Final = re.compile(
    r"(?i)(?<![^\W_])(?:ssn|ss#|ssa|social[\s-]+security(?:[\s-]+(?:number|no\.?|#))?)"
    r"(?:[\s:#=.-]|\b(?:is|was|of)\b){0,12}\Z"
)


def ssn_ok(area: str, group: str, serial: str, *, separated: bool) -> bool:
    if area in ("000", "666") or group == "00" or serial == "0000":
        return False
    if separated:
        return True
    return area[0] != "9" and area + group + serial not in _SPECIMENS


def _labelled(text: str, start: int) -> bool:
    return _LABEL_BEFORE.search(text, max(0, start - 40), start) is not None


class SsnDetector:
    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for m in _SSN.finditer(text):
            rest, sep1, group, sep2, serial = m.groups()
            if bool(sep1) != bool(sep2):
                continue
            area = text[m.start()] + rest
            if not (clear_before(text, m.start()) and clear_after(text, m.end())):
                continue
            if ssn_ok(area, group, serial, separated=bool(sep1) or _labelled(text, m.start())):
                spans.append(Span("SSN", m.start(), m.end(), "ssn", area + group + serial))
        return spans
