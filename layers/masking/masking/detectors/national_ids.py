"""National identifiers by locale (`GATEWAY_PII_LOCALES`), each validated by its checksum.

One row per identifier: the locale that switches it on, a pattern, a validator (python-stdnum
where it has one, a few lines of ours where it does not), and the context words that must
stand within 32 characters before the value when the identifier has no checksum or
collides with ordinary numbers (a UK NHS number is ten digits, like a US phone number; a Dutch
BSN is nine, like many order numbers). Context words come in the locale's language and in
English. Every finding is type `NATIONAL_ID`, with the row's kind (`uk_nino`, `fr_nir`, …) for
audit and error messages: one placeholder type keeps the numbering of §5 simple, and the kind
still says which identifier it was. The US pack is the SSN detector (type `SSN`).

stdnum is imported on first use (tens of milliseconds), never at `import masking`.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from typing import Final, NamedTuple

from masking.boundaries import clear_after, clear_before, context_before
from masking.types import Span

NATIONAL_ID: Final = "NATIONAL_ID"


def _stdnum(module: str) -> Callable[[str], bool]:
    def valid(value: str) -> bool:
        return bool(importlib.import_module(f"stdnum.{module}").is_valid(value))

    return valid


def _nino_ok(value: str) -> bool:
    """UK National Insurance number: no checksum; the prefix rules of HMRC."""
    compact = value.replace(" ", "").upper()
    prefix = compact[:2]
    return prefix not in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"} and prefix[1] != "O"


_ICAO_WEIGHTS: Final = (7, 3, 1)


def _icao_check(body: str) -> int:
    total = 0
    for i, ch in enumerate(body):
        value = int(ch) if ch.isdigit() else ord(ch) - 55
        total += value * _ICAO_WEIGHTS[i % 3]
    return total % 10


def _personalausweis_ok(value: str) -> bool:
    """German identity card number: nine characters and an ICAO 7-3-1 check digit."""
    compact = value.upper()
    return _icao_check(compact[:9]) == int(compact[9])


_MEDICARE_WEIGHTS: Final = (1, 3, 7, 9, 1, 3, 7, 9)


def _medicare_ok(value: str) -> bool:
    """Australian Medicare card number: first digit 2-6, check digit over the first eight."""
    digits = re.sub(r"\D", "", value)
    if digits[0] not in "23456":
        return False
    return sum(int(d) * w for d, w in zip(digits[:8], _MEDICARE_WEIGHTS, strict=True)) % 10 == int(digits[8])


class IdRule(NamedTuple):
    kind: str
    locale: str
    source: str  # compiled on first use: most deployments switch on one or two locales
    valid: Callable[[str], bool]
    context: tuple[str, ...] = ()  # empty: the checksum and shape alone decide

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.source)


@functools.cache
def _compile(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def _rule(
    kind: str, locale: str, pattern: str, valid: Callable[[str], bool], context: tuple[str, ...] = ()
) -> IdRule:
    return IdRule(kind, locale, pattern, valid, context)


_D3 = r"\d{3}"
# Between the groups of an identifier people write in groups: a blank, a dot or a dash, as they
# come ("HX 77 21 47 D", "HX-77-21-47-D", "4109.0483.5175"). The checksum and, for most of these
# rows, the context word keep ordinary dotted or dashed numbers out.
_S = r"[ .-]?"
RULES: Final[tuple[IdRule, ...]] = (
    # United Kingdom
    _rule(
        "uk_nino",
        "uk",
        rf"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]{_S}\d{{2}}{_S}\d{{2}}{_S}\d{{2}}{_S}[A-D]",
        _nino_ok,
        ("national insurance", "ni number", "ni no", "nino", "nin", "insurance number"),
    ),
    _rule(
        "uk_nhs_number",
        "uk",
        rf"{_D3}{_S}{_D3}{_S}\d{{4}}",
        _stdnum("gb.nhs"),
        ("nhs", "health service", "patient number", "chi number"),
    ),
    # Germany
    _rule(
        "de_steuer_id",
        "de",
        rf"\d{{2}}{_S}{_D3}{_S}{_D3}{_S}{_D3}",
        _stdnum("de.idnr"),
        (
            "steuer",
            "steuer-id",
            "steueridentifikationsnummer",
            "identifikationsnummer",
            "idnr",
            "tax id",
            "tax identification",
            "tin",
        ),
    ),
    _rule(
        "de_personalausweis",
        "de",
        r"[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d",
        _personalausweis_ok,
        ("personalausweis", "ausweis", "ausweisnummer", "identity card", "id card", "id number"),
    ),
    # France
    _rule(
        "fr_nir",
        "fr",
        r"[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}",
        _stdnum("fr.nir"),
    ),
    # Spain
    _rule("es_dni", "es", r"\d{8}[ -]?[TRWAGMYFPDXBNJZSQVHLCKE]", _stdnum("es.dni")),
    _rule("es_nie", "es", r"[XYZ][ -]?\d{7}[ -]?[TRWAGMYFPDXBNJZSQVHLCKE]", _stdnum("es.nie")),
    # Italy
    _rule(
        "it_codice_fiscale",
        "it",
        r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]",
        _stdnum("it.codicefiscale"),
    ),
    # Netherlands
    _rule(
        "nl_bsn",
        "nl",
        rf"\d{{4}}{_S}\d{{2}}{_S}\d{{3}}|\d{{9}}",
        _stdnum("nl.bsn"),
        ("bsn", "burgerservicenummer", "sofinummer", "citizen service number"),
    ),
    # Canada
    _rule(
        "ca_sin",
        "ca",
        rf"{_D3}{_S}{_D3}{_S}{_D3}",
        _stdnum("ca.sin"),
        ("sin", "social insurance", "assurance sociale", "nas"),
    ),
    # Australia
    _rule("au_tfn", "au", rf"{_D3}{_S}{_D3}{_S}\d{{2,3}}", _stdnum("au.tfn"), ("tfn", "tax file number")),
    _rule("au_medicare", "au", r"\d{4} ?\d{5} ?\d(?:[ /-]?\d)?", _medicare_ok, ("medicare",)),
    # India
    _rule(
        "in_aadhaar",
        "in",
        rf"[2-9]\d{{3}}{_S}\d{{4}}{_S}\d{{4}}",
        _stdnum("in_.aadhaar"),
        ("aadhaar", "aadhar", "uid", "uidai", "आधार"),
    ),
    _rule("in_pan", "in", r"[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]", _stdnum("in_.pan")),
    # Brazil
    _rule("br_cpf", "br", r"\d{3}\.\d{3}\.\d{3}-\d{2}", _stdnum("br.cpf")),
    _rule("br_cpf", "br", r"\d{11}", _stdnum("br.cpf"), ("cpf", "cadastro de pessoas")),
    _rule("br_cnpj", "br", r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}", _stdnum("br.cnpj")),
    _rule("br_cnpj", "br", r"\d{14}", _stdnum("br.cnpj"), ("cnpj",)),
)
LOCALES: Final = frozenset({"us", *(r.locale for r in RULES)})
# The regions the phone detector should know when a deployment names only its locales.
PHONE_REGIONS: Final = {
    "us": "US", "uk": "GB", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "nl": "NL", "ca": "CA",
    "au": "AU", "in": "IN", "br": "BR",
}  # fmt: skip


def _norm(value: str) -> str:
    return re.sub(r"[\s./-]", "", value).upper()


class NationalIdDetector:
    """The identifiers of the given locales (`us` has none here: it is the SSN detector)."""

    def __init__(self, locales: tuple[str, ...]) -> None:
        unknown = set(locales) - LOCALES
        if unknown:
            raise ValueError(f"unknown PII locale(s): {', '.join(sorted(unknown))}")
        self.rules = tuple(r for r in RULES if r.locale in locales)
        self.cue_words: frozenset[str] = frozenset(
            word for r in self.rules for phrase in r.context for word in phrase.split()
        )

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        lowered = ""
        for rule in self.rules:
            if rule.context:
                lowered = lowered or text.lower()
                if not any(word in lowered for word in rule.context):
                    continue
            for m in rule.pattern.finditer(text):
                start, end = m.span()
                if not (clear_before(text, start) and clear_after(text, end)):
                    continue
                outer = -1
                if rule.context:
                    outer = context_before(lowered, start, rule.context)
                    if outer < 0:
                        continue
                if rule.valid(_norm(m.group(0))):
                    spans.append(Span(NATIONAL_ID, start, end, rule.kind, _norm(m.group(0)), outer))
        return spans
