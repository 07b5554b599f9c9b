"""Leak hunt, round 3: the classes the second round left open, each as a table of variants
built from its parts (separators x written forms x neighbours), so a fix covers the class and
not one example.

Every row is checked on the request side (`protect_request`: masked, and restored exactly as
written) and in a foreign answer, whole and streamed with the answer split at every offset (no
part of the value emitted before the decision; the same output as the whole answer). The
helpers are those of tests/masking/test_leak_classes.py; the HTTP rows are in
tests/integration/test_leak_positions_http.py.
"""

from __future__ import annotations

import pytest

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, protect_request, scan
from tests.masking.cases.phone import NEGATIVE as PHONE_NEGATIVE

CONFIG = MaskingConfig()
UK = MaskingConfig(phone_regions=("US", "GB"))


def _request_masks(text: str, value: str, type_: str, config: MaskingConfig) -> bool:
    """Masked, and restored exactly as written (after `tel:` the placeholder stays: a link)."""
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", config)
    out = result.payload["messages"][0]["content"]
    restored, _ = guard_text(out, result.vault, "obfuscate", config)
    in_link = text[: text.index(value)].endswith("tel:")
    return value not in out and f"[REDACTED_{type_}_1]" in out and restored == (out if in_link else text)


def _answer_redacts(text: str, value: str, type_: str, config: MaskingConfig) -> bool:
    """Redacted from a foreign answer whole, and streamed split at every offset with no half
    of the value emitted first."""
    whole, _ = guard_text(text, Vault(), "obfuscate", config)
    if value in whole or f"[REDACTED_{type_}]" not in whole:
        return False
    half = value[: len(value) // 2 + 1]
    for i in range(len(text) + 1):
        guard = ResponseGuard(Vault(), "obfuscate", config)
        first = guard.feed(text[:i])
        if half in first or first + guard.feed(text[i:]) + guard.flush() != whole:
            return False
    return True


def _leaks(rows: list[tuple[str, str, str, MaskingConfig]]) -> list[tuple[str, str]]:
    out = []
    for text, value, type_, config in rows:
        if not _request_masks(text, value, type_, config):
            out.append(("request", text))
        if not _answer_redacts(text, value, type_, config):
            out.append(("answer", text))
    return out


# --- 1. phone numbers with spaced dots and spaced dashes of any kind ------------------------------
# Round 2 found `415 - 555 - 2671` only with the same spaced dash between every group; a dot
# with blanks, a blank on one side only, or a spaced dash after plain spaces (`(415) 555 \u2013 2671`,
# `+44 20 7946 \u2013 0958`) passed both sides.

PHONE_SEPARATORS = {
    "spaced dot": " . ",
    "spaced en dash": " \u2013 ",
    "spaced em dash": " \u2014 ",
    "spaced hyphen-minus": " - ",
    "dot then blank": ". ",
    "blank then dot": " .",
    "dash then blank": "- ",
    "blank then dash": " -",
    "no-break spaces and en dash": "\u00a0\u2013\u00a0",
    "thin spaces and en dash": "\u2009\u2013\u2009",
    "two spaces and a dot": "  .  ",
    "spaced minus sign": " \u2212 ",
    "spaced middle dot": " \u00b7 ",
    "spaced fullwidth full stop": " \uff0e ",
    "spaced hyphen": " \u2010 ",
    "tabs and a dash": "\t-\t",
}
PHONE_FORMS = [
    ("415{0}555{0}2671", CONFIG),
    ("(415) 555{0}2671", CONFIG),
    ("+1 415 555{0}2671", CONFIG),
    ("+1{0}415{0}555{0}2671", CONFIG),
    ("415 555{0}2671", CONFIG),
    ("+44 20 7946{0}0958", CONFIG),
    ("+44{0}20{0}7946{0}0958", CONFIG),
    ("020 7946{0}0958", UK),
]
PHONE_NEIGHBOURS = [
    "call {} now",
    "Jane,{},NY",
    "| {} |",
    '{{"phone": "{}"}}',
    "tel:{}",
    "{}",
    "phone:\t{}\n",
    "<td>{}</td>",
    "'{}'",
]


@pytest.mark.parametrize("separator", sorted(PHONE_SEPARATORS))
def test_phone_numbers_with_spaced_separators_are_masked_and_redacted(separator: str) -> None:
    sep = PHONE_SEPARATORS[separator]
    rows = [
        (neighbour.format(form.format(sep)), form.format(sep), "PHONE", config)
        for form, config in PHONE_FORMS
        for neighbour in PHONE_NEIGHBOURS
    ]
    assert _leaks(rows) == []


# What must stay prose: dates, versions, ranges, times, scores and money written with the same
# spaced separators (also with more regions, where more digit counts are valid numbers).
PHONE_PROSE = [
    "worked there 2015 - 2019",
    "from 2015 \u2013 2019 and 2020 \u2013 2024",
    "seasons 2019 - 2020 55 games",
    "1990 . 2000 . 2010",
    "valid 01.01.2020 - 31.12.2020",
    "valid 01.01.2020 \u2013 31.12.2020 only",
    "from 12 . 05 . 2024 to 13 . 05 . 2024",
    "on 2024 - 12 - 25 10 30",
    "dates 25 . 12 . 2024 - 01 . 01 . 2025",
    "2024 \u2013 12 \u2013 25 at 10 \u2013 30",
    "version 10 . 0 . 19041 . 1",
    "macOS 10 . 15 . 7 and 3 . 12 . 1",
    "build 1 . 2 . 3 - 4 . 5 . 6",
    "pages 120 \u2013 245 and 300 \u2013 415",
    "rows 1000 - 2000 of 50000",
    "between 200 and 300 - 400 500",
    "open 9 \u2013 17 Mon \u2013 Fri",
    "10 . 30 - 11 . 45 and 14 . 00 - 15 . 30",
    "shift 08 00 - 16 00 daily",
    "times 09 . 00 \u2013 17 . 30 and 18 . 00 \u2013 22 . 00",
    "final 21 - 14 28 - 7 35 - 21",
    "sets 6 - 4 3 - 6 7 - 6 6 - 2",
    "won 102 - 98 and 110 - 104",
    "price 415 . 99 - 555 . 99",
    "EUR 1 . 250 - 2 . 500",
    "from 1.250 - 2.500 EUR, 3.000 - 4.500 EUR",
    "1. 212 people 2. 555 cars",
    "Item 1. 415 apples. 2. 555 pears. 3. 2671 plums",
    "total was 212. 555 1234 nothing",
    "ratio 16 . 9 - 4 . 3",
    "years 1999 - 2001 - 2003",
    "12 - 15 March 2024",
    "from 9.30 - 17.30",
]


@pytest.mark.parametrize("text", PHONE_PROSE)
def test_spaced_separators_in_prose_make_no_phone_number(text: str) -> None:
    assert [s for s in scan(text, CONFIG.detectors) if s.type == "PHONE"] == []


def test_the_case_table_negatives_stay_negative_with_more_regions() -> None:
    negatives = [text for text, why in PHONE_NEGATIVE if not why.startswith("US area codes")]
    found = [t for t in negatives if any(s.type == "PHONE" for s in scan(t, UK.detectors))]
    assert found == []


def test_a_list_number_before_a_phone_number_stays_outside_it() -> None:
    text = "1. 212 555 1234"
    assert [text[s.start : s.end] for s in scan(text, CONFIG.detectors)] == ["212 555 1234"]
