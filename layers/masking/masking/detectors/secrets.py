"""Credential detector driven by the rule table in `secret_rules`.

Case-insensitive triggers are tested against one lower-cased copy of the text, made only when
some rule needs it. Quoted assignment values are reported without their quotes, so the
placeholder replaces the secret and leaves the code around it intact.
"""

from __future__ import annotations

import re

from masking.detectors.secret_rules import RULES, SecretRule
from masking.types import SECRET, Span


def _anchored(rule: SecretRule, text: str, haystack: str, triggers: tuple[str, ...]) -> list[re.Match[str]]:
    """Try the rule only at the few positions before each trigger occurrence where a match can
    start: a prose-heavy text full of "key" and ";" then costs a handful of `match` calls per
    occurrence instead of a case-insensitive search over every position."""
    starts: set[int] = set()
    for trigger in triggers:
        pos = haystack.find(trigger)
        while pos != -1:
            if not rule.needs or any(haystack.find(c, pos, pos + 24) != -1 for c in rule.needs):
                starts.update(range(max(0, pos - rule.back), pos + 1))
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


class SecretDetector:
    def __init__(self, rules: tuple[SecretRule, ...] = RULES) -> None:
        self.rules = rules
        self._plan = tuple(
            (rule, rule.ignore_case, tuple(t.lower() if rule.ignore_case else t for t in rule.triggers))
            for rule in rules
        )

    def find(self, text: str) -> list[Span]:
        lowered: str | None = None
        spans: list[Span] = []
        for rule, ignore_case, triggers in self._plan:
            if ignore_case:
                if lowered is None:
                    lowered = text.lower()
                haystack = lowered
            else:
                haystack = text
            if not any(t in haystack for t in triggers):
                continue
            if rule.back >= 0 and len(haystack) == len(text):
                matches = _anchored(rule, text, haystack, triggers)
            else:
                matches = list(rule.regex.finditer(text))
            for m in matches:
                value = m.group(rule.group)
                if rule.check is not None and not rule.check(value):
                    continue
                start, end = m.span(rule.group)
                if value[:1] in "\"'" and len(value) >= 2 and value[-1] == value[0]:
                    start, end = start + 1, end - 1
                spans.append(Span(SECRET, start, end, rule.kind, text[start:end], m.start()))
        return spans
