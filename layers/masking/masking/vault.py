"""Per-request mapping between the caller's values and their placeholders.

Plain data, never persisted: it lives as long as one request. Sameness is decided on the
normalised value, so `Bob@Example.com` and `bob@example.com` share a placeholder; the first
spelling seen is what a restore puts back. Numbers already present literally in the request are
skipped, so a restore can never confuse the caller's own `[REDACTED_EMAIL_1]` with ours.
Its repr shows counts only, so logging a vault by mistake leaks nothing.
"""

from __future__ import annotations

from masking.placeholders import numbered


class Vault:
    def __init__(self, reserved: frozenset[str] = frozenset()) -> None:
        self.reserved = reserved
        self._by_value: dict[tuple[str, str], str] = {}
        self._originals: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._known: set[tuple[str, str]] = set()

    def placeholder(self, type_: str, norm: str, original: str) -> str:
        key = (type_, norm)
        existing = self._by_value.get(key)
        if existing is not None:
            return existing
        n = self._counters.get(type_, 0)
        while True:
            n += 1
            candidate = numbered(type_, n)
            if candidate not in self.reserved:
                break
        self._counters[type_] = n
        self._by_value[key] = candidate
        self._originals[candidate] = original
        self._known.add(key)
        return candidate

    def original(self, placeholder: str) -> str | None:
        return self._originals.get(placeholder)

    def knows(self, type_: str, norm: str) -> bool:
        return (type_, norm) in self._known

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for type_, _norm in self._by_value:
            out[type_] = out.get(type_, 0) + 1
        return out

    def __len__(self) -> int:
        return len(self._originals)

    def __repr__(self) -> str:
        return f"Vault({self.counts()!r})"
