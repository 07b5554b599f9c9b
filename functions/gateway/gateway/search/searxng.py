"""SearXNG (self-hosted): `GET {url}/search?q=...&format=json`, no key.

SearXNG has no result-count parameter (it returns one page, about 20 hits), so the
list is cut here. The instance must list `json` under `search.formats` in its
settings.yml; otherwise it answers 403, which surfaces as a failed search.
"""

from __future__ import annotations

import httpx

from gateway.search.base import ApiCall, HttpSearchBackend


class SearxngBackend(HttpSearchBackend):
    name = "searxng"
    results_path = ("results",)
    snippet_field = "content"

    def __init__(self, http: httpx.AsyncClient, *, base_url: str) -> None:
        super().__init__(http, base_url, key_provider=None)

    def _call(self, query: str, count: int, key: str | None) -> ApiCall:
        return ApiCall("GET", "/search", params={"q": query, "format": "json"})
