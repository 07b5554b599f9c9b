"""Payment card numbers: 13-19 digits, optional single space or dash separators, a known
brand prefix and a valid Luhn check digit.

The brand table keeps random Luhn-valid numbers (one in ten of all numbers) from being masked
when they cannot be a card. A run of more than 19 digits is never a card: the possessive loop
refuses to give digits back, so long numbers fail in one pass instead of backtracking.
"""

from __future__ import annotations

import re
from typing import Final

from masking.types import Span

_CARD: Final = re.compile(r"(?<![\w.,-])\d(?:[ -]?+\d){12,18}+(?![\w-]|[.,]\d)")

# (prefix lower bound, prefix upper bound, allowed lengths); prefixes compared on equal length.
_BRANDS: Final[tuple[tuple[str, str, frozenset[int]], ...]] = (
    ("4", "4", frozenset({13, 16, 19})),  # Visa
    ("51", "55", frozenset({16})),  # Mastercard
    ("2221", "2720", frozenset({16})),  # Mastercard 2-series
    ("34", "34", frozenset({15})),  # American Express
    ("37", "37", frozenset({15})),
    ("6011", "6011", frozenset(range(16, 20))),  # Discover
    ("644", "649", frozenset(range(16, 20))),
    ("65", "65", frozenset(range(16, 20))),
    ("3528", "3589", frozenset(range(16, 20))),  # JCB
    ("300", "305", frozenset(range(14, 20))),  # Diners Club
    ("36", "36", frozenset(range(14, 20))),
    ("38", "39", frozenset(range(16, 20))),
    ("62", "62", frozenset(range(16, 20))),  # UnionPay
    ("50", "50", frozenset(range(12, 20))),  # Maestro
    ("56", "58", frozenset(range(12, 20))),
    ("67", "67", frozenset(range(12, 20))),
    ("2200", "2204", frozenset(range(16, 20))),  # Mir
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def known_brand(digits: str) -> bool:
    for low, high, lengths in _BRANDS:
        if len(digits) in lengths and low <= digits[: len(low)] <= high:
            return True
    return False


class CardDetector:
    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for m in _CARD.finditer(text):
            digits = m.group(0).replace(" ", "").replace("-", "")
            if known_brand(digits) and luhn_ok(digits):
                spans.append(Span("CREDIT_CARD", m.start(), m.end(), "credit_card", digits))
        return spans
