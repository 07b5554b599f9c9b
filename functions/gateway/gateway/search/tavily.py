"""Tavily: `POST {base}/search` with a JSON body and the key as a Bearer token.

Tavily's API reference (docs.tavily.com/api-reference) authenticates with
`Authorization: Bearer tvly-...`; older clients put `api_key` in the body, which
the current docs no longer show, so the key is sent only in the header. The body
asks for `basic` depth (one credit, the lowest latency per round) and nothing
beyond the hits: no generated answer, no raw page content.
"""

from __future__ import annotations

from gateway.search.base import ApiCall, KeyedSearchBackend

DEFAULT_BASE_URL = "https://api.tavily.com"


class TavilyBackend(KeyedSearchBackend):
    name = "tavily"
    url_variable = "GATEWAY_TAVILY_BASE_URL"
    key_variable = "TAVILY_API_KEY"
    default_base_url = DEFAULT_BASE_URL
    results_path = ("results",)
    snippet_field = "content"
    max_count = 20  # plenty for a tool message; same cap as Brave

    def _call(self, query: str, count: int, key: str | None) -> ApiCall:
        return ApiCall(
            "POST",
            "/search",
            json={"query": query, "max_results": count, "search_depth": "basic"},
            headers={"Authorization": f"Bearer {key}"},
        )
