"""Choosing the search backend from settings.

Configuration errors (an unknown name, SearXNG without a URL) raise `ValueError`
when the app is built, so a typo in `GATEWAY_SEARCH_BACKEND` stops a deploy instead
of quietly turning search off. Keys are not checked here: they are read from the
providers secret at search time (see `base.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

import httpx

from gateway.search.brave import BraveBackend
from gateway.search.searxng import SearxngBackend
from gateway.search.tavily import TavilyBackend
from gateway.search.types import SearchBackend

BACKEND_NAMES = ("tavily", "brave", "searxng")


def build_backend(
    name: str | None,
    http: httpx.AsyncClient,
    *,
    key_provider: Callable[[str], Awaitable[str | None]],
    tavily_base_url: str | None,
    brave_base_url: str | None,
    searxng_url: str | None,
) -> SearchBackend | None:
    """The configured backend, or None when search is off (`name` is None).

    `key_provider(backend_name)` returns that backend's key, e.g. `ProviderKeys.get`.
    """
    if name is None:
        return None
    if name == "tavily":
        return TavilyBackend(
            http,
            key_provider=partial(key_provider, "tavily"),
            base_url=tavily_base_url,
        )
    if name == "brave":
        return BraveBackend(
            http,
            key_provider=partial(key_provider, "brave"),
            base_url=brave_base_url,
        )
    if name == "searxng":
        if not searxng_url:
            raise ValueError("the searxng search backend needs GATEWAY_SEARXNG_URL")
        return SearxngBackend(http, base_url=searxng_url)
    raise ValueError(f"unknown search backend {name!r}; expected one of {', '.join(BACKEND_NAMES)}")
