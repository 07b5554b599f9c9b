"""Per-request mapping between the caller's values and their placeholders.

Plain data, never persisted: it lives as long as one request. A placeholder stands for one
spelling: `Bob@Example.com` and `bob@example.com` get two placeholders, so each comes back
exactly as the caller wrote it (a shared placeholder would have to pick one spelling for
both). Sameness for the answer guard is decided on the normalised value, so a model writing
`BOB@EXAMPLE.COM` back is not taken for a foreign address. Numbers already present literally
in the request are skipped, so a restore can never confuse the caller's own
`[REDACTED_EMAIL_1]` with ours. Its repr shows counts only, so logging a vault by mistake leaks
nothing.
"""

from __future__ import annotations

from masking.placeholders import numbered


class Vault:
    def __init__(self, reserved: frozenset[str] = frozenset()) -> None:
        self.reserved = reserved
        self._by_spelling: dict[tuple[str, str], str] = {}
        self._originals: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._known: set[tuple[str, str]] = set()

    def placeholder(self, type_: str, norm: str, original: str) -> str:
        """The placeholder for `original` (one spelling of the normalised value `norm`)."""
        key = (type_, original)
        existing = self._by_spelling.get(key)
        if existing is not None:
            return existing
        n = self._counters.get(type_, 0)
        while True:
            n += 1
            candidate = numbered(type_, n)
            if candidate not in self.reserved:
                break
        self._counters[type_] = n
        self._by_spelling[key] = candidate
        self._originals[candidate] = original
        self._known.add((type_, norm))
        return candidate

    def original(self, placeholder: str) -> str | None:
        return self._originals.get(placeholder)

    def knows(self, type_: str, norm: str) -> bool:
        return (type_, norm) in self._known

    def counts(self) -> dict[str, int]:
        """Distinct values per type (two spellings of one value count once)."""
        out: dict[str, int] = {}
        for type_, _norm in self._known:
            out[type_] = out.get(type_, 0) + 1
        return out

    def __len__(self) -> int:
        return len(self._originals)

    def __repr__(self) -> str:
        return f"Vault({self.counts()!r})"
