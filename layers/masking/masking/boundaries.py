"""Where a value may begin and end: next to anything that is not a letter or a digit.

Pasted spreadsheets, logs and configs glue values to punctuation (`Jane,4111…`, `[1,4111…]`,
`tel:+1…`, `phone=…`, `No.4111…`), so any non-alphanumeric neighbour is a boundary. A letter
is a boundary only when it ends a known label glued on (`SSN536221234`, `tel4155552671`); a
digit never is, so a value is never cut out of a longer number.
"""

from __future__ import annotations

from typing import Final

# Labels people glue to the values this package detects (compared case-insensitively, and only
# as a whole word: `Mono4155552671` is not `no`).
LABELS: Final = frozenset(
    {
        "ssn", "ssns", "itin", "tin", "sin", "tel", "tele", "telephone", "phone", "ph", "mob", "mobile",
        "cell", "cellphone", "fax", "whatsapp", "sms", "call", "card", "cardno", "cc", "ccn", "visa",
        "mc", "amex", "acct", "account", "iban", "ip", "addr", "no", "nr", "num", "number", "id", "pin",
    }
)  # fmt: skip
_LONGEST: Final = max(len(label) for label in LABELS)


def clear_before(text: str, start: int) -> bool:
    """May a value begin at `start`?"""
    if start == 0:
        return True
    prev = text[start - 1]
    if not prev.isalnum():
        return True
    if not prev.isalpha():
        return False  # a digit (of any script)
    i = start - 1
    limit = max(0, start - _LONGEST - 1)
    while i > limit and text[i - 1].isalpha():
        i -= 1
    if i > 0 and text[i - 1].isalpha():
        return False  # a word longer than any label
    return text[i:start].lower() in LABELS


def clear_after(text: str, end: int) -> bool:
    """May a value end at `end`?"""
    return end >= len(text) or not text[end].isalnum()


# Context words (`NHS number`, `BSN`) must start within this many characters before a value:
# small enough that the stream guard's probe (48 characters either side of a blank) always sees
# both together.
CONTEXT = 32


def context_before(lowered: str, start: int, words: tuple[str, ...]) -> int:
    """Where the nearest of `words` (whole words, in lower-cased text) begins within CONTEXT
    characters before `start`, or -1."""
    window_start = max(0, start - CONTEXT)
    best = -1
    for word in words:
        at = lowered.rfind(word, window_start, start)
        if at <= best or (at > 0 and lowered[at - 1].isalnum()):
            continue
        end = at + len(word)
        if end == len(lowered) or not lowered[end].isalnum():
            best = at
    return best
