"""Email addresses: a local part of letters (any script), digits and `._%+-`, and a domain of
labels with a top-level domain of letters.

Anchored on `@`: each `@` is found with `str.find`, the local part is matched backwards within
64 characters and the domain forwards, so the cost is proportional to the number of `@`, not to
the text. Possessive quantifiers keep both halves linear. Label and TLD rules are checked in
Python, which is cheaper to read than to encode in the pattern. A local part glued to a longer
run (`zzzz…zzbob@example.com`) is cut to its last 64 characters rather than dropped: the
address is still readable there, so it is masked.
"""

from __future__ import annotations

import re
from typing import Final

from masking.types import Span

_LOCAL: Final = re.compile(r"[^\W_][\w.%+-]{0,63}+")
_LOCAL_SYMBOLS: Final = frozenset("._%+-")
_LABEL = r"[^\W_](?:[^\W_]|-){0,62}+"
_DOMAIN: Final = re.compile(rf"{_LABEL}(?:\.{_LABEL}){{1,8}}+(?![^\W_]|-)")


def _local_char(ch: str) -> bool:
    return ch.isalnum() or ch in _LOCAL_SYMBOLS or ch == "_"


def _valid_domain(domain: str) -> bool:
    labels = domain.split(".")
    tld = labels[-1]
    if not (2 <= len(tld) <= 24 and tld.isalpha()):
        return False
    return all(label and label[0] not in "-_" and label[-1] not in "-_" for label in labels)


class EmailDetector:
    crosses_blanks = False

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        at = text.find("@")
        last_end = 0
        while at != -1:
            # The domain first: one C-level match rules out most `@`s of a hostile text.
            domain = _DOMAIN.match(text, at + 1)
            if domain is None or not _valid_domain(domain.group(0)):
                at = text.find("@", at + 1)
                continue
            start = at
            while start > max(last_end, at - 64) and _local_char(text[start - 1]):
                start -= 1
            # the local part starts at a letter or digit
            while start < at and not text[start].isalnum():
                start += 1
            if start < at and _LOCAL.fullmatch(text, start, at):
                spans.append(Span("EMAIL", start, domain.end(), "email", text[start : domain.end()].lower()))
                last_end = domain.end()
            at = text.find("@", at + 1)
        return spans


_OPEN = r"[\[({<]"
_CLOSE = r"[\])}>]"
# `bob (at) example [dot] com`, `bob[at]example.com`, and the defanged `bob[@]example[.]com`:
# the forms people use to hide an address from scrapers.
_SPELLED: Final = re.compile(
    rf"(?<![\w.%+-])([^\W_][\w.%+-]{{0,63}}+) ?{_OPEN} ?(?:at|@) ?{_CLOSE} ?"
    rf"((?:{_LABEL} ?(?:{_OPEN} ?(?:dot|\.) ?{_CLOSE}|\.) ?){{1,8}}[^\W\d_]{{2,24}}+)(?![^\W_]|-)",
    re.IGNORECASE,
)
_SPELLED_DOT: Final = re.compile(rf" ?(?:{_OPEN} ?(?:dot|\.) ?{_CLOSE}|\.) ?", re.IGNORECASE)
# Bare words (`bob at example dot com`, `bob.smith AT example.com`) and an `@` or dots with
# blanks around them (`bob @ example . com`). Prose uses the same words ("look at this dot
# com", "meet @ noon. Then"), so these forms need a common top-level domain, a domain that is
# not a pronoun or article, and, for `at` before a dotted domain, a local part that reads as a
# mailbox (a dot, `_`, `+` or digit in it).
_WORD = r"[^\W_][\w%+-]{0,63}+"
# The local part: up to eight words joined by `.` or ` dot `, not glued to an address before it.
# A `_` before it is markdown emphasis (`_bob @ example.com_`), not part of the address.
_BARE_LOCAL: Final = re.compile(rf"(?<![^\W_]|[.%+-]){_WORD}(?:(?: dot |\.){_WORD}){{0,7}}+", re.IGNORECASE)
# `.`, ` dot `, or a defanged `[.]` / `(.)`. A blank may follow a dot only when one precedes it
# (`example . com`): a dot then a blank alone ends a sentence ("… @ example.com. Thanks").
_DOT_WRITTEN = r" dot | \. ?|\.| ?[\[(]\.[\])] ?"
_BARE_DOMAIN: Final = re.compile(
    rf"{_LABEL}(?:(?:{_DOT_WRITTEN}){_LABEL}){{1,4}}+(?![^\W_]|-)", re.IGNORECASE
)
_BARE_DOT: Final = re.compile(_DOT_WRITTEN, re.IGNORECASE)
_SPELT_DOT: Final = re.compile(r" dot |[\[(]\.[\])]")  # a dot nobody writes in prose


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMMON_TLDS: Final = _words(
    "com net org edu gov mil int io co ai app dev me info biz us uk de fr es it nl be ch at se no "
    "dk fi pl pt ie ca au nz in br jp cn ru za mx ar kr sg hk tw eu xyz tech online site"
)
_NOT_DOMAINS: Final = _words(
    "this that these those the a an it its my your our his her their me us them you home work "
    "least last first once all any some"
)
_MAILBOX_SIGNS: Final = re.compile(r"[._+0-9]| dot ", re.IGNORECASE)


