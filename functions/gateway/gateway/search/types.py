"""The search contract: what a backend returns, and the one error it may raise.

`SearchFailed` carries a reason from a closed set (a `Literal`), never free text:
the query holds the masked conversation's words, the key is a secret and a backend's
error body can echo either, so none of them may reach a message that ends up in a
log line, an audit record or a tool message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

FailureReason = Literal[
    "empty query",
    "key not configured",
    "key unavailable",
    "timed out",
    "connection failed",
    "HTTP error",
    "response too large",
    "invalid response",
]


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    snippet: str


class SearchBackend(Protocol):
    @property
    def name(self) -> str: ...

    async def search(self, query: str, *, max_results: int, timeout_s: float) -> list[SearchResult]:
        """At most `max_results` results; raises only `SearchFailed` (or `ValueError` for a bad call)."""
        ...


class SearchFailed(Exception):
    """A search that produced no usable answer. Safe to log and to show the model."""

    def __init__(self, backend: str, reason: FailureReason, status: int | None = None) -> None:
        self.backend = backend
        self.reason = reason
        self.status = status
        detail = f"{reason} {status}" if status is not None else reason
        super().__init__(f"{backend} search failed: {detail}")
