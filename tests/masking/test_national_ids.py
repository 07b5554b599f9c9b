"""National identifiers by locale: each kind found with its context, look-alikes that fail the
checksum left alone, identifiers that need context left alone without it, hard negatives, the
locale switch, and mask-then-restore and the stream invariant with the new type."""

from __future__ import annotations

import importlib.util
import itertools
import random
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, protect_request, scan
from masking.detectors.national_ids import RULES


def _cases() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "national_id_cases", Path(__file__).parent / "cases" / "national_ids.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _cases()
ALL = MaskingConfig(locales=("us", "uk", "de", "fr", "es", "it", "nl", "ca", "au", "in", "br"))
# Kinds that need a context word whatever their form, and kinds whose plain digits do.
CONTEXT_ALWAYS = {r.kind for r in RULES if r.context} - {"br_cpf", "br_cnpj"}
NO_CHECKSUM = {"uk_nino", "in_pan"}


def _values(kind: str, n: int = 6) -> list[str]:
    rng = random.Random(kind)
    return [CASES.GENERATORS[kind](rng) for _ in range(n)]


def _found(text: str, config: MaskingConfig = ALL) -> list[tuple[str, str, str]]:
    return [(s.type, s.kind, text[s.start : s.end]) for s in scan(text, config.detectors)]


def _lookalike(kind: str, value: str) -> str:
    if kind == "au_medicare":  # the last digit is the card's issue number; the check digit is the ninth
        return value[:8] + str((int(value[8]) + 5) % 10) + value[9:]
    bad: str = CASES.corrupted(value)
    return bad


@pytest.mark.parametrize("kind", sorted(CASES.GENERATORS))
def test_each_kind_is_found_with_its_context(kind: str) -> None:
    for value in _values(kind):
        shown = CASES.formatted(kind, value)
        for template in ("{ctx} {v}", "{ctx}: {v}.", "Her {ctx} is {v}, thanks", "{ctx}={v}"):
            text = template.format(ctx=CASES.CONTEXT[kind], v=shown)
            assert ("NATIONAL_ID", kind, shown) in _found(text), text


# Written forms (leak hunt 3): how the value is spelt, and what stands around it. Kinds written
# in groups are also written with dots or dashes between them ("HX-77-21-47-D", "4109.0483.5175").
GROUPED = {"uk_nino", "uk_nhs_number", "de_steuer_id", "in_aadhaar", "ca_sin", "nl_bsn"}
SPELLINGS: dict[str, Callable[[str], str]] = {
    "as-written": lambda v: v,
    "no-break-spaces": lambda v: v.replace(" ", "\u00a0"),
    "narrow-no-break-spaces": lambda v: v.replace(" ", "\u202f"),
    "zero-width-inside": lambda v: v[:3] + "\u200b" + v[3:],
    "fullwidth": lambda v: "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in v),
    "no-separators": lambda v: v.replace(" ", ""),
}
GROUPED_SPELLINGS: dict[str, Callable[[str], str]] = {
    "dashes": lambda v: v.replace(" ", "-"),
    "dots": lambda v: v.replace(" ", "."),
}
SURROUNDINGS = {
    "sentence": "{ctx} {v} ok",
    "csv-row": "name,{label}\nJane,{v}\n",
    "tsv-row": "name\t{label}\nJane\t{v}\n",
    "pipe-row": "| {label} | {v} |",
    "json-string": '{{"{label}": "{v}"}}',
    "parenthesised": "{ctx} ({v})",
    "glued-colon": "{ctx}:{v}",
    "quoted": '{ctx} "{v}"',
}


def _spelt(kind: str, value: str) -> list[tuple[str, str]]:
    shown = CASES.formatted(kind, value)
    spellings = {**SPELLINGS, **(GROUPED_SPELLINGS if kind in GROUPED else {})}
    return [(name, spell(shown)) for name, spell in spellings.items()]


@pytest.mark.parametrize("surrounding", sorted(SURROUNDINGS))
@pytest.mark.parametrize("kind", sorted(CASES.GENERATORS))
def test_every_written_form_is_masked_whole(kind: str, surrounding: str) -> None:
    ctx = CASES.CONTEXT[kind]
    for value in _values(kind, 2):
        for spelling, shown in _spelt(kind, value):
            text = SURROUNDINGS[surrounding].format(ctx=ctx, label=ctx.rstrip(":. "), v=shown)
            masked = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", ALL)
            out = masked.payload["messages"][0]["content"]
            assert shown not in out and "[REDACTED_NATIONAL_ID_1]" in out, (spelling, text, out)
            digits = [c for c in shown if c.isdigit()]
            assert "".join(digits[-4:]) not in out.replace("[REDACTED_NATIONAL_ID_1]", ""), (spelling, out)


