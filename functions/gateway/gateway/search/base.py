"""Policy shared by every HTTP search backend; subclasses only describe their API.

A subclass says how one request looks (`_call`) and where the hits sit in the JSON
(`results_path`, `snippet_field`). Everything else happens here, once:

- The key is read at search time, not at construction: keys live in the providers
  secret, which may rotate (cached for `GATEWAY_SECRET_CACHE_S`), so a process built before a key was
  added must still pick it up. A missing key is a failed search, not a failed request.
- One deadline covers the whole search (key lookup, connect, headers, body), because
  httpx's own timeout applies to each phase separately and a trickling body could
  otherwise hold a chat round far past `timeout_s`.
- Redirects are never followed. httpx drops `Authorization` on a cross-origin
  redirect but keeps custom headers such as Brave's `X-Subscription-Token`, so a
  redirect could hand the key to another host; a 3xx is just a failure here.
- The body is read up to a cap, so a misbehaving backend cannot fill the Lambda's
  memory.
- Errors become `SearchFailed` raised `from None`: httpx exceptions carry the request
  (the query sits in Brave's and SearXNG's URLs) and a traceback would print them.
- Results are cleaned and bounded: whitespace collapsed, titles and snippets cut to
  size, hits without an http(s) URL dropped (the model would cite them as links),
  duplicate URLs dropped, at most `max_results` kept.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import httpx

from gateway.search.types import SearchFailed, SearchResult

KeyProvider = Callable[[], Awaitable[str | None]]

MAX_QUERY_CHARS = 400  # Brave's documented limit, for all: switching backends must not change queries
MAX_TITLE_CHARS = 200
MAX_SNIPPET_CHARS = 500
MAX_URL_CHARS = 2048  # a longer URL is dropped, never cut: a cut URL is a wrong citation
MAX_RESPONSE_BYTES = 2 * 1024 * 1024

_TAG = re.compile(r"<[^<>]*>")
_ELLIPSIS = "…"


@dataclass(frozen=True)
class ApiCall:
    """One HTTP request, relative to the backend's base URL."""

    method: str
    path: str
    params: dict[str, str | int] | None = None
    json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


