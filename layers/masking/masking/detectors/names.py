"""Person names (type `PERSON`), opt-in (`MaskingConfig(names=True)`, `GATEWAY_PII_NAMES=on`).

No language model: a name is found when something in the text says it is one.
- A cue before it: a title ("Dr. Smith", "Mrs Jane Doe", "Herr Müller"), a salutation ("Dear
  Jane"), a phrase ("my name is Jane Doe"), a label ("Name: Jane Doe", `"name": "Jane Doe"`).
  Weak cues ("Hi", "I am", "this is", "From:") need a known name after them: "I am Sorry" and
  "From: Marketing" are not names.
- A signature: a sign-off line ("Best regards,") and the name on the next line, or after the
  comma on the same line.
- A display name before an address: "Jane Doe <jane@example.com>".
- An email address in the same text: `jane.doe@…` makes "Jane Doe" (and "Doe, Jane") a name
  wherever it appears, in any case, known to the gazetteer or not.
- The gazetteer alone (`masking.gazetteer`): a capitalised first name followed by a capitalised
  surname ("Jordan Smith"), with an optional middle initial or name. Pairs that are ordinary
  words ("Rose Garden", "Will Power"), runs holding a place or an organisation word ("Morgan
  Street", "Jackson Heights", "Johnson Controls Inc") and sentence-initial words ("Will Smith
  attend?") are left, as are runs of four capitalised words or more (titles and headings).
Names are capitalised words (and known names in capitals or lower case after a label). The
matching is linear: three regex passes with bounded, possessive quantifiers, and a walk of at
most four words from each candidate start.

The span is the name itself (not its title), with `outer_start` at the cue, so the stream guard
never separates them. `norm` is the folded lower-case name, so "Jane Doe" and "JANE DOE" share a
placeholder's sameness.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable
from typing import Final, NamedTuple

from masking.boundaries import CONTEXT
from masking.detectors.address_tables import UNITS
from masking.detectors.email import EmailDetector
from masking.detectors.name_cues import (
    BRANDS,
    GREETINGS,
    HONORIFICS,
    LABELS,
    MAILBOX_WORDS,
    NAME_LABELS,
    NOT_PERSON,
    PARTICLES,
    PLACE_PREFIXES,
    PLACE_WORDS,
    POST_NOMINALS,
    SALUTATIONS,
    SIGN_OFFS,
    STOP_WORDS,
    STRONG_PHRASES,
    WEAK_PHRASES,
)
from masking.detectors.trie import alternation
from masking.gazetteer import Gazetteer, fold, load
from masking.letters import CAPITALS, capital
from masking.types import Span

PERSON: Final = "PERSON"
# Words a name read after a cue may have, particles and initials included ("José María García
# Fernández de la Torre" is seven): the words past it would be left in clear text.
MAX_WORDS: Final = 8
_LETTERS = r"[^\W\d_]"
_APOS = "'\u2019"  # an apostrophe, straight or typographic
_PART = rf"{_LETTERS}{{1,40}}+"
# One word of a name: letters, with an apostrophe part (O'Brien) and up to two hyphen parts.
_WORD: Final = re.compile(rf"{_PART}(?:[{_APOS}]{_PART})?+(?:-{_PART}){{0,2}}+")
_INITIAL: Final = re.compile(r"[A-Z]\.(?= )")


# What may follow each kind of cue before the name begins.
_CUE_TAILS: Final = {
    "honorific": re.compile(r"\.? "),
    "salutation": re.compile(r",? "),
    "greeting": re.compile(r",? "),
    "strong": re.compile(r":? "),
    "weak": re.compile(r" "),
    "namelabel": re.compile(r"[\"']? ?[:=] ?[\"']?"),
    "label": re.compile(r"[\"']? ?[:=] ?[\"']?"),
    "signoff": re.compile(r"(?:[ ]?[,.!:-])?(?:[ ]?\r?\n[ ]?|, ?| - )"),
}
_CUE_KINDS: dict[str, list[str]] = {}
for _kind, _phrases in (
    ("honorific", [h.lower() for h in HONORIFICS]),
    ("salutation", SALUTATIONS),
    ("greeting", GREETINGS),
    ("strong", STRONG_PHRASES),
    ("weak", WEAK_PHRASES),
    ("namelabel", NAME_LABELS),
    ("label", LABELS),
    ("signoff", SIGN_OFFS),
):
    for _phrase in _phrases:
        _CUE_KINDS.setdefault(_phrase, []).append(_kind)
# Matched against the lower-cased text (a case-insensitive pattern costs twice as much); the
# capital of a title and the end of the cue's word are checked in Python.
_CUE: Final = re.compile(rf"(?<![^\W_]){alternation(_CUE_KINDS)}")


class _Cue(NamedTuple):
    kind: str
    phrase: str
    start: int
    end: int  # where the name may begin


# A display name: capitalised words right before `<address@…>` or `(address@…)`.
_DISPLAY: Final = re.compile(
    rf"(?<![^\W_])(?:[A-Z]{_LETTERS}{{0,40}}+[ .'\u2019-]{{1,2}}){{1,4}}+[<(](?=[\w.+-]{{1,64}}+@)"
)
# A run of capitalised words (a capital start, one space between; middle initials allowed).
_CAPITAL = "".join(re.escape(c) for c in sorted(CAPITALS))
_CAP = rf"(?:[{_CAPITAL}](?:{_PART}(?:[{_APOS}-]{_PART}){{0,2}}+|[{_APOS}]{_PART}))"
_CAP_RUN: Final = re.compile(
    rf"(?<![^\W_])(?<![-{_APOS}]){_CAP}(?: (?:[A-Z]\. )?{_CAP}){{1,5}}+(?![^\W_]|[-{_APOS}]\w)"
)
_TOKEN: Final = re.compile(r"[^ ]+")


class _Name(NamedTuple):
    start: int
    end: int
    words: tuple[str, ...]  # folded upper-case words; particles lower-case; initials one letter


_STOP: Final = frozenset(w.lower() for w in STOP_WORDS)
_CAPITALISED: Final = frozenset({"cap"})
_LABEL_STYLES: Final = frozenset({"cap", "upper"})
_NAME_LABEL_STYLES: Final = frozenset({"cap", "upper", "lower"})
# Words that split a capitalised run before the gazetteer reads it: "Jordan Whitfield Name: …",
# "Thanks Maria Garcia".
_BREAKS: Final = (
    _STOP
    | frozenset(h.lower() for h in HONORIFICS)
    | frozenset(w for w in (*NAME_LABELS, *LABELS, *SIGN_OFFS, *SALUTATIONS, *GREETINGS) if " " not in w)
    | frozenset(u.lower() for u in UNITS)  # "Jordan Whitfield Flat 3, …"
)
_GENERIC_LABELS: Final = frozenset({"name", "nom", "nome", "naam", "nombre"})


def _capitalised(word: str) -> bool:
    """A Latin capital, then a lower-case letter somewhere: `masking.letters` says why Latin."""
    return capital(word[0]) and any(c.islower() for c in word[1:])


def _style(word: str) -> str:
    if _capitalised(word):
        return "cap"
    if word.isupper() and capital(word[0]):
        return "upper"
    return "lower" if word.islower() else ""


def _first_words(phrases: Iterable[str]) -> frozenset[str]:
    """The words the stream guard must treat as cues so that it never cuts inside a cue phrase
    or between it and the name: the first word of each phrase, unless one of the phrase's
    endings is a cue by itself (then a cut before that ending leaves the same cue)."""
    listed = set(phrases)
    out: set[str] = set()
    for phrase in listed:
        words = phrase.split()
        if not any(" ".join(words[k:]) in listed for k in range(1, len(words))):
            out.add(words[0])
    return frozenset(out)


def _sentence_start(text: str, pos: int) -> bool:
    """Is `pos` the first word of a sentence, a line or a quotation?"""
    i = pos
    while i > 0 and text[i - 1] == " ":
        i -= 1
    return i == 0 or text[i - 1] in ".!?:;\"'“”([\n\r*#>-•"


def _forms(word: str) -> tuple[str, ...]:
    """The spellings to look up: `O'BRIEN` is OBRIEN in the lists, `SMITH-JONES` either part."""
    if "'" in word or "\u2019" in word:
        word = word.replace("'", "").replace("\u2019", "")
    if "-" in word:
        return (word.replace("-", ""), *word.split("-"))
    return (word,)


def _unpossessive(word: str) -> str:
    """`Whitfield's` is Whitfield: the name is looked up, and ends, before the possessive."""
    return word[:-2] if len(word) > 3 and word[-2] in _APOS and word[-1] in "sS" else word


def _in(word: str, names: Container[str]) -> bool:
    return any(form in names for form in _forms(word))


def _lower(text: str) -> str:
    """Lower case, one character for one (`İ` lowers to two characters; it is kept as it is)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _spelt(letters: str) -> str:
    """A pattern for a name part from an address as a text may write it: "vandeven" is also
    "van de Ven", "mary-jane" "Mary Jane", "obrien" "O'Brien"."""
    return rf"[ {_APOS}-]?".join(re.escape(c) for c in letters)


