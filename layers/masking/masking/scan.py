"""Run the detectors over one string and settle overlaps.

Detectors read the normalised shadow of the text (`masking.normalise`) and their findings are
mapped back to the original characters. Overlaps are settled by type priority (a secret beats
the card number inside it, a card beats the phone-shaped run of its digits), then by length,
then by position; the result is sorted and non-overlapping, which is what placeholder
substitution needs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Final

from masking.normalise import Shadow
from masking.percent import find_encoded
from masking.types import Detector, Span

_PRIORITY: Final = {"SECRET": 6, "CREDIT_CARD": 5, "IBAN": 4, "SSN": 3, "EMAIL": 2, "IP_ADDRESS": 1}


def raw_spans(text: str, detectors: Iterable[Detector]) -> list[Span]:
    """Every detector's findings on `text` as it is (no normalisation, overlaps kept)."""
    out: list[Span] = []
    for detector in detectors:
        out.extend(detector.find(text))
    return out


def detect(text: str, detectors: tuple[Detector, ...]) -> list[Span]:
    """Findings on the normalised shadow of `text`, percent-encoded forms included, in the
    original's positions; overlaps kept."""
    shadow = Shadow(text)
    folded = shadow.text
    spans = raw_spans(folded, detectors)
    if "%" in folded:
        spans.extend(find_encoded(folded, lambda decoded: raw_spans(decoded, detectors)))
    if folded is text:
        return spans
    return [shadow.to_original(span) for span in spans]


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
    """All findings in `text`, non-overlapping and sorted."""
    return resolve(detect(text, detectors))
