"""Phone numbers, validated with `phonenumberslite` against the configured default regions
(numbers written with `+` are validated against their own country).

The candidate pattern is loose but linear: digit groups are possessive and separated by one
space, underscore, or dot, dash or slash with at most one blank each side (or touch a
parenthesis), so a digit run is never re-split by backtracking. Numbers written side by side
merge into one candidate; contiguous runs of up to six of its groups are then tried, longest
first. `phonenumbers.parse` costs ~60 us, so a window is
only parsed when its digit count is possible for the region, results are memoised, and each
candidate gets a bounded number of parses: past it, the rest of the candidate is masked
unvalidated (fail safe: over-masking a digit table beats leaking a number). phonenumbers takes
~45 ms to import, so it is imported when the first candidate needs validating.
"""

from __future__ import annotations

import re
from typing import Final

from masking.boundaries import clear_before
from masking.types import Span

# A group glued to letters ("9am", "2nd") is a word, and a run of more than 15 digits is no
# part of a phone number: the candidate ends before either instead of failing as a whole. An
# extension glued on ("…2671x123", "…2671ext.12") ends the number without hiding it.
_GROUP = r"\(?+\d{1,15}+(?!(?!(?:[xX]|[eE]xt\.?)\d)[^\W_])\)?+"
# Only digits (and a `+`) are excluded before a candidate; letters are judged in Python
# (`boundaries`), where glued labels such as `tel` are known.
# A group may also be glued to an opening parenthesis: the trunk prefix of `+49(0)30 …`.
# The leading look-ahead names every character a candidate can start with (what follows only
# re-checks it): it lets the search skip the letters of prose in C instead of trying the
# pattern at each of them, half the detector's cost on prose.
# Between groups: one space or underscore, or a dash, dot or slash with or without a blank on
# either side ("415-555-2671", "415 - 555 - 2671", "415 . 555 . 2671", "(415) 555 \u2013 2671"; the
# normaliser has made every dash `-` and every blank one space). Slashes, underscores and blanks
# beside a dash or dot also separate dates (12/25/2024), ranges (2015 - 2019) and identifiers
# (file_2024_12_25), so a window holding one of them obeys `_separators_ok`: a date beside a
# time never reads as one number.
_SEP: Final = r"(?: ?[-./] ?|[ _])"
_CANDIDATE: Final = re.compile(
    rf"(?=[\d+(])(?<![0-9+])\+?+{_GROUP}(?:(?:{_SEP}|(?<=\))|(?=\()){_GROUP}){{0,23}}+(?![0-9])"
)
# phonenumbers reads neither a slash nor an underscore as a separator.
_AS_DASH: Final = str.maketrans("/_", "--")
# A token with exactly one dot between digits is a decimal number ("3.14159"), never part of a
# phone number: dotted phone formats have two dots or more ("415.555.2671").
_DECIMAL: Final = re.compile(r"(?<![\d.])\(?\d+\.\d+\)?(?![\d.])")
_GROUP_RE: Final = re.compile(_GROUP)
_MIN_DIGITS: Final = 7
_MAX_DIGITS: Final = 15
_MAX_WINDOW_GROUPS: Final = 6
_PARSE_BUDGET: Final = 6
_MEMO_LIMIT: Final = 4096


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _unmatched(cand: str) -> set[int]:
    """Positions of the parentheses of `cand` that have no partner inside it."""
    opened: list[int] = []
    lone: set[int] = set()
    for i, ch in enumerate(cand):
        if ch == "(":
            opened.append(i)
        elif ch == ")":
            if opened:
                opened.pop()
            else:
                lone.add(i)
    lone.update(opened)
    return lone


def _trim(cand: str) -> tuple[int, int]:
    """Bounds of `cand` without a leading "(" or trailing ")" that has no partner inside it:
    "(415) 555-2671" keeps both, "+1 415 555 2671)" at the end of a parenthesised remark loses
    its ")". Parentheses are paired, not counted: in "(212) 555-0147 (4111 1111" the unpaired
    "(" is the inner one, so the leading "(" (paired with "212)") stays, whatever follows."""
    lone = _unmatched(cand)
    a, b = 0, len(cand)
    while b > a and cand[b - 1] == ")" and b - 1 in lone:
        b -= 1
    while a < b and cand[a] == "(" and a in lone:
        a += 1
    return a, b


def _closes_first(raw: str) -> bool:
    """Does the first parenthesis of `raw` close one opened before it ("212) 555-0147")?"""
    for ch in raw:
        if ch in "()":
            return ch == ")"
    return False