@pytest.mark.parametrize("kind", sorted(set(CASES.GENERATORS) - NO_CHECKSUM))
def test_look_alikes_that_fail_the_checksum_are_left(kind: str) -> None:
    for value in _values(kind):
        text = f"{CASES.CONTEXT[kind]} {CASES.formatted(kind, _lookalike(kind, value))}"
        assert [f for f in _found(text) if f[0] == "NATIONAL_ID"] == [], text


@pytest.mark.parametrize("kind", sorted(CONTEXT_ALWAYS))
def test_identifiers_that_collide_with_numbers_need_context(kind: str) -> None:
    for value in _values(kind):
        text = f"ref {CASES.formatted(kind, value)} shipped"
        assert [f for f in _found(text) if f[0] == "NATIONAL_ID"] == [], text
        far = f"{CASES.CONTEXT[kind]} {'was mentioned in an earlier line of this message, and then ' * 2}{value}"
        assert [f for f in _found(far) if f[0] == "NATIONAL_ID"] == [], "context too far away"


@pytest.mark.parametrize("kind", ["br_cpf", "br_cnpj"])
def test_brazilian_numbers_need_context_only_when_unformatted(kind: str) -> None:
    for value in _values(kind):
        assert ("NATIONAL_ID", kind, CASES.formatted(kind, value)) in _found(
            f"nº {CASES.formatted(kind, value)}"
        )
        assert [f for f in _found(f"order {value} done") if f[0] == "NATIONAL_ID"] == []


HARD_NEGATIVES = [
    "Invoice 2024-0001 for 1,234.56 EUR due 31.12.2024",
    "Call +44 20 7946 0958 or 020 7946 0958",
    "The NHS is hiring; see job 1234567890 on the portal",  # ten digits failing the NHS check
    "Steuer rate 19 percent, order 12345678901",
    "ISBN 978-3-16-148410-0 and EAN 4006381333931",
    "pip install numpy==1.26.4",
    "AB123456 is a flight, not a NINO",
    "The BSN office opens at 0900",
    "version 1.2.3 released 2024-03-01",
    "tracking 1Z999AA10123456784",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives(text: str) -> None:
    assert [f for f in _found(text) if f[0] == "NATIONAL_ID"] == []


def test_locales_switch_packs_on_and_off() -> None:
    nino = CASES.formatted("uk_nino", _values("uk_nino", 1)[0])
    ssn_text = "SSN 536-22-1234"
    uk_only = MaskingConfig(locales=("uk",))
    assert _found(f"NI number {nino}", uk_only)[0][:2] == ("NATIONAL_ID", "uk_nino")
    assert _found(f"NI number {nino}", MaskingConfig()) == []  # default: us
    assert [f[0] for f in _found(ssn_text, uk_only)] == []  # the SSN pack is the us locale
    assert [f[0] for f in _found(ssn_text, MaskingConfig())] == ["SSN"]
    with pytest.raises(ValueError, match="unknown PII locale"):
        MaskingConfig(locales=("xx",))


def test_mask_then_restore_and_block() -> None:
    texts = [f"{CASES.CONTEXT[k]} {CASES.formatted(k, _values(k, 1)[0])}" for k in sorted(CASES.GENERATORS)]
    text = "\n".join(texts)
    result = protect_request({"messages": [{"role": "user", "content": text}]}, "obfuscate", ALL)
    masked = result.payload["messages"][0]["content"]
    assert result.pii_counts["NATIONAL_ID"] == len(texts)
    assert "[REDACTED_NATIONAL_ID_1]" in masked
    assert guard_text(masked, result.vault, "obfuscate", ALL)[0] == text
    with pytest.raises(Exception, match="personal data"):
        protect_request({"messages": [{"role": "user", "content": text}]}, "block", ALL)


@st.composite
def _answers(draw: st.DrawFn) -> tuple[str, list[str]]:
    parts: list[str] = []
    planted: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(sorted(CASES.GENERATORS)))
        value = CASES.formatted(kind, CASES.GENERATORS[kind](random.Random(draw(st.integers(0, 10**6)))))
        parts.append(f"{CASES.CONTEXT[kind]} {value}")
        planted.append(value)
        parts.append(draw(st.sampled_from([" and ", ". ", "\n", ", then the "])))
    return "".join(parts), planted


@given(answer=_answers(), data=st.data())
def test_stream_invariant_and_no_prefix_leak(answer: tuple[str, list[str]], data: st.DataObject) -> None:
    text, planted = answer
    whole, _ = guard_text(text, Vault(), "obfuscate", ALL)
    for value in planted:
        assert value not in whole
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=25))))
    guard = ResponseGuard(Vault(), "obfuscate", ALL)
    out = ""
    for a, b in itertools.pairwise([0, *cuts, len(text)]):
        out += guard.feed(text[a:b])
        for value in planted:
            assert value[:6] not in out or value[:6] in text.replace(value, "")
    assert out + guard.flush() == whole
