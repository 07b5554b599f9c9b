"""Postal addresses of the US, the UK and Canada (type `ADDRESS`), opt-in
(`MaskingConfig(addresses=True)`, `GATEWAY_PII_ADDRESSES=on`).

Anchored on what can be validated, the postal code, then read backwards:
- US: a state (`IL`, `Illinois`, territories and APO/FPO `AE`/`AP`/`AA`) and a ZIP or ZIP+4;
- Canada: a postal code `A1A 1A1` with the letters Canada Post allows (no D, F, I, O, Q, U;
  no W or Z first), with or without its province;
- UK: a postcode whose outward code is one of the Royal Mail's shapes (A9, A99, AA9, AA99, A9A,
  AA9A, with the letters allowed in each place) in a real postcode area, and whose inward code
  is a digit and two of the allowed letters (no C, I, K, M, O, V).
Before the code, on the same line or the lines above, separated by commas or line breaks: the
city (and for the UK a county), then the street line (house number, street name, suffix such as
Street, Ave, Road, Close, Crescent, Mews, with a direction and a unit such as `Apt 4B`, `Suite
210`, `Flat 3`), then a unit line. Reading stops at the first part that is none of these, so an
address in a sentence is cut at its street line.

A street line alone is an address when its suffix is one that nearly always ends a street name
("742 Evergreen Terrace"); the rest of USPS Publication 28's suffixes ("Points", "Ways", "Key")
count only with a city and a postal code after them. A postal code with its city but no street
is masked too (a ZIP or a postcode narrows a person down to a few streets).

Linear: each pattern is bounded and matched once over the text; the backward reading looks at
most 200 characters before each code.
"""

from __future__ import annotations

import re
from typing import Final

from masking.detectors.address_tables import (
    CA_PROVINCES,
    DIRECTIONS,
    OTHER_SUFFIXES,
    STRONG_SUFFIXES,
    UK_AREAS,
    UNITS,
    US_STATES,
)
from masking.detectors.trie import alternation
from masking.types import Span

ADDRESS: Final = "ADDRESS"
_DIGIT: Final = re.compile(r"\d")
LOOK_BACK: Final = 200
MAX_PARTS: Final = 5


def _suffixes(items: tuple[str, ...] | list[str]) -> str:
    """Whole words, and abbreviations (four letters or fewer) with an optional dot: "St.", but
    not the full stop after "Terrace"."""
    words = alternation([w for w in items if len(w) > 4])
    return f"{words}|{alternation([w for w in items if len(w) <= 4])}\\.?"


_L = r"[^\W\d_]"
_NUMBER = r"\d{1,6}+(?:[A-Za-z](?![^\W_])|-\d{1,5}+|/\d{1,4}+)?+"
_UNIT = rf"(?:{alternation(UNITS)}\.?|#) ?#?(?:[A-Za-z]?\d{{1,5}}+[A-Za-z]?|[A-Z])(?![^\W_])"
_DIRECTION = rf"{alternation(DIRECTIONS)}\.?"
_NAME_WORD = rf"(?:[A-Z]{_L}{{0,30}}+(?:['\u2019.-]{_L}{{1,30}}+)?+|\d{{1,3}}+(?:st|nd|rd|th)|[A-Z]\.)"


def _street(suffixes: str) -> str:
    return (
        rf"(?:{_DIRECTION} )?(?:{_NAME_WORD} ){{1,4}}?(?:{suffixes})(?![^\W_])"
        rf"(?: {_DIRECTION}(?![^\W_]))?(?:,? {_UNIT})?"
    )