def _spaced(sep: str) -> bool:
    """A dash, dot or slash with a blank beside it (" - ", "- ", " ."), or any slash or underscore."""
    return sep.strip() != sep != " " or sep.strip() in ("/", "_")


def _separators_ok(seps: list[str], groups: list[str], *, plus: bool) -> bool:
    """May one window hold these separators (between these digit groups)?

    - Only spaces, dashes and dots, each unspaced: yes, in any mix ("+1 415.555-2671").
    - A slash or an underscore: the same separator throughout ("415/555/2671", never
      "25/12/2024 10", a date and an hour).
    - A dash or dot with a blank beside it: one punctuation character in the whole window,
      spaced or not, and plain spaces ("(415) 555 \u2013 2671", "+44 20 7946 - 0958", "415 -555-2671",
      "415. 555. 2671"), the spaces before the first spaced separator: "300 - 400 500" and
      "21 - 14 28 - 7" are ranges and scores side by side. No two groups of such a window joined
      by a spaced separator may both be years ("2019 - 2020 55", a range and a count), no three
      of its groups may read as a date ("01.01.2020 - 31.12.2020"), and it does not start with
      a list item's number ("1. 212 555 1234": the number is the rest; "+44. 20. …" is a
      country code, `plus`).
    """
    strict = [s for s in seps if _spaced(s)]
    if not strict:
        return True
    marks = {s.strip() for s in seps} - {""}
    if marks & {"/", "_"}:
        return len(set(seps)) == 1
    if seps[0] == ". " and len(groups[0]) <= 2 and not plus:
        return False
    if len(marks) != 1 or " " in seps[seps.index(strict[0]) :]:
        return False
    for i, sep in enumerate(seps):
        if _spaced(sep) and _year(groups[i]) and _year(groups[i + 1]):
            return False
    return not any(_calendar(groups[i : i + 3]) for i in range(len(groups) - 2))


def _year(group: str) -> bool:
    return len(group) == 4 and 1900 <= int(group) <= 2099


def _day_month(a: str, b: str) -> bool:
    return (
        len(a) <= 2 and len(b) <= 2 and 1 <= int(a) <= 31 and 1 <= int(b) <= 31 and min(int(a), int(b)) <= 12
    )


def _calendar(groups: list[str]) -> bool:
    """Does a window read as a date (day, month and a year in either order, then perhaps a
    time: "25/12/2024", "2024_12_25_1030") or as a range of years ("2015 - 2019")? With more
    regions than the US, eight digits can be a valid number, so the shape decides."""
    if len(groups) == 2:
        return _year(groups[0]) and _year(groups[1])
    if len(groups) < 3:
        return False
    a, b, c = groups[:3]
    return (_day_month(a, b) and _year(c)) or (_year(a) and _day_month(b, c))


# A number written the North American way: three, three and four digits ("555-123-4567",
# "(555) 123-4567", "+1 555.123.4567"). Such a number is a phone number to every reader even
# when its area code or exchange is not assigned (the 555 numbers of films and test data,
# "123-456-7890"), so with a North American region it is one whether or not phonenumbers
# knows it; the shape alone (separators between all three groups) keeps other digit runs out.
_NANP_SHAPE: Final = re.compile(
    r"(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}(?P<sep>[ .-]))\d{3}(?(sep)(?P=sep)|[ .-])\d{4}"
)


