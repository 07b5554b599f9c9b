"""Run the detectors over one string and settle overlaps.

Overlaps are settled by type priority (a secret beats the card number inside it, a card beats
the phone-shaped run of its digits), then by length, then by position; the result is sorted
and non-overlapping, which is what placeholder substitution needs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Final

from masking.percent import find_encoded
from masking.types import Detector, Span

_PRIORITY: Final = {"SECRET": 6, "CREDIT_CARD": 5, "IBAN": 4, "SSN": 3, "EMAIL": 2, "IP_ADDRESS": 1}


def raw_spans(text: str, detectors: Iterable[Detector]) -> list[Span]:
    out: list[Span] = []
    for detector in detectors:
        out.extend(detector.find(text))
    return out


def resolve(spans: list[Span]) -> list[Span]:
    ordered = sorted(spans, key=lambda s: (-_PRIORITY.get(s.type, 0), s.start - s.end, s.start))
    starts: list[int] = []
    chosen: list[Span] = []
    for span in ordered:
        if span.end <= span.start:
            continue
        i = bisect.bisect_right(starts, span.start)
        if i > 0 and chosen[i - 1].end > span.start:
            continue
        if i < len(chosen) and chosen[i].start < span.end:
            continue
        starts.insert(i, span.start)
        chosen.insert(i, span)
    return chosen


def scan(text: str, detectors: tuple[Detector, ...]) -> list[Span]:
    """All findings in `text`, non-overlapping and sorted, percent-encoded forms included."""
    spans = raw_spans(text, detectors)
    if "%" in text:
        spans.extend(find_encoded(text, lambda decoded: raw_spans(decoded, detectors)))
    return resolve(spans)
