"""Choosing a backend from settings, and where each one sends its first request."""

from __future__ import annotations

import httpx
import pytest

from gateway.search.brave import BraveBackend
from gateway.search.factory import BACKEND_NAMES, build_backend
from gateway.search.searxng import SearxngBackend
from gateway.search.tavily import TavilyBackend
from gateway.search.types import SearchBackend

KEYS = {"tavily": "tvly-test-key", "brave": "brave-test-key"}


class KeyLookup:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def __call__(self, provider: str) -> str | None:
        self.asked.append(provider)
        return KEYS.get(provider)


def build(
    name: str | None,
    http: httpx.AsyncClient,
    keys: KeyLookup | None = None,
    urls: dict[str, str] | None = None,
) -> SearchBackend | None:
    urls = urls or {}
    return build_backend(name, http, key_provider=keys or KeyLookup(), base_url=urls.get(name or ""))


def recording_client(seen: list[httpx.Request]) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def test_no_name_means_search_off() -> None:
    assert build(None, httpx.AsyncClient(), urls={"searxng": "http://127.0.0.1:9"}) is None


@pytest.mark.parametrize(
    ("name", "cls"), [("tavily", TavilyBackend), ("brave", BraveBackend), ("searxng", SearxngBackend)]
)
def test_builds_each_backend(name: str, cls: type) -> None:
    backend = build(name, httpx.AsyncClient(), urls={"searxng": "http://127.0.0.1:9"})
    assert isinstance(backend, cls)
    assert getattr(backend, "name", None) == name
    assert name in BACKEND_NAMES


@pytest.mark.parametrize("name", ["google", "Tavily", "", "brave "])
def test_unknown_name(name: str) -> None:
    with pytest.raises(ValueError, match="unknown search backend"):
        build(name, httpx.AsyncClient())


def test_searxng_needs_a_url() -> None:
    with pytest.raises(ValueError, match="GATEWAY_SEARXNG_URL"):
        build("searxng", httpx.AsyncClient())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tavily", "https://api.tavily.com/search"),
        ("brave", "https://api.search.brave.com/res/v1/web/search?q=hello&count=2"),
    ],
)
async def test_public_default_base_urls(name: str, expected: str) -> None:
    seen: list[httpx.Request] = []
    async with recording_client(seen) as http:
        backend = build(name, http)
        assert backend is not None
        await backend.search("hello", max_results=2, timeout_s=5)
    assert [str(r.url) for r in seen] == [expected]


@pytest.mark.parametrize(
    ("name", "urls", "expected"),
    [
        ("tavily", {"tavily": "http://127.0.0.1:1234/proxy"}, "http://127.0.0.1:1234/proxy/search"),
        (
            "brave",
            {"brave": "http://127.0.0.1:1234"},
            "http://127.0.0.1:1234/res/v1/web/search?q=hello&count=2",
        ),
        (
            "searxng",
            {"searxng": "https://search.internal/searx/"},
            "https://search.internal/searx/search?q=hello&format=json",
        ),
    ],
)
async def test_base_url_overrides(name: str, urls: dict[str, str], expected: str) -> None:
    seen: list[httpx.Request] = []
    async with recording_client(seen) as http:
        backend = build(name, http, urls=urls)
        assert backend is not None
        await backend.search("hello", max_results=2, timeout_s=5)
    assert [str(r.url) for r in seen] == [expected]


@pytest.mark.parametrize(
    ("name", "header", "value"),
    [
        ("tavily", "authorization", "Bearer tvly-test-key"),
        ("brave", "x-subscription-token", "brave-test-key"),
    ],
)
async def test_key_provider_is_asked_for_the_backend_s_own_key(name: str, header: str, value: str) -> None:
    seen: list[httpx.Request] = []
    keys = KeyLookup()
    async with recording_client(seen) as http:
        backend = build(name, http, keys)
        assert backend is not None
        assert keys.asked == []  # not at build time: the key is read per search
        await backend.search("hello", max_results=2, timeout_s=5)
    assert keys.asked == [name]
    assert seen[0].headers[header] == value


async def test_searxng_asks_for_no_key() -> None:
    seen: list[httpx.Request] = []
    keys = KeyLookup()
    async with recording_client(seen) as http:
        backend = build("searxng", http, keys, {"searxng": "http://127.0.0.1:9"})
        assert backend is not None
        await backend.search("hello", max_results=2, timeout_s=5)
    assert keys.asked == []
