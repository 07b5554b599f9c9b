"""Payment card numbers: 13-19 digits, in groups after a first group of at least four digits,
separated by one space or dash (other blanks and dashes are folded to these by normalisation),
or by one `.`, `/` or `_` used between every group (`4111.1111.1111.1111`: at least two such
separators, so a decimal such as `4123.4567890123` is not read as one), with a known brand
prefix and a valid Luhn check digit.

The brand table keeps random Luhn-valid numbers (one in ten of all numbers) from being masked
when they cannot be a card. A run of more than 19 digits is never a card: the possessive loop
refuses to give digits back, so long numbers fail in one pass instead of backtracking.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from masking.boundaries import clear_after, clear_before
from masking.types import Span

# The look-behind sits after the first digit so the engine can skip to digits quickly; letters
# around the number are judged in Python (`boundaries`), where glued labels are known.
# Every brand's prefix starts with 2-6, so other digits never open a candidate, and every
# way of writing a card starts with at least four digits together ("4111 1111 …", "3782
# 822463 …", or no groups at all): digit soups in pairs ("41 11 41 11 …") open none.
_CARD: Final = re.compile(r"[2-6](?<![0-9][2-6])[0-9]{3,18}+(?:[ ./_-][0-9]{2,8}+(?![0-9])){0,6}+(?![0-9])")

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


_DOUBLED: Final = str.maketrans("0123456789", "0246813579")  # 2d, minus 9 when over 9


def luhn_ok(digits: str) -> bool:
    """Luhn check on ASCII digits, in C loops: digit sums come from the bytes' sum."""
    rev = digits[::-1]
    kept, doubled = rev[0::2], rev[1::2].translate(_DOUBLED)
    return (sum(kept.encode()) + sum(doubled.encode()) - 48 * len(rev)) % 10 == 0


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
_SEPARATOR: Final = re.compile(r"[ ./_-]")
_PUNCTUATION: Final = frozenset("./_")
_MIN_LENGTH: Final = 13  # 12-digit Maestro numbers exist, but as many order numbers look like one


def _digits(value: str) -> str:
    return _SEPARATOR.sub("", value) if not value.isdigit() else value


def _separators_ok(value: str) -> bool:
    """Blanks and dashes may mix (`4111 1111-1111`); a `.`, `/` or `_` must be the only
    separator, used at least twice."""
    used = {c for c in value if not c.isdigit()}
    if not used & _PUNCTUATION:
        return True
    return len(used) == 1 and sum(not c.isdigit() for c in value) >= 2


@functools.lru_cache(maxsize=4096)
def _longest_valid(cand: str) -> int:
    """Length of the longest prefix of `cand` ending at a digit-group boundary that is a valid
    card number, or 0. Most candidates stop at the 4-digit prefix lookup."""
    digits = _digits(cand)
    allowed = _prefix_table().get(digits[:4], _NONE)
    if not allowed:
        return 0
    ends = {len(digits): len(cand)}
    if len(digits) != len(cand):
        for k, sep in enumerate(_SEPARATOR.finditer(cand)):
            ends[sep.start() - k] = sep.start()  # k separators before: that many fewer digits
    for k in sorted(allowed & ends.keys(), reverse=True):
        if k < _MIN_LENGTH:
            break
        if luhn_ok(digits[:k]):
            return ends[k]
    return 0


class CardDetector:
    """Every valid candidate is reported, overlapping ones too: in "… 555 2671 4111 1111 1111
    1111" both "2671 4111 1111 1111" and "4111 1111 1111 1111" pass Luhn (one number in ten
    does), and only the scan's resolution, which keeps the set of findings worth most, knows
    that the phone number before it makes the second one right. A failed candidate is retried
    from its next digit group and as its own shorter prefixes, because a card written after a
    phone number or before an amount merges with it into one run; each retry is bounded by 19
    digits, so the scan stays linear. Candidates are judged once per spelling (memoised): a
    table or a hostile text repeats them."""

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        pos = 0
        while (m := _CARD.search(text, pos)) is not None:
            pos = m.start() + 1
            if not clear_before(text, m.start()):
                continue
            length = _longest_valid(m.group(0))
            if not length or not clear_after(text, m.start() + length):
                continue
            value = m.group(0)[:length]
            if not _separators_ok(value):
                continue
            digits = _digits(value)
            spans.append(Span("CREDIT_CARD", m.start(), m.start() + length, "credit_card", digits))
        return spans
