"""Turning results into the `tool` message text: layout, total bound, whole URLs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.search.format import HEADER, NO_RESULTS, failure_tool_content, results_to_tool_content
from gateway.search.types import SearchResult

RESULTS = [
    SearchResult(
        "Python (programming language)", "https://en.wikipedia.org/wiki/Python", "Python is a language."
    ),
    SearchResult("", "https://www.python.org/", ""),
    SearchResult("Multi\nline", "https://example.com/x", "a\n\nb"),
]


def test_layout() -> None:
    assert results_to_tool_content(RESULTS) == (
        f"{HEADER}\n\n"
        "1. Python (programming language)\nURL: https://en.wikipedia.org/wiki/Python\nPython is a language.\n\n"
        "2. https://www.python.org/\nURL: https://www.python.org/\n\n"
        "3. Multi line\nURL: https://example.com/x\na b"
    )


def test_no_results() -> None:
    assert results_to_tool_content([]) == NO_RESULTS


CUT_RESULTS = [
    SearchResult("A", "https://a.example/", "a" * 40),
    SearchResult("B", "https://b.example/", "b" * 200),
    SearchResult("C", "https://c.example/", "c" * 40),
]
ENTRY_A = f"\n\n1. A\nURL: https://a.example/\n{'a' * 40}"
HEAD_B = "\n\n2. B\nURL: https://b.example/"
BEFORE_B = len(HEADER) + len(ENTRY_A)


@pytest.mark.parametrize(
    ("max_chars", "expected"),
    [
        # Room for 20 more characters after B's URL line: 19 of its snippet and an ellipsis.
        (BEFORE_B + len(HEAD_B) + 1 + 20, f"{HEADER}{ENTRY_A}{HEAD_B}\n{'b' * 19}…"),
        # Not even one snippet character fits: B keeps its title and URL only.
        (BEFORE_B + len(HEAD_B) + 2, f"{HEADER}{ENTRY_A}{HEAD_B}"),
        # B's URL line does not fit whole: B is dropped, never cut inside its URL.
        (BEFORE_B + len(HEAD_B) - 1, f"{HEADER}{ENTRY_A}"),
    ],
    ids=["cut-snippet", "head-only", "dropped"],
)
def test_cut_points(max_chars: int, expected: str) -> None:
    out = results_to_tool_content(CUT_RESULTS, max_chars=max_chars)
    assert out == expected
    assert len(out) <= max_chars


text = st.text(st.characters(codec="utf-8"), max_size=300)
urls = st.from_regex(r"https://[a-z]{1,20}\.example/[a-z0-9/]{0,80}", fullmatch=True)
results_lists = st.lists(st.builds(SearchResult, title=text, url=urls, snippet=text), max_size=12)


@given(results=results_lists, max_chars=st.integers(min_value=1, max_value=6000))
def test_bounded_and_urls_whole(results: list[SearchResult], max_chars: int) -> None:
    out = results_to_tool_content(results, max_chars=max_chars)
    assert len(out) <= max_chars
    for line in out.splitlines():
        if line.startswith("URL: "):
            assert line.removeprefix("URL: ") in {r.url for r in results}


@pytest.mark.parametrize("max_chars", [0, -5])
def test_max_chars_must_be_positive(max_chars: int) -> None:
    with pytest.raises(ValueError, match="max_chars"):
        results_to_tool_content(RESULTS, max_chars=max_chars)


def test_failure_content() -> None:
    content = failure_tool_content("brave")
    assert content.startswith("Web search failed: the brave search service did not return results.")
    assert "tell the user" in content
