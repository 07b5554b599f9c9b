"""Every row of tests/masking/cases/ through the full detector set (one parametrised test each
way), plus the properties that only make sense per detector."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from masking import MaskingConfig, scan
from masking.detectors import DEFAULT_DETECTORS
from masking.detectors.card import known_brand, luhn_ok
from masking.detectors.secrets import RULES


def test_positive(positive_case: tuple[Any, ...], config: MaskingConfig) -> None:
    text, type_, kind, value = positive_case
    found = [(s.type, s.kind, text[s.start : s.end]) for s in scan(text, config.detectors)]
    assert any(t == type_ and v == value and (not kind or k == kind) for t, k, v in found), found


def test_negative(negative_case: tuple[Any, ...], config: MaskingConfig) -> None:
    text, why = negative_case
    found = [(s.type, s.kind, text[s.start : s.end]) for s in scan(text, config.detectors)]
    assert found == [], f"{why}: {found}"


def test_every_secret_rule_has_a_positive_case(case_tables: dict[str, ModuleType]) -> None:
    covered = {row[2] for row in case_tables["secrets"].POSITIVE}
    assert {r.kind for r in RULES} - covered == set()


def test_luhn_and_brands() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert known_brand("2221000000000009") and known_brand("2720999999999996")
    assert not known_brand("2721000000000000") and not known_brand("1234567812345678")


def test_default_detectors_are_detectors() -> None:
    from masking import Detector

    assert all(isinstance(d, Detector) for d in DEFAULT_DETECTORS)


def test_phone_regions_from_config() -> None:
    uk = MaskingConfig(phone_regions=("GB",))
    text = "ring 020 7946 0958 today"
    assert [s.type for s in scan(text, uk.detectors)] == ["PHONE"]
    assert [s.type for s in scan(text, MaskingConfig().detectors)] == []


def test_secret_triggers_found_by_the_one_pass_set_or_one_by_one(case_tables: dict[str, ModuleType]) -> None:
    """The trigger set (RE2) and the one-by-one search it falls back to (a lone surrogate
    cannot be encoded for RE2) find the same credentials."""
    from masking.detectors.secrets import SecretDetector

    detector = SecretDetector()
    found = 0
    for text, _type, kind, value in case_tables["secrets"].POSITIVE:
        plain = {(s.kind, text[s.start : s.end]) for s in detector.find(text)}
        found += (kind, value) in plain  # the rest are private keys: their own detector's
        odd = text + " \ud800"
        assert {(s.kind, odd[s.start : s.end]) for s in detector.find(odd)} == plain, text
    assert found >= 270
