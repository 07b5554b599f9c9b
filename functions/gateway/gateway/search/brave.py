"""Brave Search: `GET {base}/res/v1/web/search?q=...&count=N`, key in `X-Subscription-Token`.

Brave highlights query terms in `description` with `<strong>` and escapes entities,
so its text is stripped of tags and unescaped before it reaches the model.
"""

from __future__ import annotations

from gateway.search.base import ApiCall, KeyedSearchBackend

DEFAULT_BASE_URL = "https://api.search.brave.com"


class BraveBackend(KeyedSearchBackend):
    name = "brave"
    url_variable = "GATEWAY_BRAVE_BASE_URL"
    key_variable = "BRAVE_API_KEY"
    default_base_url = DEFAULT_BASE_URL
    results_path = ("web", "results")
    snippet_field = "description"
    max_count = 20  # the documented maximum of `count`
    strip_html = True

    def _call(self, query: str, count: int, key: str | None) -> ApiCall:
        return ApiCall(
            "GET",
            "/res/v1/web/search",
            params={"q": query, "count": count},
            headers={"X-Subscription-Token": key or ""},
        )
