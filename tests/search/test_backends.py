"""The three search backends against fakes of their APIs on loopback.

The request tests pin the exact wire shape of each API (where the key goes, which
fields and parameters are sent); everything else is one table over the backends.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest

from dev.ports import free_port
from gateway.search.base import MAX_QUERY_CHARS, MAX_RESPONSE_BYTES, MAX_SNIPPET_CHARS, MAX_TITLE_CHARS
from gateway.search.brave import BraveBackend
from gateway.search.searxng import SearxngBackend
from gateway.search.tavily import TavilyBackend
from gateway.search.types import SearchBackend, SearchFailed, SearchResult
from tests.fakes.search_backends import (
    DEFAULT_HITS,
    FakeSearchApi,
    Hit,
    Json,
    Raw,
    Redirect,
    Slow,
)

KEY = "sk-search-key-SECRET-7f3a9c"
# Placeholders stay as they are (queries come from the masked conversation), and the
# odd characters check the query survives URL and JSON encoding unchanged.
QUERY = "weather in [LOCATION_1] & café? 100% +more"

KeyProvider = Callable[[], Awaitable[str | None]]


def key_provider(value: str | None) -> KeyProvider:
    async def provide() -> str | None:
        return value

    return provide


async def failing_key_provider() -> str | None:
    raise RuntimeError(f"AccessDenied reading arn:aws:secretsmanager:providers ({KEY})")


@dataclass(frozen=True)
class Spec:
    name: str
    fixture: str
    build: Callable[[httpx.AsyncClient, str, KeyProvider], SearchBackend]
    keyed: bool


SPECS = [
    Spec("tavily", "fake_tavily", lambda h, url, k: TavilyBackend(h, key_provider=k, base_url=url), True),
    Spec("brave", "fake_brave", lambda h, url, k: BraveBackend(h, key_provider=k, base_url=url), True),
    Spec("searxng", "fake_searxng", lambda h, url, k: SearxngBackend(h, base_url=url), False),
]
KEYED = [spec for spec in SPECS if spec.keyed]


def ids(spec: Spec) -> str:
    return spec.name


@pytest.fixture(params=SPECS, ids=ids)
def spec(request: pytest.FixtureRequest) -> Spec:
    param: Spec = request.param
    return param


def fake_for(request: pytest.FixtureRequest, spec: Spec) -> FakeSearchApi:
    fake: FakeSearchApi = request.getfixturevalue(spec.fixture)
    return fake


# --- exact requests ----------------------------------------------------------------


async def test_tavily_request(fake_tavily: FakeSearchApi, http: httpx.AsyncClient) -> None:
    backend = TavilyBackend(http, key_provider=key_provider(KEY), base_url=fake_tavily.url)
    await backend.search(QUERY, max_results=3, timeout_s=5)

    [got] = fake_tavily.received
    assert (got.method, got.path, got.query) == ("POST", "/search", [])
    assert got.headers["authorization"] == f"Bearer {KEY}"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["accept"] == "application/json"
    assert got.json == {"query": QUERY, "max_results": 3, "search_depth": "basic"}
    assert KEY.encode() not in got.body  # header only, never also the legacy `api_key` field


async def test_brave_request(fake_brave: FakeSearchApi, http: httpx.AsyncClient) -> None:
    backend = BraveBackend(http, key_provider=key_provider(KEY), base_url=fake_brave.url)
    await backend.search(QUERY, max_results=3, timeout_s=5)

    [got] = fake_brave.received
    assert (got.method, got.path, got.query) == ("GET", "/res/v1/web/search", [("q", QUERY), ("count", "3")])
    assert got.headers["x-subscription-token"] == KEY
    assert got.headers["accept"] == "application/json"
    assert "authorization" not in got.headers
    assert got.body == b""


async def test_searxng_request(fake_searxng: FakeSearchApi, http: httpx.AsyncClient) -> None:
    backend = SearxngBackend(http, base_url=fake_searxng.url)
    await backend.search(QUERY, max_results=3, timeout_s=5)

    [got] = fake_searxng.received
    assert (got.method, got.path, got.query) == ("GET", "/search", [("q", QUERY), ("format", "json")])
    assert got.headers["accept"] == "application/json"
    assert "authorization" not in got.headers
    assert "x-subscription-token" not in got.headers
    assert got.body == b""


@pytest.mark.parametrize(
    ("fixture", "build", "field"),
    [
        (
            "fake_tavily",
            lambda h, u: TavilyBackend(h, key_provider=key_provider(KEY), base_url=u),
            "max_results",
        ),
        ("fake_brave", lambda h, u: BraveBackend(h, key_provider=key_provider(KEY), base_url=u), "count"),
    ],
    ids=["tavily", "brave"],
)
async def test_requested_count_is_capped_at_the_api_maximum(
    request: pytest.FixtureRequest,
    http: httpx.AsyncClient,
    fixture: str,
    build: Callable[[httpx.AsyncClient, str], SearchBackend],
    field: str,
) -> None:
    fake: FakeSearchApi = request.getfixturevalue(fixture)
    await build(http, fake.url).search(QUERY, max_results=50, timeout_s=5)
    [got] = fake.received
    sent = got.json[field] if got.method == "POST" else int(dict(got.query)[field])
    assert sent == 20


async def test_base_url_with_trailing_slash_and_whitespace_in_query(
    request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient
) -> None:
    fake = fake_for(request, spec)
    backend = spec.build(http, fake.url + "/", key_provider(KEY))
    await backend.search(f"  {QUERY}\n\t ", max_results=2, timeout_s=5)
    [got] = fake.received
    assert got.path == fake.path
    sent = got.json["query"] if got.method == "POST" else dict(got.query)["q"]
    assert sent == QUERY


async def test_long_query_is_cut(request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient) -> None:
    fake = fake_for(request, spec)
    await spec.build(http, fake.url, key_provider(KEY)).search("x" * 1000, max_results=2, timeout_s=5)
    [got] = fake.received
    sent = got.json["query"] if got.method == "POST" else dict(got.query)["q"]
    assert sent == "x" * MAX_QUERY_CHARS


# --- parsing and bounds ------------------------------------------------------------


async def test_parses_results(request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient) -> None:
    fake = fake_for(request, spec)
    results = await spec.build(http, fake.url, key_provider(KEY)).search(QUERY, max_results=5, timeout_s=5)
    assert results == [SearchResult(h.title, h.url, h.snippet) for h in DEFAULT_HITS]


async def test_truncates_to_max_results(
    request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient
) -> None:
    fake = fake_for(request, spec)
    fake.hits = [Hit(f"title {i}", f"https://example.com/{i}", f"snippet {i}") for i in range(8)]
    results = await spec.build(http, fake.url, key_provider(KEY)).search(QUERY, max_results=3, timeout_s=5)
    assert [r.url for r in results] == [f"https://example.com/{i}" for i in range(3)]


async def test_bounds_titles_and_snippets(
    request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient
) -> None:
    fake = fake_for(request, spec)
    fake.hits = [Hit("T" * 5000, "https://example.com/long", "word " * 5000)]
    [result] = await spec.build(http, fake.url, key_provider(KEY)).search(QUERY, max_results=3, timeout_s=5)
    assert len(result.title) == MAX_TITLE_CHARS
    assert len(result.snippet) <= MAX_SNIPPET_CHARS
    assert result.title.endswith("…")
    assert result.snippet.endswith("…")
    assert result.url == "https://example.com/long"


GOOD = Hit("Good", "https://example.com/good", "kept")
ODD_HITS = [
    Hit("No URL", None, "dropped"),
    Hit("Empty URL", "", "dropped"),
    Hit("Script URL", "javascript:alert(1)", "dropped"),
    Hit("Relative URL", "/just/a/path", "dropped"),
    Hit("Spaced URL", "https://example.com/a b", "dropped"),
    Hit("Huge URL", "https://example.com/" + "a" * 3000, "dropped"),
    Hit("Number URL", 42, "dropped"),
    GOOD,
    Hit("Duplicate", "https://example.com/good", "dropped"),
    Hit(None, "https://example.com/untitled", ["not", "text"]),
    Hit("Multi\nline\t title", "  https://example.com/padded  ", "a\n\nb"),
]


async def test_skips_unusable_hits_and_cleans_text(
    request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient
) -> None:
    fake = fake_for(request, spec)
    fake.hits = ODD_HITS
    results = await spec.build(http, fake.url, key_provider(KEY)).search(QUERY, max_results=10, timeout_s=5)
    assert results == [
        SearchResult("Good", "https://example.com/good", "kept"),
        SearchResult("", "https://example.com/untitled", ""),
        SearchResult("Multi line title", "https://example.com/padded", "a b"),
    ]


async def test_non_object_hits_are_skipped(
    request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient
) -> None:
    fake = fake_for(request, spec)
    snippet_field = "description" if spec.name == "brave" else "content"
    items = ["just a string", 7, None, {"title": "Ok", "url": "https://ok.example/", snippet_field: "c"}]
    fake.queue(Json({"web": {"results": items}} if spec.name == "brave" else {"results": items}))
    results = await spec.build(http, fake.url, key_provider(KEY)).search(QUERY, max_results=5, timeout_s=5)
    assert results == [SearchResult("Ok", "https://ok.example/", "c")]


async def test_no_results(request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient) -> None:
    fake = fake_for(request, spec)
    fake.hits = []
    assert await spec.build(http, fake.url, key_provider(KEY)).search(QUERY, max_results=5, timeout_s=5) == []


async def test_brave_without_web_section_means_no_results(
    fake_brave: FakeSearchApi, http: httpx.AsyncClient
) -> None:
    fake_brave.queue(Json({"type": "search", "query": {"original": QUERY}}))
    backend = BraveBackend(http, key_provider=key_provider(KEY), base_url=fake_brave.url)
    assert await backend.search(QUERY, max_results=5, timeout_s=5) == []


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("<strong>Python</strong> is a <em>language</em>.", "Python is a language."),
        ("Fish &amp; chips &#x27;n&#x27; peas", "Fish & chips 'n' peas"),
        ("An escaped tag &lt;b&gt; stays as text", "An escaped tag <b> stays as text"),
        ("Jun 1, 2024 - <strong>Release</strong>\nnotes", "Jun 1, 2024 - Release notes"),
    ],
)
async def test_brave_strips_markup(
    fake_brave: FakeSearchApi, http: httpx.AsyncClient, description: str, expected: str
) -> None:
    fake_brave.hits = [Hit("<strong>Title</strong> &amp; more", "https://example.com/", description)]
    backend = BraveBackend(http, key_provider=key_provider(KEY), base_url=fake_brave.url)
    [result] = await backend.search(QUERY, max_results=5, timeout_s=5)
    assert (result.title, result.snippet) == ("Title & more", expected)


async def test_tavily_keeps_plain_text_as_is(fake_tavily: FakeSearchApi, http: httpx.AsyncClient) -> None:
    fake_tavily.hits = [Hit("a<b and c>d", "https://example.com/", "if x<y and y>z: &amp;")]
    backend = TavilyBackend(http, key_provider=key_provider(KEY), base_url=fake_tavily.url)
    [result] = await backend.search(QUERY, max_results=5, timeout_s=5)
    assert (result.title, result.snippet) == ("a<b and c>d", "if x<y and y>z: &amp;")


# --- failures ------------------------------------------------------------------------

BODY_ECHO = {"detail": {"error": f"invalid key {KEY} for query {QUERY}"}}


@dataclass(frozen=True)
class Failure:
    behaviour: Json | Raw | Redirect
    reason: str
    status: int | None = None


FAILURES = [
    pytest.param(Failure(Json(BODY_ECHO, status=500), "HTTP error", 500), id="500"),
    pytest.param(Failure(Json(BODY_ECHO, status=401), "HTTP error", 401), id="401"),
    pytest.param(Failure(Json(BODY_ECHO, status=429), "HTTP error", 429), id="429"),
    pytest.param(
        Failure(Redirect("http://127.0.0.1:9/elsewhere"), "HTTP error", 307), id="redirect-not-followed"
    ),
    pytest.param(Failure(Raw(b"<html>" + QUERY.encode() + b"</html>"), "invalid response"), id="not-json"),
    pytest.param(Failure(Raw(b"\xff\xfe\x00garbage"), "invalid response"), id="not-utf8"),
    pytest.param(Failure(Json([1, 2, 3]), "invalid response"), id="json-not-object"),
    pytest.param(
        Failure(Json({"results": "nope", "web": {"results": "nope"}}), "invalid response"),
        id="results-not-list",
    ),
    pytest.param(Failure(Json({"web": "nope", "results": {"a": 1}}), "invalid response"), id="wrong-nesting"),
    pytest.param(Failure(Raw(b" " * (MAX_RESPONSE_BYTES + 1)), "response too large"), id="too-large"),
]


def assert_safe(failure: SearchFailed) -> None:
    for text in (str(failure), repr(failure)):
        assert KEY not in text
        assert QUERY not in text
        assert "LOCATION_1" not in text
        assert "invalid key" not in text
    # Chaining is cut so a logged traceback cannot print the request URL (with the query).
    assert failure.__cause__ is None
    assert failure.__context__ is None or failure.__suppress_context__


@pytest.mark.parametrize("case", FAILURES)
async def test_failures_are_generic(
    request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient, case: Failure
) -> None:
    fake = fake_for(request, spec)
    fake.queue(case.behaviour)
    backend = spec.build(http, fake.url, key_provider(KEY))
    with pytest.raises(SearchFailed) as caught:
        await backend.search(QUERY, max_results=3, timeout_s=5)
    failure = caught.value
    assert (failure.backend, failure.reason, failure.status) == (spec.name, case.reason, case.status)
    expected = f"{spec.name} search failed: {case.reason}" + (f" {case.status}" if case.status else "")
    assert str(failure) == expected
    assert_safe(failure)
    assert len(fake.received) == 1  # no retry, and the redirect was not followed


async def test_timeout(request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient) -> None:
    fake = fake_for(request, spec)
    fake.queue(Slow(20))
    backend = spec.build(http, fake.url, key_provider(KEY))
    started = time.monotonic()
    with pytest.raises(SearchFailed) as caught:
        await backend.search(QUERY, max_results=3, timeout_s=0.2)
    assert time.monotonic() - started < 10  # gave up long before the backend's 20 s
    assert (caught.value.backend, caught.value.reason) == (spec.name, "timed out")
    assert_safe(caught.value)


async def test_connection_refused(spec: Spec, http: httpx.AsyncClient) -> None:
    backend = spec.build(http, f"http://127.0.0.1:{free_port()}", key_provider(KEY))
    with pytest.raises(SearchFailed) as caught:
        await backend.search(QUERY, max_results=3, timeout_s=5)
    assert (caught.value.backend, caught.value.reason) == (spec.name, "connection failed")
    assert_safe(caught.value)


@pytest.mark.parametrize("spec", KEYED, ids=ids)
@pytest.mark.parametrize(
    ("provider", "reason"),
    [
        (key_provider(None), "key not configured"),
        (key_provider(""), "key not configured"),
        (failing_key_provider, "key unavailable"),
    ],
    ids=["none", "empty", "secret-store-error"],
)
async def test_key_problems_fail_the_search_without_a_request(
    request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient, provider: KeyProvider, reason: str
) -> None:
    fake = fake_for(request, spec)
    with pytest.raises(SearchFailed) as caught:
        await spec.build(http, fake.url, provider).search(QUERY, max_results=3, timeout_s=5)
    assert str(caught.value) == f"{spec.name} search failed: {reason}"
    assert_safe(caught.value)
    assert fake.received == []


async def test_key_is_read_per_search(fake_brave: FakeSearchApi, http: httpx.AsyncClient) -> None:
    keys = iter(["first-key", "rotated-key"])

    async def rotating() -> str | None:
        return next(keys)

    backend = BraveBackend(http, key_provider=rotating, base_url=fake_brave.url)
    await backend.search(QUERY, max_results=1, timeout_s=5)
    await backend.search(QUERY, max_results=1, timeout_s=5)
    assert [r.headers["x-subscription-token"] for r in fake_brave.received] == ["first-key", "rotated-key"]


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
async def test_empty_query_fails_without_a_request(
    request: pytest.FixtureRequest, spec: Spec, http: httpx.AsyncClient, query: str
) -> None:
    fake = fake_for(request, spec)
    with pytest.raises(SearchFailed) as caught:
        await spec.build(http, fake.url, key_provider(KEY)).search(query, max_results=3, timeout_s=5)
    assert caught.value.reason == "empty query"
    assert fake.received == []


@pytest.mark.parametrize("max_results", [0, -1])
async def test_max_results_must_be_positive(spec: Spec, http: httpx.AsyncClient, max_results: int) -> None:
    backend = spec.build(http, "http://127.0.0.1:9", key_provider(KEY))
    with pytest.raises(ValueError, match="max_results"):
        await backend.search(QUERY, max_results=max_results, timeout_s=5)


@pytest.mark.parametrize("url", ["ftp://example.com", "example.com", ""])
def test_base_url_must_be_http(spec: Spec, url: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        spec.build(httpx.AsyncClient(), url, key_provider(KEY))
