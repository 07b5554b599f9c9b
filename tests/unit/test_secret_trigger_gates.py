"""The secret detector's trigger gates (a fast path for ordinary text) skip only triggers that
cannot be in the text: the rules it goes on to try are exactly those a search for every trigger
would pick, on prose, on text made of triggers, and on anything between."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from masking.detectors import secrets
from masking.detectors.secrets import RULES, SecretDetector

_TRIGGERS = sorted({t for r in RULES for t in r.triggers})


def _by_search(text: str) -> set[int]:
    lowered = text.lower()
    return {
        i
        for i, rule in enumerate(RULES)
        if any((t.lower() in lowered) if rule.ignore_case else (t in text) for t in rule.triggers)
    }


def _by_gates(text: str) -> set[int]:
    """The rules whose triggers the detector's gated collection finds (the rules `find` tries)."""
    detector = SecretDetector()
    present: dict[int, list[str]] = {}
    secrets._collect(text, detector._exact, present)
    secrets._collect(text.lower(), detector._folded, present)
    return set(present)


_PIECES = st.one_of(
    st.sampled_from(_TRIGGERS),
    st.text(max_size=12),
    st.sampled_from(["the ", "Spring ", "weather, ", "AWS ", "Token: ", "ÄÖ ", "İ", "\n"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_gates_pick_the_rules_a_search_for_every_trigger_picks(text: str) -> None:
    assert _by_gates(text) == _by_search(text)


def test_prose_passes_few_gates_and_credentials_still_open_theirs() -> None:
    prose = "Spring brings mild weather, blooming flowers and longer days. " * 4
    assert _by_gates(prose) == _by_search(prose)
    key = "use AKIAZ7SQDF3KQWRTY2UV then ghp_" + "a1B2" * 9
    assert _by_gates(key) == _by_search(key)
    assert _by_gates(key), "the AWS and GitHub token rules must be tried"
