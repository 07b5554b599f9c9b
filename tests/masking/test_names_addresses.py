"""Person names and postal addresses (opt-in): the case tables (each cue kind, email-derived
names, gazetteer names, US/UK/CA address forms, street lines alone, hard negatives), the switch
and its cost at import, the gazetteer file, and with both types on: mask-then-restore is the
identity and the stream guard's output does not depend on chunking."""

from __future__ import annotations

import itertools
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masking import (
    PII_TYPES,
    MaskingConfig,
    PiiDetected,
    ResponseGuard,
    Vault,
    guard_text,
    protect_request,
    scan,
)
from masking.detectors.names import PersonDetector
from masking.gazetteer import DATA, Gazetteer, load
from tests.masking.conftest import load_cases

ON = MaskingConfig(names=True, addresses=True)


NAMES = load_cases("names")
ADDRESSES = load_cases("addresses")


def _found(text: str, type_: str, config: MaskingConfig = ON) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in scan(text, config.detectors) if s.type == type_]


@pytest.mark.parametrize(("text", "names", "kind"), NAMES.CUES)
def test_names_after_a_cue(text: str, names: list[str], kind: str) -> None:
    found = _found(text, "PERSON")
    assert sorted(value for _, value in found) == sorted(names)
    person = next(d for d in ON.detectors if isinstance(d, PersonDetector))
    assert kind in {s.kind for s in person.find(text)}  # other rules may agree


@pytest.mark.parametrize(("text", "names"), NAMES.EMAIL_DERIVED)
def test_names_spelt_by_an_email_address(text: str, names: list[str]) -> None:
    found = _found(text, "PERSON")
    assert sorted(value for _, value in found) == sorted(names)
    assert all(kind == "email" for kind, _ in found)


@pytest.mark.parametrize(("text", "names"), NAMES.GAZETTEER)
def test_full_names_from_the_gazetteer(text: str, names: list[str]) -> None:
    assert _found(text, "PERSON") == [("gazetteer", name) for name in names]


@pytest.mark.parametrize("text", NAMES.NEGATIVE)
def test_name_hard_negatives(text: str) -> None:
    assert _found(text, "PERSON") == []


@pytest.mark.parametrize(
    ("text", "address", "kind"),
    [
        (t, a, kind)
        for kind, rows in (("us", ADDRESSES.US), ("uk", ADDRESSES.UK), ("ca", ADDRESSES.CA))
        for t, a in rows
    ]
    + [(t, a, "street") for t, a in ADDRESSES.STREET],
)
def test_addresses(text: str, address: str, kind: str) -> None:
    assert _found(text, "ADDRESS") == [(kind, address)]


@pytest.mark.parametrize("text", ADDRESSES.NEGATIVE)
def test_address_hard_negatives(text: str) -> None:
    assert _found(text, "ADDRESS") == []


def test_an_address_outranks_the_name_and_digits_inside_it() -> None:
    text = "Send it to 12 John Smith Road, Leeds LS6 3QR or call 0113 496 0000"
    assert [(s.type, text[s.start : s.end]) for s in scan(text, ON.detectors)] == [
        ("ADDRESS", "12 John Smith Road, Leeds LS6 3QR")
    ]
    email = "jane.doe@example.com"
    assert [s.type for s in scan(f"Write to {email}", ON.detectors)] == ["EMAIL"]


def test_off_by_default_and_switched_separately() -> None:
    text = "Dear Jane Doe, ship it to 10 Downing Street, London SW1A 2AA"
    assert [s.type for s in scan(text, MaskingConfig().detectors)] == []
    assert [s.type for s in scan(text, MaskingConfig(names=True).detectors)] == ["PERSON"]
    assert [s.type for s in scan(text, MaskingConfig(addresses=True).detectors)] == ["ADDRESS"]
    assert MaskingConfig(names=True) != MaskingConfig(addresses=True)
    assert {"PERSON", "ADDRESS"} <= set(PII_TYPES)


