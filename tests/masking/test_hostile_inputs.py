"""Hostile 100 KB inputs cost about what prose costs, through the scanner, the whole-answer
guard and the stream guard.

Every pattern is bounded and the long runs possessive, so these are linear. The goal (within
5x of prose per character, DESIGN §5) is measured by bench/masking.py; this test only guards
against a return of super-linear cost, with a margin wide enough for a busy machine: CPU time
(not wall time), the best of three, against prose of the same size measured in the same test.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from masking import MaskingConfig, ResponseGuard, Vault, guard_text, scan

MARGIN = 25
PROSE = ("Please review the deployment notes and tell me what changed in release 42, thanks. " * 1300)[
    :100_000
]


def _cpu(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return max(best, 1e-4)


def _sides(text: str, config: MaskingConfig) -> list[Callable[[], object]]:
    def streamed() -> None:
        guard = ResponseGuard(Vault(), "obfuscate", config)
        for i in range(0, len(text), 4096):
            guard.feed(text[i : i + 4096])
        guard.flush()

    return [
        lambda: scan(text, config.detectors),
        lambda: guard_text(text, Vault(), "obfuscate", config),
        streamed,
    ]


@pytest.fixture(scope="module")
def prose_cost(config: MaskingConfig) -> list[float]:
    _sides(PROSE, config)[1]()  # lazy imports out of the timing
    return [_cpu(side) for side in _sides(PROSE, config)]


def test_hostile_input_costs_about_what_prose_costs(
    hostile_text: str, config: MaskingConfig, prose_cost: list[float]
) -> None:
    text = hostile_text
    for side, base in zip(_sides(text, config), prose_cost, strict=True):
        assert _cpu(side) <= MARGIN * base * len(text) / len(PROSE)