class PhoneDetector:
    def __init__(self, regions: tuple[str, ...] = ("US",)) -> None:
        self.regions = tuple(r.upper() for r in regions) or ("US",)
        self._nanp: bool | None = None
        self._lengths: frozenset[int] | None = None
        self._memo: dict[str, str | None] = {}
        self._window_memo: dict[str, list[tuple[int, int, str]]] = {}

    def _national_lengths(self) -> frozenset[int]:
        """Digit counts a number written without `+` can have in the configured regions
        (national number, optionally preceded by the trunk prefix or the country code)."""
        if self._lengths is None:
            import phonenumbers

            lengths: set[int] = set()
            for region in self.regions:
                meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
                if meta is None or meta.general_desc is None:
                    continue
                prefixes = {0, len(meta.national_prefix or ""), len(str(meta.country_code or ""))}
                for n in meta.general_desc.possible_length or ():
                    lengths.update(n + p for p in prefixes)
            self._lengths = frozenset(lengths) or frozenset(range(_MIN_DIGITS, _MAX_DIGITS + 1))
        return self._lengths

    def _north_american(self) -> bool:
        """Is a region of the North American Numbering Plan (country code 1) configured?"""
        if self._nanp is None:
            import phonenumbers

            self._nanp = any(phonenumbers.country_code_for_region(r) == 1 for r in self.regions)
        return self._nanp

    def _plausible(self, candidate: str) -> bool:
        count = len(_digits(candidate))
        if candidate.startswith("+"):
            return 8 <= count <= _MAX_DIGITS
        return _MIN_DIGITS <= count <= _MAX_DIGITS and count in self._national_lengths()

    def _validate(self, candidate: str) -> str | None:
        """E.164 form if valid, else None. Memoised: a pure function of the candidate."""
        if candidate in self._memo:
            return self._memo[candidate]
        import phonenumbers

        result: str | None = None
        regions: tuple[str | None, ...] = (None,) if candidate.startswith("+") else self.regions
        for region in regions:
            try:
                number = phonenumbers.parse(candidate, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                result = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                break
        if (
            result is None
            and _NANP_SHAPE.fullmatch(candidate) is not None
            and (candidate.startswith("+1") or self._north_american())
        ):
            result = "+1" + _digits(candidate)[-10:]
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[candidate] = result
        return result

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        pos = 0
        while (m := _CANDIDATE.search(text, pos)) is not None:
            pos = m.end()
            if m.end() - m.start() < _MIN_DIGITS:
                continue  # fewer characters than a number has digits ("DE89", "%41")
            origin, raw = m.start(), m.group(0)
            if origin > 0 and text[origin - 1] == "(" and raw[0].isdigit() and _closes_first(raw):
                # "x(212) 555-0147": the lookbehind rejects the "(" glued to a word, so the match
                # starts at "212)"; take the "(" back so the span is "(212) 555-0147" as
                # anywhere else (same value, same spelling, same placeholder).
                origin, raw = origin - 1, "(" + raw
            lead = origin
            while text[lead] in "(+":
                lead += 1
            if not clear_before(text, lead):
                # Glued to a word ("…BXMPL3 (212) 555-0147"): the number may still start at the
                # next group.
                first = _GROUP_RE.match(text, lead)
                pos = first.end() if first is not None and first.end() > m.start() else m.start() + 1
                continue
            a, b = _trim(raw)
            cand = raw[a:b]
            if len(_digits(cand)) < _MIN_DIGITS:
                continue
            found = self._window_memo.get(cand)
            if found is None:
                found = self._windows(cand)
                if len(self._window_memo) >= _MEMO_LIMIT:
                    self._window_memo.clear()
                self._window_memo[cand] = found
            start = origin + a
            spans.extend(Span("PHONE", start + x, start + y, "phone", norm) for x, y, norm in found)
        return spans

    def _windows(self, cand: str) -> list[tuple[int, int, str]]:
        """Contiguous runs of groups, longest first; non-overlapping valid ones are kept.
        Memoised per candidate (pure), which also makes the stream guard's look-ahead cheap."""
        groups = [(g.start(), g.end()) for g in _GROUP_RE.finditer(cand)]
        if cand.startswith("+") and groups:
            groups[0] = (0, groups[0][1])
        decimals = [d.span() for d in _DECIMAL.finditer(cand)] if "." in cand else []
        counts = [0]
        for x, y in groups:
            counts.append(counts[-1] + sum(ch.isdigit() for ch in cand[x:y]))
        seps = [cand[groups[i][1] : groups[i + 1][0]] for i in range(len(groups) - 1)]
        digit_groups = [_digits(cand[x:y]) for x, y in groups]
        found: list[tuple[int, int, str]] = []
        taken: list[tuple[int, int]] = []
        budget = _PARSE_BUDGET
        n = len(groups)
        for size in range(min(n, _MAX_WINDOW_GROUPS), 0, -1):
            for i in range(n - size + 1):
                if not _MIN_DIGITS <= counts[i + size] - counts[i] <= _MAX_DIGITS:
                    continue
                window = digit_groups[i : i + size]
                plus = cand[groups[i][0]] == "+"
                if not _separators_ok(seps[i : i + size - 1], window, plus=plus) or _calendar(window):
                    continue
                a, b = groups[i][0], groups[i + size - 1][1]
                if decimals and any(a < y and x < b for x, y in decimals):
                    continue
                ta, tb = _trim(cand[a:b])
                a, b = a + ta, a + tb
                sub = cand[a:b]
                if any(a < y and x < b for x, y in taken) or not self._plausible(sub):
                    continue
                if budget <= 0:
                    # Fail safe: too many plausible windows to validate; mask this one unvalidated.
                    taken.append((a, b))
                    found.append((a, b, _digits(sub)))
                    continue
                if sub not in self._memo:
                    budget -= 1
                e164 = self._validate(sub.translate(_AS_DASH))
                if e164 is not None:
                    taken.append((a, b))
                    found.append((a, b, e164))
        return found
