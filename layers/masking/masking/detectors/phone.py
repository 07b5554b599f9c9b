"""Phone numbers, validated with `phonenumberslite` against the configured default regions
(numbers written with `+` are validated against their own country).

The candidate pattern is deliberately loose but linear: digit groups are possessive and must be
separated by one space, dot or dash (or follow a closing parenthesis), so a digit run is never
re-split by backtracking. Two numbers written side by side merge into one candidate; every
contiguous run of its groups is then tried, longest first. phonenumbers takes ~45 ms to import,
so it is imported when the first candidate needs validating.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from masking.types import Span

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

_GROUP = r"\(?+\d{1,15}+\)?+"
_CANDIDATE: Final = re.compile(
    rf"(?<![\w+.,/:=-])\+?+{_GROUP}(?:(?:[ .-]|(?<=\))){_GROUP}){{0,7}}+(?![\w-]|[.,]\d)"
)
_GROUP_RE: Final = re.compile(_GROUP)
_MIN_DIGITS: Final = 7
_MAX_DIGITS: Final = 15


def _digit_count(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


class PhoneDetector:
    def __init__(self, regions: tuple[str, ...] = ("US",)) -> None:
        self.regions = tuple(r.upper() for r in regions) or ("US",)

    def _parse(self, candidate: str) -> PhoneNumber | None:
        import phonenumbers

        regions: tuple[str | None, ...] = (None,) if candidate.startswith("+") else self.regions
        for region in regions:
            try:
                number = phonenumbers.parse(candidate, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return number
        return None

    def _e164(self, number: PhoneNumber) -> str:
        import phonenumbers

        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for m in _CANDIDATE.finditer(text):
            cand = m.group(0)
            if _digit_count(cand) < _MIN_DIGITS:
                continue
            if _digit_count(cand) <= _MAX_DIGITS:
                number = self._parse(cand)
                if number is not None:
                    spans.append(Span("PHONE", m.start(), m.end(), "phone", self._e164(number)))
                    continue
            spans.extend(self._split(cand, m.start()))
        return spans

    def _split(self, cand: str, offset: int) -> list[Span]:
        """Try contiguous runs of groups, longest first, for merged or padded candidates."""
        groups = [(g.start(), g.end()) for g in _GROUP_RE.finditer(cand)]
        if cand.startswith("+") and groups:
            groups[0] = (0, groups[0][1])
        found: list[Span] = []
        taken: list[tuple[int, int]] = []
        n = len(groups)
        for size in range(n - 1, 0, -1):
            for i in range(n - size + 1):
                a, b = groups[i][0], groups[i + size - 1][1]
                sub = cand[a:b]
                if not _MIN_DIGITS <= _digit_count(sub) <= _MAX_DIGITS:
                    continue
                if any(a < tb and ta < b for ta, tb in taken):
                    continue
                if (a > 0 and cand[a - 1] == "+") or (sub.startswith("(") is False and sub.endswith(")")):
                    continue
                number = self._parse(sub)
                if number is not None:
                    taken.append((a, b))
                    found.append(Span("PHONE", offset + a, offset + b, "phone", self._e164(number)))
        return found
