"""IBANs: country code, check digits and up to 30 letters or digits, in any case, grouped by
spaces, dashes or dots (`DE89.3704.0044…`, as card numbers are) or not grouped at all.

The ISO 7064 mod-97 check runs first in plain Python; only numbers passing it are handed to
`python-stdnum` for the per-country length and format rules. stdnum loads its registry file on
import (tens of milliseconds), so it is imported on first use, never at `import masking`.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from masking.boundaries import clear_before
from masking.types import Span

# The country code and check digits open a candidate; the country's length decides the rest,
# so a following word ("… 00 EUR", "… 00 A000000000000") is never taken in.
# Searched from its check digits, so the engine skips letters in its fast loop instead of trying
# every letter of prose as a country code; the letters are checked behind.
_PREFIX: Final = re.compile(r"[0-9](?<=[A-Za-z]{2}[0-9])(?<![0-9][A-Za-z]{2}[0-9])[0-9]")

# IBAN length per country (ISO 13616 registry, as python-stdnum ships it; a test keeps the two
# in step). One dict lookup rejects almost every candidate before any checksum arithmetic, so
# text made of IBAN-like groups ("DE89 DE89 …") costs what prose costs.
LENGTHS: Final = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_SEPARATORS: Final = re.compile(r"[ .-]")


@functools.cache
def _body(length: int) -> re.Pattern[str]:
    """The rest of an IBAN of `length`: that many letters and digits after the country code and
    check digits, each optionally after one blank, dash or dot, then no letter or digit (a dot
    after the last one ends a sentence)."""
    return re.compile(rf"(?:[ .-]?+[A-Za-z0-9]){{{length - 4}}}(?![A-Za-z0-9])")


def mod97_ok(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def stdnum_valid(compact: str) -> bool:
    from stdnum import iban

    return bool(iban.is_valid(compact))


class IbanDetector:
    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for m in _PREFIX.finditer(text):
            start = m.start() - 2
            expected = LENGTHS.get(text[start : m.start()].upper())
            if expected is None or not clear_before(text, start):
                continue
            body = _body(expected).match(text, m.end())
            if body is None:
                continue
            compact = _SEPARATORS.sub("", text[start : body.end()]).upper()
            if mod97_ok(compact) and stdnum_valid(compact):
                spans.append(Span("IBAN", start, body.end(), "iban", compact))
        return spans
