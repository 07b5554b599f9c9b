"""Credential detector driven by the rule tables in `secret_tokens` and `secret_context`.

Case-insensitive triggers are tested against one lower-cased copy of the text, made only when
some rule needs it. Quoted values (also JSON-escaped, `\\"…\\"`) are reported without their
quotes, so the placeholder replaces the secret and leaves the code around it intact. Every
finding passes one last filter: documented examples (AWS's `…EXAMPLE` keys), template fills
and low-entropy runs (`ghp_xxxx…`) are not credentials, the way gitleaks' allowlists decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from masking.detectors.secret_context import CONTEXT_RULES
from masking.detectors.secret_rules import SecretRule, is_filler
from masking.detectors.secret_tokens import TOKEN_RULES
from masking.types import SECRET, Span

RULES: Final[tuple[SecretRule, ...]] = TOKEN_RULES + CONTEXT_RULES


# English letters from common to rare: a trigger's gate is its character least likely in prose
# (anything but a lower-case letter or a blank first, then the rarest letter).
_LETTERS_BY_FREQUENCY: Final = "etaoinshrdlcumwfgypbvkjxqz"

type _Gated = tuple[tuple[str, tuple[tuple[str, int], ...]], ...]


def _rarity(char: str) -> int:
    if char.isspace():
        return -1
    position = _LETTERS_BY_FREQUENCY.find(char)
    return position if position != -1 else len(_LETTERS_BY_FREQUENCY)


def _gated(pairs: Iterable[tuple[str, int]]) -> _Gated:
    """(trigger, rule index) pairs grouped by gate character. A text can hold a trigger only if
    it holds every character of it, so a group whose gate is absent is skipped without a
    search: the fast path for ordinary text, which holds few of the gates (`_`, `-`, digits,
    capitals, rare letters). The triggers found are exactly those a search for each finds."""
    groups: dict[str, list[tuple[str, int]]] = {}
    for trigger, index in pairs:
        groups.setdefault(max(trigger, key=_rarity), []).append((trigger, index))
    return tuple((gate, tuple(group)) for gate, group in groups.items())


def _collect(text: str, gated: _Gated, present: dict[int, list[str]]) -> None:
    chars = set(text)
    for gate, group in gated:
        if gate in chars:
            for trigger, index in group:
                if trigger in text:
                    present.setdefault(index, []).append(trigger)


def _anchored(rule: SecretRule, text: str, haystack: str, triggers: list[str]) -> list[re.Match[str]]:
    """Try the rule only where a match can start, at its offsets before each trigger occurrence:
    a text full of "token" and ";" then costs one `match` call per occurrence instead of a
    case-insensitive search over every position."""
    starts: set[int] = set()
    for trigger in triggers:
        pos = haystack.find(trigger)
        while pos != -1:
            if not rule.needs or any(haystack.find(c, pos, pos + 24) != -1 for c in rule.needs):
                starts.update(pos - offset for offset in rule.offsets if offset <= pos)
            pos = haystack.find(trigger, pos + 1)
    out: list[re.Match[str]] = []
    last_end = 0
    for start in sorted(starts):
        if start < last_end:
            continue
        m = rule.regex.match(text, start)
        if m is not None:
            out.append(m)
            last_end = m.end()
    return out


def _strip_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    for quote in ('\\"', '"', "'"):
        q = len(quote)
        if end - start >= 2 * q and text.startswith(quote, start) and text.startswith(quote, end - q):
            return start + q, end - q
    return start, end


class SecretDetector:
    crosses_blanks = True

    def __init__(self, rules: tuple[SecretRule, ...] = RULES) -> None:
        self.rules = rules
        # (trigger, rule index) pairs per case, grouped by each trigger's gate character: a
        # text costs one `in` per trigger whose gate it contains, and only rules with a
        # trigger present go on to their regex.
        numbered = list(enumerate(rules))
        self._exact = _gated((t, i) for i, r in numbered if not r.ignore_case for t in r.triggers)
        self._folded = _gated((t.lower(), i) for i, r in numbered if r.ignore_case for t in r.triggers)

    def blank_crossing(self) -> SecretDetector:
        """The rules whose findings can hold a blank (an assignment, a header, a command line):
        all the stream guard needs to decide whether a finding crosses a blank."""
        return SecretDetector(tuple(r for r in self.rules if r.blanks))

    def find(self, text: str) -> list[Span]:
        present: dict[int, list[str]] = {}
        _collect(text, self._exact, present)
        lowered = ""
        if self._folded:
            lowered = text.lower()
            _collect(lowered, self._folded, present)
        spans: list[Span] = []
        for index in sorted(present):
            rule = self.rules[index]
            haystack = lowered if rule.ignore_case else text
            if rule.offsets and len(haystack) == len(text):
                matches = _anchored(rule, text, haystack, present[index])
            else:
                matches = list(rule.regex.finditer(text))
            for m in matches:
                start, end = _strip_quotes(text, *m.span(rule.group))
                value = text[start:end]
                if not value or is_filler(value):
                    continue
                if rule.check is not None and not rule.check(m, value):
                    continue
                spans.append(Span(SECRET, start, end, rule.kind, value, m.start()))
        return spans
