"""Shared fixtures for the masking tests.

Hypothesis profiles: "dev" (default, thorough) and "ci" (fewer examples, no deadline), chosen with
HYPOTHESIS_PROFILE. Detector case tables in cases/ are loaded by path, because `cases` is not a
package anyone should import by name, and parametrised through `pytest_generate_tests`.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from masking import MaskingConfig

settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

CASES_DIR = Path(__file__).parent / "cases"
CASE_FAMILIES = ("email", "phone", "card", "ip", "ssn", "iban", "secrets", "text")


def load_cases(family: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"masking_cases_{family}", CASES_DIR / f"{family}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(kind: str) -> list[Any]:
    rows: list[Any] = []
    for family in CASE_FAMILIES:
        module = load_cases(family)
        for i, row in enumerate(getattr(module, kind)):
            rows.append(pytest.param(*row, id=f"{family}-{i}"))
    return rows


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "positive_case" in metafunc.fixturenames:
        metafunc.parametrize("positive_case", [pytest.param(p.values, id=p.id) for p in _rows("POSITIVE")])
    if "negative_case" in metafunc.fixturenames:
        metafunc.parametrize("negative_case", [pytest.param(p.values, id=p.id) for p in _rows("NEGATIVE")])
    if "hostile_text" in metafunc.fixturenames:
        texts = load_cases("hostile").HOSTILE
        metafunc.parametrize("hostile_text", [pytest.param(texts[name], id=name) for name in sorted(texts)])


@pytest.fixture(scope="session")
def config() -> MaskingConfig:
    return MaskingConfig()


@pytest.fixture(scope="session")
def case_tables() -> dict[str, ModuleType]:
    return {family: load_cases(family) for family in CASE_FAMILIES}