def _fold_chars(text: str) -> str:
    """Upper case, accents dropped, one character for one (positions are kept)."""
    if text.isascii():
        return text.upper()
    return "".join(fold(c)[:1] or c for c in text.upper())


class PersonDetector:
    """Needs a gazetteer; `load` (the shipped file, read on the first `find`) by default.
    Tests inject a small one."""

    crosses_blanks = True
    # The stream guard's contract (masking.types.Detector): every word of a name starts with a
    # Latin capital, except particles (`joiners`), lower-case names within 32 characters after a
    # name label (`cue_words`), and names spelt by an address, which are only looked for after
    # it (`holds_after`); no rule looks back past a lower-case word.
    starts_with_capitals = True
    joiners = PARTICLES
    holds_after = ("@",)
    cue_words: frozenset[str] = _first_words(
        (*SALUTATIONS, *GREETINGS, *STRONG_PHRASES, *WEAK_PHRASES, *NAME_LABELS, *SIGN_OFFS)
    )

    def __init__(self, gazetteer: Callable[[], Gazetteer] = load) -> None:
        self._gazetteer = gazetteer
        self._emails = EmailDetector()

    def find(self, text: str) -> list[Span]:
        gaz = self._gazetteer()
        spans: list[Span] = []
        lowered = _lower(text)
        for m in _CUE.finditer(lowered):
            if m.end() < len(lowered) and lowered[m.end()].isalnum():
                continue  # the start of a longer word ("Hilton" is no "hi")
            for kind in _CUE_KINDS[m.group(0)]:
                if kind == "honorific" and not text[m.start()].isupper():
                    continue  # "dr" in running text is more often a drive than a doctor
                tail = _CUE_TAILS[kind].match(lowered, m.end())
                if tail is not None:
                    spans.extend(self._after_cue(text, _Cue(kind, m.group(0), m.start(), tail.end()), gaz))
                    break
        if "@" in text:
            spans.extend(self._display_names(text, gaz))
            spans.extend(self._from_emails(text, gaz))
        for m in _CAP_RUN.finditer(text):
            spans.extend(self._bare(text, m, gaz))
        return spans

    # ------------------------------------------------------------------ reading a name

    def _read(self, text: str, pos: int, *, styles: frozenset[str] = _CAPITALISED) -> _Name | None:
        """The name starting at `pos`: up to MAX_WORDS words written alike, in one of `styles`
        (capitalised; after a label also all capitals, and after a name label all lower case),
        particles and middle initials between them, ending before a stop word or anything else."""
        words: list[str] = []
        ends: list[int] = []
        style = ""
        i = pos
        while len(words) < MAX_WORDS:
            initial = _INITIAL.match(text, i)
            if initial is not None and words:
                words.append(initial.group(0)[0])
                ends.append(initial.end())
            else:
                m = _WORD.match(text, i)
                if m is None:
                    break
                word = m.group(0)
                possessive = word.endswith(("'s", "\u2019s"))
                if possessive:
                    word = word[:-2]
                lower = word.lower()
                particle = word == lower and lower in PARTICLES and bool(words)  # "de la Torre"
                if lower in _BREAKS and not particle:  # a stop word, a title, a label, a unit: ended
                    break
                if particle:
                    words.append(lower)
                else:
                    shape = _style(word)
                    if shape not in styles or (shape != "cap" and len(word) < 2):
                        break
                    if style and shape != style:
                        break
                    style = shape
                    words.append(fold(word))
                ends.append(m.start() + len(word))
                if possessive:
                    break
            if not text.startswith(" ", ends[-1]):
                break
            i = ends[-1] + 1
        while words and (words[-1] in PARTICLES or len(words[-1]) == 1):
            words.pop()  # a name ends on a word, not on a particle or an initial
            ends.pop()
        if not words or any(w in NOT_PERSON for w in words):
            return None
        return _Name(pos, ends[-1], tuple(words))

    @staticmethod
    def _known(name: _Name, gaz: Gazetteer, *, strict: bool) -> bool:
        """Is a word of the name a known first name or surname (and, when `strict`, not also an
        English word)?"""
        return any(
            (form in gaz.first or form in gaz.last) and not (strict and form in gaz.words)
            for w in name.words
            for form in _forms(w)
        )

    @staticmethod
    def _span(name: _Name, kind: str, outer: int = -1) -> Span:
        return Span(PERSON, name.start, name.end, kind, " ".join(name.words).lower(), outer)

    # ------------------------------------------------------------------ rules

    def _after_cue(self, text: str, m: _Cue, gaz: Gazetteer) -> list[Span]:
        cue = m.kind
        pos = m.end
        if cue == "salutation":
            title = _WORD.match(text, pos)  # "Dear Mr. Smith": the title belongs to the cue
            if title is not None and title.group(0) in HONORIFICS:
                pos = title.end() + text.startswith(".", title.end())
                pos += text.startswith(" ", pos)
        label = cue in ("namelabel", "label")
        styles = _NAME_LABEL_STYLES if cue == "namelabel" else _LABEL_STYLES if label else _CAPITALISED
        name = self._read(text, pos, styles=styles)
        if name is None:
            return []
        if label:
            ok = self._labelled_ok(text, m, name, gaz)
        elif cue == "greeting":
            ok = self._known(name, gaz, strict=False)
        elif cue == "weak":
            ok = self._known(name, gaz, strict=True)
        elif cue == "signoff":
            ok = self._signature_ok(text, m, name, gaz)
        else:
            ok = True
        return [self._span(name, cue, m.start)] if ok else []

    def _labelled_ok(self, text: str, m: _Cue, name: _Name, gaz: Gazetteer) -> bool:
        """After a label the value must end there (a line end, a quote, punctuation: "name:
        Checkout code" is a CI step), and be a known name unless it is capitalised after a
        label that asks for a person's name ("Surname: Brzęczyszczykiewicz")."""
        after = text[name.end : name.end + 2]
        if after[:1].isalpha() or (after[:1] == " " and after[1:2].isalpha()):
            return False
        capitalised = _capitalised(text[name.start : name.end])
        if text[name.start].islower() and name.end - m.start > CONTEXT - 2:
            return False  # a lower-case name must sit within the guard's cue window of its label
        generic = m.kind == "label" or m.phrase in _GENERIC_LABELS
        if generic or not capitalised:
            return self._known(name, gaz, strict=not capitalised)
        return True

    def _signature_ok(self, text: str, m: _Cue, name: _Name, gaz: Gazetteer) -> bool:
        """The name ends its line (a comma, a dash or a bar and a job title may follow). On the
        sign-off's own line ("Thanks, Jane") it must be a known name. Nothing before the sign-off
        is looked at: "the best, Jordan, is to wait" names Jordan too."""
        line_end = text.find("\n", name.end)
        tail = text[name.end : len(text) if line_end == -1 else line_end].strip()
        if tail and tail[0] not in ",|-(":
            return False
        same_line = "\n" not in text[m.start : name.start]
        return not same_line or self._known(name, gaz, strict=True)

    def _display_names(self, text: str, gaz: Gazetteer) -> list[Span]:
        spans: list[Span] = []
        for m in _DISPLAY.finditer(text):
            name = self._read(text, m.start())
            if name is not None and (len(name.words) >= 2 or self._known(name, gaz, strict=True)):
                spans.append(self._span(name, "display"))
        return spans

    def _from_emails(self, text: str, gaz: Gazetteer) -> list[Span]:
        """Names spelt by the local part of an address found in the same text."""
        wanted: dict[tuple[str, str], int] = {}  # the name -> where its first address ends
        for email in self._emails.find(text):
            local = text[email.start : text.index("@", email.start)].rstrip("0123456789")
            parts = [local]
            for sep in "._-":  # jane.doe, jane_doe, jane-doe; "hans-michael.etzold" keeps its dash
                if sep in local:
                    parts = [p for p in local.split(sep) if p]
                    break
            if len(parts) == 1:
                parts = self._split_joined(fold(parts[0]), gaz)
            parts = [p.replace("-", "") for p in parts]
            if len(parts) != 2 or not all(
                p.isalpha() and (len(p) > 2 or _in(fold(p), gaz.first)) for p in parts
            ):
                continue  # "xq_tran": two letters are initials, unless a known name (Al, Bo, Ed)
            first, last = (fold(p) for p in parts)
            if first.lower() in MAILBOX_WORDS or last.lower() in MAILBOX_WORDS:
                continue
            wanted.setdefault((first, last), email.end)
        spans: list[Span] = []
        if not wanted:
            return spans
        hay = _fold_chars(text)
        for (first, last), after in wanted.items():
            norm = f"{first} {last}".lower()
            a, b = _spelt(first), _spelt(last)
            forward = re.compile(rf"(?<![^\W_]){a} {b}(?![^\W_])")
            backward = re.compile(rf"(?<![^\W_]){b}, ?{a}(?![^\W_])")
            for pattern in (forward, backward):
                # Only after the address: the stream guard keeps the text from an `@` to its next
                # judged cut in one piece, never what came before it.
                found = pattern.finditer(hay, after)
                spans.extend(Span(PERSON, h.start(), h.end(), "email", norm) for h in found)
        return spans

    @staticmethod
    def _split_joined(local: str, gaz: Gazetteer) -> list[str]:
        """`janedoe` → JANE, DOE when exactly one split is a first name and a surname."""
        splits = [
            [local[:i], local[i:]]
            for i in range(2, len(local) - 1)
            if local[:i] in gaz.first and local[i:] in gaz.last and local[:i] not in gaz.words
        ]
        return splits[0] if len(splits) == 1 else [local]

    def _bare(self, text: str, m: re.Match[str], gaz: Gazetteer) -> list[Span]:
        """Segments of a capitalised run between stop words and titles, each judged alone."""
        spans: list[Span] = []
        segment: list[re.Match[str]] = []
        for token in [*_TOKEN.finditer(text, m.start(), m.end()), None]:
            if token is not None and token.group(0).rstrip(".").lower() not in _BREAKS:
                segment.append(token)
                continue
            if segment:
                spans.extend(self._bare_segment(text, segment, gaz))
            segment = []
        return spans

    def _bare_segment(self, text: str, tokens: list[re.Match[str]], gaz: Gazetteer) -> list[Span]:
        """Two- and three-word windows that read first name, [middle], surname, left to right
        (names written side by side are each found). A segment holding an organisation word or
        ending in a place word is none ("Johnson Controls Inc", "Jackson Heights"), and at a
        sentence start a pair of English words is prose ("Will Smith attend?"; "Frank Young
        said" is lost with it)."""
        written = [_unpossessive(t.group(0)) for t in tokens]
        words = [w if w.endswith(".") else fold(w) for w in written]
        if len(words) < 2 or any(w in NOT_PERSON or w in PLACE_PREFIXES for w in words):
            return []
        end = len(words)
        shouting = all(w.isupper() for w in written)  # a run all in capitals: case tells no title apart
        while end > 2 and (words[end - 1] in POST_NOMINALS or (written[end - 1].isupper() and not shouting)):
            end -= 1  # "Jane Doe MD", "John Smith Jr"
        if words[end - 1] in PLACE_WORDS:
            return []
        found: list[tuple[int, int]] = []  # [first, last] token of each name
        i = 0
        while i < end - 1:
            for size in (3, 2):
                window = words[i : i + size]
                if i + size > end or not self._full_name(window, gaz):
                    continue
                both_words = window[0] in gaz.words and window[-1] in gaz.words
                if i == 0 and both_words and _sentence_start(text, tokens[0].start()):
                    continue
                found.append((i, i + size - 1))
                i += size
                break
            else:
                i += 1
        return [
            self._span(
                _Name(
                    tokens[a].start(),
                    tokens[b].start() + len(written[b]),
                    tuple(w.rstrip(".") for w in words[a : b + 1]),
                ),
                "gazetteer",
            )
            for a, b in self._widened(found, written, words, end, gaz)
        ]

    @staticmethod
    def _widened(
        found: list[tuple[int, int]], written: list[str], words: list[str], end: int, gaz: Gazetteer
    ) -> list[tuple[int, int]]:
        """Each name widened over the known name words beside it in the run that no other name
        took: windows of two and three words leave one behind in "Jordan Whitfield Jordan
        Whitfield" (a name repeated, or of four words), and that word is a name too. Only words
        written as the run is count (capitalised: not "CEO"; in a run all in capitals, any), and
        in front of a name only those that are no English word ("Ask Mary Smith": an
        imperative, not a name)."""
        shouting = all(w.isupper() for w in written)

        def is_name(k: int, *, in_front: bool) -> bool:
            shape, word = written[k], words[k].rstrip(".")
            if len(shape) < 2 or not shape[0].isupper() or (shape[1:].isupper() and not shouting):
                return False
            if in_front and word in gaz.words:
                return False
            return _in(word, gaz.first) or _in(word, gaz.last)

        out: list[tuple[int, int]] = []
        for n, (first, last) in enumerate(found):
            floor = out[-1][1] + 1 if out else 0
            ceiling = found[n + 1][0] - 1 if n + 1 < len(found) else end - 1
            a, b = first, last
            while a > floor and is_name(a - 1, in_front=True):
                a -= 1
            while b < ceiling and is_name(b + 1, in_front=False):
                b += 1
            out.append((a, b))
        return out

    @staticmethod
    def _full_name(words: list[str], gaz: Gazetteer) -> bool:
        first, last = words[0], words[-1]
        if first.endswith(".") or first in PLACE_WORDS or last in PLACE_WORDS:
            return False  # "Terrace Jordan Whitfield": a street's suffix, then the name
        if not (_in(first, gaz.first) and _in(last, gaz.last)):
            return False
        if "".join(c for w in words for c in w if c.isalpha()) in BRANDS:
            return False
        middle = words[1]
        return len(words) == 2 or middle.endswith(".") or _in(middle, gaz.first) or _in(middle, gaz.last)