class HttpSearchBackend(ABC):
    name: ClassVar[str]  # GATEWAY_SEARCH_BACKEND's value, and the key's name in the providers secret
    url_variable: ClassVar[str]  # the environment variable that sets (or overrides) the base URL
    key_variable: ClassVar[str | None] = None  # local-dev key variable; None: the API needs no key
    results_path: tuple[str, ...]  # where the list of hits sits in the response
    snippet_field: str  # each hit's text; title and URL are `title` and `url` everywhere
    max_count: int | None = None  # the API's own cap on requested results, if any
    strip_html: bool = False  # the API marks up its text (e.g. Brave's <strong>)

    def __init__(self, http: httpx.AsyncClient, base_url: str, key_provider: KeyProvider | None) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"{self.name} base URL must start with http:// or https://")
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._key_provider = key_provider

    @classmethod
    @abstractmethod
    def configured(cls, http: httpx.AsyncClient, *, base_url: str | None, key_provider: KeyProvider) -> Self:
        """The backend as settings describe it; `ValueError` when they cannot (no URL)."""

    async def search(self, query: str, *, max_results: int, timeout_s: float) -> list[SearchResult]:
        if max_results < 1:
            raise ValueError("max_results must be at least 1")
        query = " ".join(query.split())[:MAX_QUERY_CHARS]
        if not query:
            raise SearchFailed(self.name, "empty query")
        count = min(max_results, self.max_count) if self.max_count else max_results
        try:
            async with asyncio.timeout(timeout_s):
                key = await self._key()
                data = await self._fetch(self._call(query, count, key), timeout_s)
        except TimeoutError:
            raise SearchFailed(self.name, "timed out") from None
        return self._results(data, max_results)

    @abstractmethod
    def _call(self, query: str, count: int, key: str | None) -> ApiCall:
        """The request for `query`, asking for `count` results where the API allows it."""

    def _results(self, data: dict[str, Any], max_results: int) -> list[SearchResult]:
        results: list[SearchResult] = []
        seen: set[str] = set()
        for item in self._hit_list(data):
            if not isinstance(item, dict):
                continue
            url = _url(item.get("url"))
            if url is None or url in seen:
                continue
            seen.add(url)
            title = clean_text(item.get("title"), MAX_TITLE_CHARS, strip_html=self.strip_html)
            snippet = clean_text(item.get(self.snippet_field), MAX_SNIPPET_CHARS, strip_html=self.strip_html)
            results.append(SearchResult(title=title, url=url, snippet=snippet))
            if len(results) == max_results:
                break
        return results

    def _hit_list(self, data: dict[str, Any]) -> list[Any]:
        """Absent means no results (Brave omits `web` when nothing matched); present
        but not a list means the API changed, and guessing would hide that."""
        node: Any = data
        for step in self.results_path:
            if not isinstance(node, dict):
                raise SearchFailed(self.name, "invalid response")
            if step not in node:
                return []
            node = node[step]
        if not isinstance(node, list):
            raise SearchFailed(self.name, "invalid response")
        return node

    async def _key(self) -> str | None:
        if self._key_provider is None:
            return None
        try:
            key = await self._key_provider()
        except Exception:
            # A secret-store hiccup costs this search only; the cause is dropped
            # because boto3 errors name the secret and can quote its ARN.
            raise SearchFailed(self.name, "key unavailable") from None
        if not key:
            raise SearchFailed(self.name, "key not configured")
        return key

    async def _fetch(self, call: ApiCall, timeout_s: float) -> dict[str, Any]:
        request = self._http.build_request(
            call.method,
            self._base_url + call.path,
            params=call.params,
            json=call.json,
            headers={"Accept": "application/json", **call.headers},
            timeout=timeout_s,
        )
        try:
            response = await self._http.send(request, stream=True, follow_redirects=False)
            try:
                if not response.is_success:
                    raise SearchFailed(self.name, "HTTP error", response.status_code)
                body = await self._read_capped(response)
            finally:
                await response.aclose()
        except httpx.TimeoutException:
            raise SearchFailed(self.name, "timed out") from None
        except httpx.HTTPError:
            raise SearchFailed(self.name, "connection failed") from None
        try:
            data = json.loads(body)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError both
            raise SearchFailed(self.name, "invalid response") from None
        if not isinstance(data, dict):
            raise SearchFailed(self.name, "invalid response")
        return data

    async def _read_capped(self, response: httpx.Response) -> bytes:
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_RESPONSE_BYTES:
                raise SearchFailed(self.name, "response too large")
        return bytes(body)


def _url(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    url = value.strip()
    if len(url) > MAX_URL_CHARS or not url.lower().startswith(("http://", "https://")):
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    return url


def clean_text(value: object, limit: int, *, strip_html: bool = False) -> str:
    """Plain one-line text of at most `limit` characters ("" for a non-string).

    Tags are removed before entities are decoded, so an escaped `&lt;b&gt;` in the
    source survives as the literal text `<b>` instead of vanishing.
    """
    if not isinstance(value, str):
        return ""
    text = html.unescape(_TAG.sub("", value)) if strip_html else value
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + _ELLIPSIS


class KeyedSearchBackend(HttpSearchBackend):
    """A hosted API with a key and a public default URL (Tavily, Brave)."""

    default_base_url: ClassVar[str]

    def __init__(
        self, http: httpx.AsyncClient, *, key_provider: KeyProvider, base_url: str | None = None
    ) -> None:
        super().__init__(http, self.default_base_url if base_url is None else base_url, key_provider)

    @classmethod
    def configured(cls, http: httpx.AsyncClient, *, base_url: str | None, key_provider: KeyProvider) -> Self:
        return cls(http, key_provider=key_provider, base_url=base_url)