def test_neither_detector_nor_the_gazetteer_loads_at_import() -> None:
    code = (
        "import sys, masking; masking.MaskingConfig();"
        "before = [m for m in ('masking.detectors.names', 'masking.detectors.addresses') if m in sys.modules];"
        "c = masking.MaskingConfig(names=True, addresses=True);"
        "import masking.gazetteer as g; loaded = g.load.cache_info().currsize;"
        "masking.scan('Dear Jane', c.detectors);"
        "print(','.join(before), loaded, g.load.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "1"]  # no module before; the file read on the first scan only


def test_the_gazetteer_file() -> None:
    gaz = load()
    assert len(gaz.first) > 30_000 and len(gaz.last) > 80_000
    assert "JENNIFER" in gaz.first and "GARCIA" in gaz.last and "GIUSEPPE" in gaz.first
    assert "WILL" in gaz.words and "JENNIFER" not in gaz.words
    assert "BABY" not in gaz.first  # SSA's placeholders are not names
    text = zlib.decompress(Path(DATA).read_bytes()).decode("ascii")
    for section in ("first", "last", "word"):
        block = text.split(f"[{section}]\n", 1)[1].split("\n[", 1)[0].split()
        assert block == sorted(block), f"[{section}] must be sorted: the lookup bisects it"
        assert all(name.isupper() and name.isalpha() for name in block)
    assert Path(DATA).stat().st_size < 400_000


def test_an_injected_gazetteer() -> None:
    tiny = Gazetteer(["ZORBA"], ["QUUX"], [])
    detector = PersonDetector(lambda: tiny)
    assert [(s.kind, s.norm) for s in detector.find("We met Zorba Quux.")] == [("gazetteer", "zorba quux")]
    assert detector.find("We met Jordan Smith.") == []


def test_mask_restore_and_block() -> None:
    text = "Dear Jane Doe,\nplease ship to 10 Downing Street, London SW1A 2AA.\n\nBest regards,\nMarisol Quintero"
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", ON)
    masked = result.payload["messages"][0]["content"]
    assert masked == (
        "Dear [REDACTED_PERSON_1],\nplease ship to [REDACTED_ADDRESS_1].\n\nBest regards,\n[REDACTED_PERSON_2]"
    )
    assert result.pii_counts == {"PERSON": 2, "ADDRESS": 1}
    assert guard_text(masked, result.vault, "obfuscate", ON) == (text, {})
    # The model writing the name back in capitals is the caller's value, not a foreign one.
    assert guard_text("JANE DOE", result.vault, "obfuscate", ON) == ("JANE DOE", {})
    assert guard_text("Dear Pedro Alvarez,", Vault(), "obfuscate", ON) == (
        "Dear [REDACTED_PERSON],",
        {"PERSON": 1},
    )
    with pytest.raises(PiiDetected):
        protect_request({"messages": [{"role": "user", "content": text}]}, "block", ON)


# --------------------------------------------------------------------------- properties

# Planted values and the part of each that must never leak; their prefixes do not occur in the
# lower-case filler.
PLANTED = {
    "Dear Marisol Quintero,": "Marisol Quintero",
    "Mr. Zbigniew Brzeczyszczykiewicz": "Zbigniew Brzeczyszczykiewicz",
    "Kowalski, Katarzyna said": "Katarzyna",
    "Jordan Whitfield": "Jordan Whitfield",
    "Best regards,\nOluwaseun Adeyemi\n": "Oluwaseun Adeyemi",  # a signature and a label end their line
    "Name: Xiomara Quintanilla\n": "Xiomara Quintanilla",
    "1600 Pennsylvania Avenue NW, Washington, DC 20500": "1600 Pennsylvania Avenue NW, Washington, DC 20500",
    "Flat 3\n12 High Street\nLondon\nSW1A 2AA": "Flat 3\n12 High Street\nLondon\nSW1A 2AA",
    "742 Evergreen Terrace": "742 Evergreen Terrace",
    "24 Sussex Drive, Ottawa, ON K1M 1M4": "24 Sussex Drive, Ottawa, ON K1M 1M4",
}
SENSITIVE = {k: v for k, v in PLANTED.items() if k != "Kowalski, Katarzyna said"}
FILLER = ["the", "answer", "is", "see", "and", "then", "please", "ok", "here", "we", "shipped", "it"]
SEPARATORS = [" ", "  ", "\n", ", ", ". ", "\n\n", " (", ") "]


@st.composite
def _answers(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    planted: list[str] = []
    for _ in range(draw(st.integers(1, 10))):
        if draw(st.booleans()):
            value = draw(st.sampled_from(sorted(SENSITIVE)))
            parts.append(value)
            planted.append(SENSITIVE[value])
        else:
            parts.append(draw(st.sampled_from(FILLER)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts), planted


@given(answer=_answers(), data=st.data())
def test_stream_invariant_and_no_prefix_leak(answer: tuple[str, list[str]], data: st.DataObject) -> None:
    text, planted = answer
    whole, _ = guard_text(text, Vault(), "obfuscate", ON)
    for value in planted:
        assert value not in whole
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=30))))
    guard = ResponseGuard(Vault(), "obfuscate", ON)
    out = ""
    for a, b in itertools.pairwise([0, *cuts, len(text)]):
        out += guard.feed(text[a:b])
        for value in planted:
            for n in range(6, len(value) + 1):
                assert value[:n] not in out or value[:n] in text.replace(value, ""), (value[:n], out)
    assert out + guard.flush() == whole


