"""Differential test: scrubadub (test-only dependency) as an oracle on a generated corpus.

Every email, phone, SSN and card number scrubadub finds that also passes our validators
(domain rules, phonenumbers validity, SSA ranges, brand + Luhn) must be found by us too. Oracle
hits our validators reject are counted and printed, so the gap stays visible.
"""

from __future__ import annotations

import random
import re

import pytest

from masking import MaskingConfig, scan
from masking.detectors.card import known_brand, luhn_ok
from masking.detectors.email import _valid_domain
from masking.detectors.phone import PhoneDetector
from masking.detectors.ssn import ssn_ok

scrubadub = pytest.importorskip("scrubadub")

ORACLE_TYPES = {
    "email": "EMAIL",
    "phone": "PHONE",
    "social_security_number": "SSN",
    "credit_card": "CREDIT_CARD",
}
FILLER = [
    "please",
    "send",
    "the",
    "report",
    "to",
    "and",
    "also",
    "call",
    "about",
    "the",
    "invoice",
    "for",
    "our",
    "meeting",
    "next",
    "week",
]


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError("unreachable")


def _value(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        user = rng.choice(["bob", "jane.doe", "x_9", "ops+alerts", "Mary.Ann"])
        return f"{user}@{rng.choice(['example.com', 'mail.example.org', 'corp.example.net'])}"
    if kind == 1:
        area, exch, line = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
        fmt = rng.choice(["({a}) {e}-{l:04d}", "{a}-{e}-{l:04d}", "{a}.{e}.{l:04d}", "+1 {a} {e} {l:04d}"])
        return fmt.format(a=area, e=exch, l=line)
    if kind == 2:
        a, g, s = rng.randint(1, 899), rng.randint(1, 99), rng.randint(1, 9999)
        return rng.choice(["{:03d}-{:02d}-{:04d}", "{:03d} {:02d} {:04d}"]).format(a, g, s)
    prefix, length = rng.choice([("4", 16), ("51", 16), ("2221", 16), ("37", 15), ("6011", 16), ("3530", 16)])
    number = _luhn_complete(prefix, length, rng)
    if rng.random() < 0.5:
        number = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return number


def corpus(n: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        words = [rng.choice(FILLER) for _ in range(rng.randint(3, 9))]
        value = _value(rng)
        if rng.random() < 0.2 and value[-1].isdigit():  # some near-misses: bad Luhn, ranges, lines
            value = value[:-1] + str((int(value[-1]) + 1) % 10)
        words.insert(rng.randrange(len(words) + 1), value)
        lines.append(" ".join(words) + ".")
    return "\n".join(lines)


def _passes_our_validators(type_: str, text: str, phones: PhoneDetector) -> bool:
    digits = re.sub(r"\D", "", text)
    if type_ == "EMAIL":
        return text.isascii() and "@" in text and _valid_domain(text.rsplit("@", 1)[1])
    if type_ == "PHONE":
        return phones._validate(text.strip()) is not None
    if type_ == "SSN":
        separated = len(text.strip()) > 9
        return len(digits) == 9 and ssn_ok(digits[:3], digits[3:5], digits[5:], separated=separated)
    return known_brand(digits) and luhn_ok(digits)


def _scrubber() -> object:
    scrubber = scrubadub.Scrubber()
    for name in ("SocialSecurityNumberDetector", "CreditCardDetector", "PhoneDetector", "EmailDetector"):
        detector = getattr(scrubadub.detectors, name, None)
        if detector is not None and detector.name not in scrubber._detectors:
            scrubber.add_detector(detector)
    return scrubber


def test_we_find_what_the_oracle_finds_and_validates(capsys: pytest.CaptureFixture[str]) -> None:
    text = corpus(400)
    ours = scan(text, MaskingConfig().detectors)
    phones = PhoneDetector(("US",))
    checked = excluded = 0
    missed: list[tuple[str, str]] = []
    for filth in _scrubber().iter_filth(text):  # type: ignore[attr-defined]
        type_ = ORACLE_TYPES.get(filth.type)
        if type_ is None:
            continue
        if not _passes_our_validators(type_, filth.text, phones):
            excluded += 1
            continue
        checked += 1
        if not any(s.type == type_ and s.start < filth.end and filth.beg < s.end for s in ours):
            missed.append((type_, filth.text))
    with capsys.disabled():
        print(f"\nscrubadub oracle: {checked} hits checked, {excluded} excluded by our validators")
    assert checked > 100
    assert missed == []
