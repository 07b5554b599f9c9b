"""US Social Security numbers in the valid SSA ranges, written 123-45-6789, 123 45 6789 or
123456789.

Ranges rule out the impossible (area 000, 666 and 900-999, group 00, serial 0000) and the
famous specimen numbers, so most invented numbers in examples survive. The unseparated form
also matches other nine-digit identifiers: docs/masking.md says so.
"""

from __future__ import annotations

import re
from typing import Final

from masking.types import Span

# The look-behind sits after the first digit so the engine can skip to digits quickly.
_SSN: Final = re.compile(r"([0-9](?<![\w.,-][0-9])[0-9]{2})([- ]?)([0-9]{2})\2([0-9]{4})(?![\w-]|[.,][0-9])")
_SPECIMENS: Final = frozenset({"078051120", "219099999", "123456789"})


def ssn_ok(area: str, group: str, serial: str) -> bool:
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return area + group + serial not in _SPECIMENS


class SsnDetector:
    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for m in _SSN.finditer(text):
            area, _sep, group, serial = m.groups()
            if ssn_ok(area, group, serial):
                spans.append(Span("SSN", m.start(), m.end(), "ssn", area + group + serial))
        return spans
