"""SearXNG (self-hosted): `GET {url}/search?q=...&format=json`, no key.

SearXNG has no result-count parameter (it returns one page, about 20 hits), so the
list is cut here. The instance must list `json` under `search.formats` in its
settings.yml; otherwise it answers 403, which surfaces as a failed search.
"""

from __future__ import annotations

from typing import Self

import httpx

from gateway.search.base import ApiCall, HttpSearchBackend, KeyProvider


class SearxngBackend(HttpSearchBackend):
    name = "searxng"
    url_variable = "GATEWAY_SEARXNG_URL"
    results_path = ("results",)
    snippet_field = "content"

    def __init__(self, http: httpx.AsyncClient, *, base_url: str) -> None:
        super().__init__(http, base_url, key_provider=None)

    @classmethod
    def configured(cls, http: httpx.AsyncClient, *, base_url: str | None, key_provider: KeyProvider) -> Self:
        if not base_url:
            raise ValueError(f"the searxng search backend needs {cls.url_variable}")
        return cls(http, base_url=base_url)

    def _call(self, query: str, count: int, key: str | None) -> ApiCall:
        return ApiCall("GET", "/search", params={"q": query, "format": "json"})
