"""IBANs: country code, check digits and up to 30 letters or digits, grouped by spaces or not.

The ISO 7064 mod-97 check runs first in plain Python; only numbers passing it are handed to
`python-stdnum` for the per-country length and format rules. stdnum loads its registry file on
import (tens of milliseconds), so it is imported on first use, never at `import masking`.
"""

from __future__ import annotations

import re
from typing import Final

from masking.types import Span

# No trailing boundary in the pattern: its groups are possessive, so a lookahead failing
# after a glued-on word ("... 00 A000000000000") would reject the IBAN before it. The
# boundary is checked on each trimmed candidate instead.
_IBAN: Final = re.compile(r"([A-Z](?<![\w-][A-Z])[A-Z][0-9]{2}(?: ?+[A-Z0-9]{1,4}+){3,8}+)")


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
        for m in _IBAN.finditer(text):
            # A spaced IBAN may have swallowed a following upper-case word ("... 00 EUR"):
            # try dropping trailing groups before giving up.
            parts = m.group(1).split(" ")
            for keep in range(len(parts), 0, -1):
                candidate = " ".join(parts[:keep])
                compact = candidate.replace(" ", "")
                if len(compact) < 15:
                    break
                end = m.start() + len(candidate)
                if (
                    _ends_word(text, end)
                    and len(compact) <= 34
                    and mod97_ok(compact)
                    and stdnum_valid(compact)
                ):
                    spans.append(Span("IBAN", m.start(), end, "iban", compact))
                    break
        return spans


def _ends_word(text: str, end: int) -> bool:
    return end == len(text) or not (text[end].isalnum() or text[end] in "_-")