_STRONG = _suffixes(STRONG_SUFFIXES)
_ANY_SUFFIX = _suffixes([*STRONG_SUFFIXES, *OTHER_SUFFIXES])
# A street line alone: number, name, strong suffix (a unit may come first: "Flat 3, 12 High St").
_STREET_ALONE: Final = re.compile(rf"(?<![\w/#-])(?:{_UNIT},? )?{_NUMBER} {_street(_STRONG)}")
# Quebec writes the kind of way before its name: "1000 rue Sherbrooke Ouest".
_FRENCH_WAY = alternation(
    [
        "rue",
        "Rue",
        "boulevard",
        "Boulevard",
        "boul.",
        "Boul.",
        "avenue",
        "Avenue",
        "chemin",
        "Chemin",
        "place",
        "Place",
        "côte",
        "Côte",
        "montée",
        "Montée",
        "rang",
        "Rang",
    ]
)
_FRENCH_STREET = (
    rf"{_FRENCH_WAY} (?:(?:de la|de|du|des|d'|la|le) ?)?{_NAME_WORD}(?: {_NAME_WORD}){{0,3}}+"
    rf"(?: (?:Est|Ouest|Nord|Sud))?(?:,? {_UNIT})?"
)
# Parts read backwards from a postal code, each matched against a whole part.
_STREET_PART: Final = re.compile(
    rf"(?:(?:{_UNIT},? )?{_NUMBER},? )?{_street(_ANY_SUFFIX)}|(?:{_UNIT},? )?{_NUMBER},? {_FRENCH_STREET}"
)
_UNIT_PART: Final = re.compile(rf"{_UNIT}|{_NUMBER}|P\.? ?O\.? Box \d{{1,6}}+")
# US military mail (APO, FPO, DPO): a unit and box, or a ship, stands where the street would.
_MILITARY_PART: Final = re.compile(
    rf"(?:PSC|CMR|Unit) \d{{1,5}}+,? Box \d{{1,5}}+|(?:USNS|USS|USNV|USCGC) {_L}{{2,30}}+"
)
_PLACE_PART: Final = re.compile(rf"(?:[A-Z]{_L}{{1,30}}+(?:['\u2019.-]{_L}{{1,30}}+)?+[ ]?){{1,4}}+")
# A street line that ends a longer part ("Send it to 12 Main Street").
_STREET_TAIL: Final = re.compile(rf"(?<![\w/#-]){_NUMBER} {_street(_ANY_SUFFIX)}$")
_UNIT_TAIL: Final = re.compile(rf"(?<![^\W_]){_UNIT}$")
_PLACE_TAIL: Final = re.compile(rf"(?<![^\W_])(?:[A-Z]{_L}{{1,30}}+ ){{0,2}}+[A-Z]{_L}{{1,30}}+$")
_MILITARY_TAIL: Final = re.compile(rf"(?<![^\W_])(?:{_MILITARY_PART.pattern})$")

_STATE = alternation([*US_STATES, *US_STATES.values()])
_US_CODE: Final = re.compile(rf"(?<![^\W_])(?P<region>{_STATE})\.?,? (?P<code>\d{{5}}(?:-\d{{4}})?)(?![\w-])")
_CA_LETTER = "[ABCEGHJ-NPRSTV-Z]"
_PROVINCE = alternation([*CA_PROVINCES, *CA_PROVINCES.values()])
_CA_CODE: Final = re.compile(
    rf"(?<![^\W_])(?:(?P<region>{_PROVINCE})\.?,? )?"
    rf"(?P<code>[ABCEGHJ-NPRSTVXY]\d{_CA_LETTER}[ -]?\d{_CA_LETTER}\d)(?![\w-])"
)
_UK_CODE: Final = re.compile(
    r"(?<![^\W_])(?P<code>(?P<area>[A-PR-UWYZ][A-HK-Y]?)(?:\d[A-HJKPSTUW]|\d{1,2}|(?<=[A-Z]{2})\d[ABEHMNPRVWXY])"
    r" ?\d[ABD-HJLNP-UW-Z]{2}|GIR ?0AA)(?![\w-])"
)
# Between two parts: a comma or a line break; between the city and its code also a space.
_SEPARATOR: Final = re.compile(r"[ ]?(?:,[ ]?|\r?\n[ ]?)$")
_FIRST_SEPARATOR: Final = re.compile(r"[ ]?(?:,[ ]?|\r?\n[ ]?)$|[ ]$")


