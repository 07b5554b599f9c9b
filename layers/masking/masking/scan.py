"""Run the detectors over one string and settle overlaps.

Detectors read the normalised shadow of the text (`masking.normalise`) and their findings are
mapped back to the original characters. Overlaps are settled by keeping the set of
non-overlapping findings worth most: a type outweighs any number of findings of lower types (a
secret beats the card number inside it, a card beats the phone-shaped run of its digits), and
among alternatives of one type more findings beat fewer, so a card number that merely happens
to pass Luhn by starting inside a phone number ("… 555 2671 4111 1111 1111 1111") loses to the
phone number and the real card after it. Ties go to more covered text, then to the earlier
finding. The result is sorted and non-overlapping, which is what placeholder substitution needs.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Final

from masking.encoded import find_encoded, has_escape
from masking.normalise import Shadow
from masking.types import Detector, Span

_RANK: Final = (
    "PERSON", "ADDRESS", "IP_ADDRESS", "EMAIL", "SSN", "NATIONAL_ID", "IBAN", "CREDIT_CARD", "SECRET"
)  # fmt: skip
# Each rank is worth more than a thousand findings of the ranks below it; other types (a
# phone, a deployment's own entities and detectors) rank lowest. A postal address outranks the
# name in it ("12 John Smith Road") and the phone-shaped digits of a ZIP+4 or a house number, so it
# stays one value; every checksummed or structural type outranks both, so a loose address or
# name never swallows an email, a card or an identifier next to it.
_WEIGHT: Final[dict[str, int]] = {type_: 1000 ** (rank + 1) for rank, type_ in enumerate(_RANK)}


def _weight(span: Span) -> int:
    return _WEIGHT.get(span.type, 1)


def raw_spans(text: str, detectors: Iterable[Detector]) -> list[Span]:
    """Every detector's findings on `text` as it is (no normalisation, overlaps kept)."""
    out: list[Span] = []
    for detector in detectors:
        out.extend(detector.find(text))
    return out


# Escapes inside escapes: a JSON string holding a value that was itself escaped (tool-call
# arguments are JSON text inside JSON: `"jane\\u0040…"`, `{\\\"password\\\":…}`) takes
# one level per encoding. Three levels cover an escaped value in a string literal inside JSON
# (the caller escaped it, then json.dumps twice); each level decodes only the stretches around
# tokens that still hold an escape (masking.encoded), a shorter text each time.
_ESCAPE_DEPTH: Final = 3


def detect(text: str, detectors: tuple[Detector, ...], depth: int = _ESCAPE_DEPTH) -> list[Span]:
    """Findings on the normalised shadow of `text`, escaped forms included, in the
    original's positions; overlaps kept. Decoded text is normalised again (a JSON escape such
    as `\\uff20` or `\\u00a0` decodes to a fullwidth `@` or a no-break space) and, down to
    `depth`, decoded again."""
    shadow = Shadow(text)
    folded = shadow.text
    spans = raw_spans(folded, detectors)
    if depth > 0 and has_escape(folded):
        direct = {(s.type, s.start, s.end) for s in spans}
        decoded = find_encoded(folded, lambda text: detect(text, detectors, depth - 1))
        spans.extend(s for s in decoded if (s.type, s.start, s.end) not in direct)
    if folded is text:
        return spans
    return [shadow.to_original(span) for span in spans]


def resolve(spans: list[Span]) -> list[Span]:
    """Weighted interval scheduling over the findings, O(n log n)."""
    ordered = sorted((s for s in spans if s.end > s.start), key=lambda s: (s.end, s.start, -_weight(s)))
    if len(ordered) < 2:
        return ordered
    ends = [s.end for s in ordered]
    # best[i]: (weight, covered characters, -position sum) of the best choice among ordered[:i]
    best: list[tuple[int, int, int]] = [(0, 0, 0)]
    take: list[bool] = []
    previous: list[int] = []
    for i, span in enumerate(ordered):
        p = bisect.bisect_right(ends, span.start, 0, i)
        w, covered, early = best[p]
        with_it = (w + _weight(span), covered + span.end - span.start, early - span.start)
        previous.append(p)
        take.append(with_it > best[i])
        best.append(max(with_it, best[i]))
    chosen: list[Span] = []
    i = len(ordered)
    while i > 0:
        if take[i - 1]:
            chosen.append(ordered[i - 1])
            i = previous[i - 1]
        else:
            i -= 1
    chosen.reverse()
    return chosen


def scan(text: str, detectors: tuple[Detector, ...]) -> list[Span]:
    """All findings in `text`, non-overlapping and sorted."""
    return resolve(detect(text, detectors))
