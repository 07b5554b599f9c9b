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

# The look-behind sits after the first digit so the engine can skip to digits quickly.
_CARD: Final = re.compile(r"[0-9](?<![\w.,-][0-9])(?:[ -]?+[0-9]){12,18}(?![\w-]|[.,][0-9])")

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


_BY_PREFIX: dict[str, frozenset[int]] = {}


def _prefix_table() -> dict[str, frozenset[int]]:
    """4-digit prefix -> allowed lengths, built on first use (10k entries, a few ms) so the hot
    path is one dict lookup."""
    if not _BY_PREFIX:
        for i in range(10000):
            p = f"{i:04d}"
            lengths: set[int] = set()
            for low, high, allowed in _BRANDS:
                if low <= p[: len(low)] <= high:
                    lengths |= allowed
            _BY_PREFIX[p] = frozenset(lengths)
    return _BY_PREFIX


def known_brand(digits: str) -> bool:
    return len(digits) in _prefix_table().get(digits[:4], frozenset())


_NONE: Final[frozenset[int]] = frozenset()


def _longest_valid(cand: str) -> int:
    """Length of the longest prefix of `cand` ending at a digit-group boundary that is a valid
    card number, or 0. Most candidates stop at the 4-digit prefix lookup."""
    digits = cand.replace(" ", "").replace("-", "")
    allowed = _prefix_table().get(digits[:4], _NONE)
    if not allowed:
        return 0
    ends = {len(digits): len(cand)}
    count = 0
    for i, ch in enumerate(cand):
        if ch in " -":
            ends[count] = i
        else:
            count += 1
    for k in sorted(allowed & ends.keys(), reverse=True):
        if luhn_ok(digits[:k]):
            return ends[k]
    return 0


class CardDetector:
    """A failed candidate is retried from its next digit group and as its own shorter prefixes,
    because a card written after a phone number or before an amount merges with it into one
    run; each retry is bounded by 19 digits, so the scan stays linear."""

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        pos = 0
        while (m := _CARD.search(text, pos)) is not None:
            length = _longest_valid(m.group(0))
            if not length:
                pos = m.start() + 1
                continue
            value = m.group(0)[:length]
            digits = value.replace(" ", "").replace("-", "")
            spans.append(Span("CREDIT_CARD", m.start(), m.start() + length, "credit_card", digits))
            pos = m.start() + length
        return spans