@given(answer=_answers())
def test_mask_then_restore_is_identity(answer: tuple[str, list[str]]) -> None:
    text, planted = answer
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", ON)
    masked = result.payload["messages"][0]["content"]
    for value in planted:
        assert value not in masked
    assert guard_text(masked, result.vault, "obfuscate", ON) == (text, {})


@given(text=st.text(alphabet=st.sampled_from("Ab1 2,.\nJaneDo@x:St"), max_size=160), data=st.data())
def test_chunking_invariance_on_noise(text: str, data: st.DataObject) -> None:
    whole, _ = guard_text(text, Vault(), "obfuscate", ON)
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=20))))
    guard = ResponseGuard(Vault(), "obfuscate", ON)
    out = "".join(guard.feed(text[a:b]) for a, b in itertools.pairwise([0, *cuts, len(text)]))
    assert out + guard.flush() == whole


# Words that exercise the guard's rule for names and addresses: it cuts without asking only
# between two lower-case words, never after a joiner (`van`, `de`), a cue word or an `@`.
MIXED = [
    "the",
    "and",
    "we",
    "met",
    "van",
    "de",
    "la",
    "rue",
    "dear",
    "hi",
    "regards,",
    "name:",
    "Name:",
    "Jane",
    "Doe",
    "jane",
    "doe",
    "Ludwig",
    "Beethoven",
    "jane.doe@example.com",
    "Dr.",
    "Mr",
    "12",
    "Main",
    "Street",
    "Springfield,",
    "IL",
    "62704",
    "Flat",
    "3",
    "London",
    "SW1A",
    "2AA",
    "I'm",
    "Sehr",
    "geehrte",
    "Frau",
    "Schmidt,",
    "Montagne",
    "1000",
    "Best",
    "best",
    "Kind",
    "kind",
]


@given(
    words=st.lists(st.tuples(st.sampled_from(MIXED), st.sampled_from([" ", "\n", ", ", "  "])), max_size=40),
    data=st.data(),
)
def test_chunking_invariance_on_mixed_words(words: list[tuple[str, str]], data: st.DataObject) -> None:
    text = "".join(w + sep for w, sep in words)
    whole, _ = guard_text(text, Vault(), "obfuscate", ON)
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=30))))
    guard = ResponseGuard(Vault(), "obfuscate", ON)
    out = "".join(guard.feed(text[a:b]) for a, b in itertools.pairwise([0, *cuts, len(text)]))
    assert out + guard.flush() == whole
    one_by_one = ResponseGuard(Vault(), "obfuscate", ON)
    assert "".join(one_by_one.feed(ch) for ch in text) + one_by_one.flush() == whole


