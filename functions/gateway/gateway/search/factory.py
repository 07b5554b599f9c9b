"""The search backends this gateway knows, and building the configured one.

`BACKENDS` is the registry: a backend is a module with one `HttpSearchBackend`
subclass (its name, base-URL variable and key variable are class attributes) plus
one entry here. Settings, the local-dev key variables and `GATEWAY_SEARCH_BACKEND`'s
allowed values all read this tuple, so nothing else changes when one is added.

Configuration errors (an unknown name, SearXNG without a URL) raise `ValueError`
when the app is built, so a typo in `GATEWAY_SEARCH_BACKEND` stops a deploy instead
of quietly turning search off. Keys are not checked here: they are read from the
providers secret at search time (see `base.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial

import httpx

from gateway.search.base import HttpSearchBackend
from gateway.search.brave import BraveBackend
from gateway.search.searxng import SearxngBackend
from gateway.search.tavily import TavilyBackend
from gateway.search.types import SearchBackend

BACKENDS: Mapping[str, type[HttpSearchBackend]] = {
    backend.name: backend for backend in (TavilyBackend, BraveBackend, SearxngBackend)
}
BACKEND_NAMES = tuple(BACKENDS)


def build_backend(
    name: str | None,
    http: httpx.AsyncClient,
    *,
    key_provider: Callable[[str], Awaitable[str | None]],
    base_url: str | None,
) -> SearchBackend | None:
    """The configured backend, or None when search is off (`name` is None).

    `key_provider(backend_name)` returns that backend's key, e.g. `ProviderKeys.get`.
    """
    if name is None:
        return None
    backend = BACKENDS.get(name)
    if backend is None:
        raise ValueError(f"unknown search backend {name!r}; expected one of {', '.join(BACKEND_NAMES)}")
    return backend.configured(http, base_url=base_url, key_provider=partial(key_provider, name))
