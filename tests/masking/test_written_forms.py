"""Values written in the other forms people and pages use: escaped (HTML character references,
backslash and percent escapes), spelled out (`bob at example dot com`, `bob @ example . com`),
with ideographic dots, and card numbers grouped by `.`, `/` or `_`.

Each form is a table of variants: found in a request (and masked there, with the caller's own
characters replaced), redacted in a foreign answer whole and streamed in chunks of several
sizes (the running output never shows the value, and equals the whole answer), and a table of
prose that reads like a form but is none.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, protect_request, scan
from masking.encoded import Decoded

CONFIG = MaskingConfig()
FILLER = " Thanks, and let me know if anything else about the order is unclear to you."


def _types(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start : s.end]) for s in scan(text, CONFIG.detectors)]


def _masked(text: str) -> str:
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", CONFIG)
    out: str = result.payload["messages"][0]["content"]
    return out


def _guarded_everywhere(answer: str, written: str) -> None:
    """`written` never shows in the guarded answer, whole or streamed at any chunk size."""
    whole, _ = guard_text(answer, Vault(), "obfuscate", CONFIG)
    assert written not in whole
    for size in (1, 2, 3, 5, 8, 13, 64):
        guard = ResponseGuard(Vault(), "obfuscate", CONFIG)
        out = ""
        for i in range(0, len(answer), size):
            out += guard.feed(answer[i : i + size])
            assert written not in out
        assert out + guard.flush() == whole, size


# --- escapes: HTML references, backslash escapes, percent-escapes --------------------------------

ESCAPED = [
    ("jane.roe&#64;example.com", "EMAIL"),
    ("jane.roe&#064;example.com", "EMAIL"),
    ("jane.roe&#x40;example.com", "EMAIL"),
    ("jane.roe&#X40;example&#46;com", "EMAIL"),
    ("jane.roe&commat;example&period;com", "EMAIL"),
    ("jane.roe&#64example.com", "EMAIL"),  # numeric reference without its `;`
    ("jane.roe\\u0040example.com", "EMAIL"),
    ("jane.roe\\x40example.com", "EMAIL"),
    ("jane.roe%40example.com", "EMAIL"),
    ("jane.roe%40example%2Ecom", "EMAIL"),
    ("&#52;111111111111111", "CREDIT_CARD"),
    ("4111&#32;1111&#32;1111&#32;1111", "CREDIT_CARD"),
    ("&#x2B;1&#x20;415&#x20;555&#x20;2671", "PHONE"),
    ("536&#45;22&#45;1234", "SSN"),
    ("203&period;0&period;113&period;9", "IP_ADDRESS"),
]


@pytest.mark.parametrize(("written", "type_"), ESCAPED)
def test_escaped_values_are_found_and_masked_as_written(written: str, type_: str) -> None:
    text = f'<a title="{written}">contact</a>'
    assert (type_, written) in _types(text)
    assert written not in _masked(text)


@pytest.mark.parametrize(("written", "type_"), ESCAPED)
def test_escaped_values_in_answers_are_redacted_whole_and_streamed(written: str, type_: str) -> None:
    _guarded_everywhere(f"Sure: the record says {written} for that customer." + FILLER, written)


@pytest.mark.parametrize(
    "text",
    [
        "Tom &amp; Jerry &#8212; a classic",
        "x &lt; 10 &amp;&amp; y &gt; 3",
        "path C:\\users\\x40\\docs",
        "100% sure, 50% off",
        "&#64; is the at sign, &#46; the dot",
        "\\u0040 alone is an escaped at sign",
        "&commat;handle on the forum",
        # Names match in any ASCII case only: Unicode case-insensitive matching would take
        # these for `&sol;` / `&period;` and then miss them in the table (a KeyError).
        "jane&\u017fol;example&\u0130;com and &per\u0130od; or &SOL;",
        "https://example.com/a&\u017fol;b?q=&commat\u0130;",
    ],
)
def test_escapes_that_spell_no_value_are_left(text: str) -> None:
    assert _types(text) == []


# --- spelled-out addresses ------------------------------------------------------------------------

SPELLED = [
    ("jane at example dot com", "jane@example.com"),
    ("jane AT example DOT com", "jane@example.com"),
    ("Jane dot Roe at example dot com", "jane.roe@example.com"),
    ("jane.roe at example dot co dot uk", "jane.roe@example.co.uk"),
    ("jane.roe at example.com", "jane.roe@example.com"),
    ("jane_roe at mail.example.org", "jane_roe@mail.example.org"),
    ("jane.roe @ example . com", "jane.roe@example.com"),
    ("jane.roe @example.com", "jane.roe@example.com"),
    ("jane.roe@ example.com", "jane.roe@example.com"),
    ("jane (at) example (dot) com", "jane@example.com"),
    ("jane [at] example [dot] com", "jane@example.com"),
    ("jane{at}example{dot}com", "jane@example.com"),
    ("j.roe2 at example dot io", "j.roe2@example.io"),
    ("jane[at]example[.]com", "jane@example.com"),
    ("jane[@]example[.]com", "jane@example.com"),
    ("jane(at)example(.)com", "jane@example.com"),
    ("jane at example [.] com", "jane@example.com"),
    ("jane.roe @ example [.] org", "jane.roe@example.org"),
    ("a.b.c.d.e at example dot com", "a.b.c.d.e@example.com"),
    ("first.middle.last at corp.example.com", "first.middle.last@corp.example.com"),
]


@pytest.mark.parametrize(("written", "address"), SPELLED)
def test_spelled_addresses_are_found(written: str, address: str) -> None:
    spans = scan(f"Write to {written}, please.", CONFIG.detectors)
    assert [(s.type, s.norm) for s in spans] == [("EMAIL", address)]
    assert written not in _masked(f"Write to {written}, please.")


@pytest.mark.parametrize(("written", "address"), SPELLED)
def test_spelled_addresses_in_answers_are_redacted_whole_and_streamed(written: str, address: str) -> None:
    _guarded_everywhere(f"Sure, you can write to {written} and they will answer." + FILLER, written)


@pytest.mark.parametrize(
    "text",
    [
        "look at this dot com bubble",
        "I work at google.com these days",
        "staying at home dot com is a joke",
        "meet @ noon. Then lunch",
        "price 3 @ 4.50 each",
        "arrive at 5. Then leave",
        "we met at the station dot the end",
        "good at math. Com sense",
        "@ mention someone . then wait",
        "point at it dot dot dot",
        "ping @ 5. Done",
    ],
)
def test_prose_with_at_and_dot_is_left(text: str) -> None:
    assert _types(text) == []


def test_spelled_address_after_letters_that_lower_to_two_is_found_in_place() -> None:
    """`İ` lower-cases to two characters; the spans must still point at the address."""
    text = "\u0130\u0130\u0130 write jane at example dot com now"
    [span] = scan(text, CONFIG.detectors)
    assert text[span.start : span.end] == "jane at example dot com"


def test_prose_with_many_ats_streams_as_whole() -> None:
    answer = "We meet at noon, look at the plan, and at the end we vote at once. " * 40
    whole, _ = guard_text(answer, Vault(), "obfuscate", CONFIG)
    assert whole == answer
    guard = ResponseGuard(Vault(), "obfuscate", CONFIG)
    assert "".join(guard.feed(answer[i : i + 3]) for i in range(0, len(answer), 3)) + guard.flush() == answer


# --- ideographic dots -----------------------------------------------------------------------------

IDEOGRAPHIC = [
    "jane.roe@example\u3002com",
    "jane.roe@example\uff61com",
    "jane.roe@mail\u3002example\u3002org",
    "jane.roe\uff20example\u3002com",
    "jane.roe@example\uff0ecom",
    "jane\u3002roe@example.com",
    "203\u30020\u3002113\u30029",
    "jane.roe@example\u3002co\u3002uk",
    "jane.roe@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\u3002com",
    "j\u200b.roe@example\u3002com",
]


@pytest.mark.parametrize("written", IDEOGRAPHIC)
def test_ideographic_full_stops_read_as_dots(written: str) -> None:
    text = f"contact: {written} today"
    assert [text[s.start : s.end] for s in scan(text, CONFIG.detectors)] == [written]
    assert written not in _masked(text)
    _guarded_everywhere(f"Sure, the contact is {written} for that." + FILLER, written)


def test_an_ideographic_full_stop_in_prose_is_left() -> None:
    text = "\u4eca\u65e5\u306f\u6674\u308c\u3002\u660e\u65e5\u3082\u3002"
    assert _types(text) == []


# --- cards grouped by dots, slashes or underscores ------------------------------------------------

GROUPED_CARDS = [
    "4111.1111.1111.1111",
    "4111/1111/1111/1111",
    "4111_1111_1111_1111",
    "5555.5555.5555.4444",
    "3782.822463.10005",
    "3782/822463/10005",
    "6011.1111.1111.1117",
    "4111\uff0e1111\uff0e1111\uff0e1111",
    "4111.1111.1111.1111.",
    "4111&#46;1111&#46;1111&#46;1111",
]


@pytest.mark.parametrize("written", GROUPED_CARDS)
def test_cards_grouped_by_punctuation_are_found(written: str) -> None:
    text = f"card,{written},exp 12/27"
    value = written.rstrip(".")
    assert ("CREDIT_CARD", value) in _types(text)
    assert value not in _masked(text)
    _guarded_everywhere(f"Sure, the card on file is {written} as asked." + FILLER, value)


@pytest.mark.parametrize(
    "text",
    [
        "pi is 4123.4567890123",  # a decimal: one dot
        "4111 1111.1111 1111",  # separators mixed with a dot
        "4111.1111/1111.1111",  # two kinds of punctuation
        "4111.1111.1111.1112",  # Luhn fails
        "1111.1111.1111.1111",  # no brand
        "v4111.1111.1111.1111",  # glued to a word
        "2024/1234/5678/9012",  # a date-like path
        "41.11.11.11.11.11.11.11",  # pairs, never a card
        "version 4.111.111.1111",
        "12/27",
    ],
)
def test_punctuated_numbers_that_are_no_card_are_left(text: str) -> None:
    assert [t for t, _ in _types(text) if t == "CREDIT_CARD"] == []


@given(
    pieces=st.lists(
        st.sampled_from(["a", "@", "%40", "&#64;", "&#x40;", "&commat;", "\\u0040", "\\x40", "%", "&"]),
        max_size=30,
    )
)
def test_every_decoded_character_maps_back_to_what_wrote_it(pieces: list[str]) -> None:
    token = "".join(pieces)
    decoded = Decoded(token)
    ends = 0
    for i, ch in enumerate(decoded.text):
        a, b = decoded.source(i)
        assert a == ends  # in order, no gaps
        assert Decoded(token[a:b]).text == ch
        ends = b
    assert ends == len(token)