# Every word of these names must be masked, whole and streamed: names longer than a cue read
# used to take, particles the reader took for stop words, a name repeated in capitals, and a
# possessive after a name (the leak class: words of a name left beside its placeholder).
WHOLE_NAMES = [
    (
        "Mr. Zbigniew Brzeczyszczykiewicz Kowalczyk Wisniewski Nowak said hi",
        "Zbigniew Brzeczyszczykiewicz Kowalczyk Wisniewski Nowak",
    ),
    ("Dear José María García Fernández de la Torre,", "José María García Fernández de la Torre"),
    ("Dear Ana Maria de la Torre Ruiz,", "Ana Maria de la Torre Ruiz"),
    ("JORDAN WHITFIELD JORDAN WHITFIELD ok", "JORDAN WHITFIELD JORDAN WHITFIELD"),
    ("Jordan Whitfield Jordan Whitfield's car", "Jordan Whitfield Jordan Whitfield"),
    ("Jordan Whitfield's car", "Jordan Whitfield"),
    ("Ask Jordan Whitfield\u2019s team", "Jordan Whitfield"),
    ("Jordan\u00a0Whitfield Jordan\u00a0Whitfield ok", "Jordan Whitfield Jordan Whitfield"),
]


@pytest.mark.parametrize(("text", "name"), WHOLE_NAMES)
def test_no_word_of_a_name_is_left_beside_its_placeholder(text: str, name: str) -> None:
    masked = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", ON)
    out = masked.payload["messages"][0]["content"]
    whole, _ = guard_text(text, Vault(), "obfuscate", ON)
    guard = ResponseGuard(Vault(), "obfuscate", ON)
    streamed = "".join(guard.feed(c) for c in text) + guard.flush()
    for word in name.split():
        if len(word) > 2 and word[0].isupper():
            assert word not in out, (word, out)
            assert word not in whole and word not in streamed, (word, whole, streamed)


# --- leak hunt 3: names and addresses in JSON-escaped text ---------------------------------------
# A JSON document pasted as text, or tool-call arguments, write a line break as `\n` and a
# non-ASCII letter as `\u00e9`; the decoded window ended at the escape's token, so the other words
# of the value (the address's next line, a name's surname) were never read together.
JSON_ESCAPED = [
    *[
        (text, value, "ADDRESS")
        for text, value in ADDRESSES.US + ADDRESSES.UK + ADDRESSES.CA
        if "\n" in value
    ],
    *[(text, names[-1], "PERSON") for text, names, _ in NAMES.CUES if names and not text.isascii()],
    *[(text, names[-1], "PERSON") for text, names, kind in NAMES.CUES if kind == "signoff"],
]


@pytest.mark.parametrize(("text", "value", "type_"), JSON_ESCAPED)
def test_json_escaped_names_and_addresses_are_masked_and_redacted(text: str, value: str, type_: str) -> None:
    import json

    escaped = json.dumps({"note": text})
    last = value.rsplit(maxsplit=1)[-1]
    needles = {last, json.dumps(last)[1:-1]}
    result = protect_request({"messages": [{"role": "user", "content": escaped}]}, "obfuscate", ON)
    out = result.payload["messages"][0]["content"]
    assert not [n for n in needles if n in out] and f"[REDACTED_{type_}_1]" in out, out
    assert guard_text(out, result.vault, "obfuscate", ON)[0] == escaped
    whole, redacted = guard_text(escaped, Vault(), "obfuscate", ON)
    assert not [n for n in needles if n in whole] and redacted.get(type_), whole