class AddressDetector:
    crosses_blanks = True
    # The stream guard's contract (masking.types.Detector): every word of an address starts with
    # a Latin capital or a digit, except the French way and its particles (`joiners`), and the
    # reading back stops at the first part that holds a lower-case word.
    starts_with_capitals = True
    joiners = frozenset(
        {"rue", "boulevard", "boul", "avenue", "chemin", "place", "côte", "montée", "rang"}
        | {"de", "la", "du", "des", "d'", "le"}
    )

    def find(self, text: str) -> list[Span]:
        if _DIGIT.search(text) is None:
            return []  # every address holds a house number or a postal code
        spans: list[Span] = []
        for kind, pattern in (("us", _US_CODE), ("ca", _CA_CODE), ("uk", _UK_CODE)):
            for m in pattern.finditer(text):
                if kind == "uk" and not (m.group("code").startswith("GIR") or m.group("area") in UK_AREAS):
                    continue
                span = self._read_back(text, m, kind)
                if span is not None:
                    spans.append(span)
        taken = [(s.start, s.end) for s in spans]
        for m in _STREET_ALONE.finditer(text):
            start, end = m.span()
            for a, b in taken:
                if a < end and start < b:
                    # The unit it took belongs to the next address ("742 Evergreen Terrace Flat 3
                    # …"): keep the street line before it; inside an address, nothing.
                    end = len(text[start:a].rstrip(" ,\n")) + start if start < a else start
            if end > start:
                spans.append(Span(ADDRESS, start, end, "street", _norm(text[start:end])))
        return spans

    def _read_back(self, text: str, code: re.Match[str], kind: str) -> Span | None:
        """The address that ends with this postal code: the city (and for the UK a county), the
        street line, then unit lines, read upwards over commas and line breaks."""
        floor = max(0, code.start() - LOOK_BACK)
        start = code.start()
        places = streets = 0
        first = True
        for _ in range(MAX_PARTS):
            sep = (_FIRST_SEPARATOR if first else _SEPARATOR).search(text, max(floor, start - 4), start)
            first = False
            if sep is None:
                break
            part_start = max(text.rfind(",", floor, sep.start()), text.rfind("\n", floor, sep.start())) + 1
            part_start = max(part_start, floor)
            while part_start < sep.start() and text[part_start] == " ":
                part_start += 1
            part = text[part_start : sep.start()]
            if not part:
                break
            street = _STREET_PART.fullmatch(part) is not None
            if streets == 0 and places == 0 and not street and _PLACE_PART.fullmatch(part):
                places = 1
            elif (street or _MILITARY_PART.fullmatch(part)) and streets < 2:
                streets += 1
            elif (streets or places) and _UNIT_PART.fullmatch(part):
                pass  # "Suite 3400", "PO Box 123", "Flat 3" on their own line or between commas
            elif kind == "uk" and streets == 0 and places == 1 and _PLACE_PART.fullmatch(part):
                places = 2  # a county or a district above the town
            else:
                # A sentence that ends in the street line or the unit ("Ship to 12 Main St",
                # "moved to Flat 3"): the address starts there.
                if streets:
                    tail = _UNIT_TAIL.search(part)
                elif places:
                    tail = _STREET_TAIL.search(part) or _MILITARY_TAIL.search(part)
                else:  # "We meet in Springfield, IL 62704": the city ends the sentence's part
                    tail = _PLACE_TAIL.search(part)
                if tail is not None:
                    start = part_start + tail.start()
                break
            start = part_start
        if start == code.start() and (kind == "us" or code.groupdict().get("region") is None):
            return None  # "IL 62704", "K1A 0B1" with nothing around: five digits, a code-like token
        return Span(ADDRESS, start, code.end(), kind, _norm(text[start : code.end()]))


def _norm(value: str) -> str:
    return " ".join(value.replace(",", " ").split()).lower()
