"""Brave Search: `GET {base}/res/v1/web/search?q=...&count=N`, key in `X-Subscription-Token`.

Brave highlights query terms in `description` with `<strong>` and escapes entities,
so its text is stripped of tags and unescaped before it reaches the model.
"""

from __future__ import annotations

import httpx

from gateway.search.base import ApiCall, HttpSearchBackend, KeyProvider

DEFAULT_BASE_URL = "https://api.search.brave.com"


class BraveBackend(HttpSearchBackend):
    name = "brave"
    results_path = ("web", "results")
    snippet_field = "description"
    max_count = 20  # the documented maximum of `count`
    strip_html = True

    def __init__(
        self, http: httpx.AsyncClient, *, key_provider: KeyProvider, base_url: str = DEFAULT_BASE_URL
    ) -> None:
        super().__init__(http, base_url, key_provider)

    def _call(self, query: str, count: int, key: str | None) -> ApiCall:
        return ApiCall(
            "GET",
            "/res/v1/web/search",
            params={"q": query, "count": count},
            headers={"X-Subscription-Token": key or ""},
        )