def _bare_domain(text: str, start: int) -> tuple[int, str] | None:
    """(end, domain) of a domain spelt from `start` with a common top-level domain and not a
    pronoun or article as its first label; None otherwise. Judged once per anchor."""
    m = _BARE_DOMAIN.match(text, start)
    if m is None:
        return None
    labels = _BARE_DOT.split(m.group(0))
    if labels[-1].lower() not in _COMMON_TLDS or labels[0].lower() in _NOT_DOMAINS:
        return None
    domain = ".".join(labels)
    return (m.end(), domain.lower()) if _valid_domain(domain) else None


def _bare_local(text: str, anchor: int, by_word: bool, dotted_by_word: bool) -> int | None:
    """Where the local part before `anchor` starts (the longest that reads as one), or None.
    Before a bare `at` and a domain with plain dots it must read as a mailbox ("I work at
    google.com" does not)."""
    for start in _local_starts(text, anchor):
        if _BARE_LOCAL.fullmatch(text, start, anchor) is None:
            continue
        if by_word and not dotted_by_word and not _MAILBOX_SIGNS.search(text, start, anchor):
            continue
        return start
    return None


class SpelledEmailDetector:
    """Addresses written with `at` and `dot` (bracketed or bare) or with blanks around the `@`
    and dots, so that scrapers miss them; a model reads them as easily as the plain form. Their
    spelling may hold blanks."""

    crosses_blanks = True

    def find(self, text: str) -> list[Span]:
        lowered = text.lower()
        if len(lowered) != len(text):  # `İ` lowers to two characters: keep positions aligned
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        spans: list[Span] = []
        if _BRACKETED_AT.search(lowered) is not None:
            for m in _SPELLED.finditer(text):
                domain = _SPELLED_DOT.sub(".", m.group(2))
                if _valid_domain(domain):
                    spans.append(Span("EMAIL", m.start(), m.end(), "email", f"{m.group(1)}@{domain}".lower()))
        pos = 0
        for anchor, after in _anchors(text, lowered):
            found = _bare_domain(text, after) if anchor >= pos else None
            if found is None:
                continue
            end, domain = found
            by_word = lowered.startswith(" at ", anchor)
            dotted_by_word = _SPELT_DOT.search(lowered, after, end) is not None
            start = _bare_local(text, anchor, by_word, dotted_by_word)
            if start is None or (not by_word and " " not in text[start:end]):
                continue  # prose, or a plain address (the `@` detector's)
            local = _BARE_DOT.sub(".", text[start:anchor]).lower()
            spans.append(Span("EMAIL", start, end, "email", f"{local}@{domain}"))
            pos = end
        return spans


# An ` at ` followed by a word and a dot of a domain (`.`, ` .`, ` dot `, `[.]`): most `at`s of prose
# ("at the end") are not, and are skipped before any pattern runs. Both patterns open with a
# literal, which the engine searches for fast.
_AT_BEFORE_DOMAIN: Final = re.compile(r" at (?=[^\W_][\w-]{0,62}(?:\.| \.| dot | ?[\[(]\.))")
_BRACKETED_AT: Final = re.compile(r"(?:at|@) ?[\])}>]")


def _anchors(text: str, lowered: str) -> list[tuple[int, int]]:
    """(start, end) of each ` at ` before a dotted word and of each `@` with a blank beside
    it, in order. The `@`s are found with `str.find`: a pattern with an optional first
    character would try every position."""
    found = [(m.start(), m.end()) for m in _AT_BEFORE_DOMAIN.finditer(lowered)]
    i = text.find("@")
    while i != -1:
        before = i > 0 and text[i - 1] == " "
        after = i + 1 < len(text) and text[i + 1] == " "
        if before or after:
            found.append((i - before, i + 1 + after))
        i = text.find("@", i + 1)
    found.sort()
    return found


_MAX_LOCAL_WORDS: Final = 8


def _local_starts(text: str, end: int) -> list[int]:
    """Where a local part ending at `end` may start, farthest first: its words are joined by `.`
    or ` dot `. Walking back from each anchor costs a few characters, so prose with many `at`s
    costs one search for the anchors, not a match attempt per word."""
    starts: list[int] = []
    i = end
    for _ in range(_MAX_LOCAL_WORDS):
        j = i
        while j > 0 and i - j < 64 and (text[j - 1].isalnum() or text[j - 1] in "_%+-"):
            j -= 1
        while j < i and text[j] == "_":
            j += 1  # a local part starts at a letter or digit
        if j == i:
            break
        starts.append(j)
        if j > 0 and text[j - 1] == ".":
            i = j - 1
        elif text[max(0, j - 5) : j].lower() == " dot ":
            i = j - 5
        else:
            break
    starts.reverse()
    return starts
