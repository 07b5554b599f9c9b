"""Deployment settings for masking, built once per process.

Everything expensive (detector set, allowlist) is prepared in the constructor, so per-request
functions only read. The gateway maps its `GATEWAY_*` settings onto these fields. A plain frozen
class rather than a dataclass: importing `dataclasses` would cost more than the rest of the
package (cold start is a product feature).
"""

from __future__ import annotations

from typing import Any

from masking.allowlist import Allowlist
from masking.detectors import blank_crossing, build_detectors
from masking.detectors.custom import CustomEntity
from masking.scan import scan
from masking.types import Detector, SecretsMode

DEFAULT_HOLDBACK = 96
_FIELDS = (
    "pii_allow",
    "phone_regions",
    "restore_in_urls",
    "secrets_mode",
    "allow_non_text",
    "stream_holdback",
    "locales",
    "names",
    "addresses",
    "custom_entities",
    "extra_detectors",
)


class MaskingConfig:
    """Frozen: build one per process and share it between requests and threads."""

    pii_allow: tuple[str, ...]
    phone_regions: tuple[str, ...]
    restore_in_urls: bool
    secrets_mode: SecretsMode
    allow_non_text: bool
    stream_holdback: int
    locales: tuple[str, ...]
    names: bool
    addresses: bool
    custom_entities: tuple[CustomEntity, ...]
    extra_detectors: tuple[Detector, ...]
    detectors: tuple[Detector, ...]
    cut_detectors: tuple[Detector, ...]
    blocked_types: frozenset[str]  # refused in every mode and redacted from every answer
    soft_cuts: bool  # may the stream guard cut after an ordinary word without asking?
    lower_cuts_only: bool  # ... only between two lower-case words (names, addresses are on)?
    cue_words: frozenset[str]  # words after which it must ask (context words of identifiers)
    joiners: frozenset[str]  # lower-case words inside a value (`van`, `de la`): never cut at
    cut_holds: tuple[str, ...]  # after one of these in a piece, no cut without asking
    allowlist: Allowlist

    def __init__(
        self,
        *,
        pii_allow: tuple[str, ...] = (),
        phone_regions: tuple[str, ...] = ("US",),
        restore_in_urls: bool = False,
        secrets_mode: SecretsMode = "block",
        allow_non_text: bool = False,
        stream_holdback: int = DEFAULT_HOLDBACK,
        locales: tuple[str, ...] = ("us",),
        names: bool = False,
        addresses: bool = False,
        custom_entities: tuple[CustomEntity, ...] = (),
        extra_detectors: tuple[Detector, ...] = (),
    ) -> None:
        if secrets_mode not in ("block", "obfuscate"):
            raise ValueError("secrets_mode must be 'block' or 'obfuscate'")
        if not 16 <= stream_holdback <= 4096:
            raise ValueError("stream_holdback must be between 16 and 4096 characters")
        detectors = build_detectors(
            tuple(phone_regions),
            tuple(locales),
            tuple(custom_entities),
            tuple(extra_detectors),
            names=bool(names),
            addresses=bool(addresses),
        )
        # Literal allowlist entries also match in normalised form: scan each entry once here.
        norms = [
            s.norm
            for entry in pii_allow
            if not entry.strip().startswith("@")
            for s in scan(entry.strip(), detectors)
            if s.norm
        ]
        values: dict[str, Any] = {
            "pii_allow": tuple(pii_allow),
            "phone_regions": tuple(phone_regions),
            "restore_in_urls": bool(restore_in_urls),
            "secrets_mode": secrets_mode,
            "allow_non_text": bool(allow_non_text),
            "stream_holdback": int(stream_holdback),
            "locales": tuple(locales),
            "names": bool(names),
            "addresses": bool(addresses),
            "custom_entities": tuple(custom_entities),
            "extra_detectors": tuple(extra_detectors),
            "detectors": detectors,
            "cut_detectors": blank_crossing(detectors),
            "blocked_types": frozenset(t for d in detectors for t in getattr(d, "blocked_types", ())),
            "soft_cuts": not any(getattr(d, "starts_with_words", False) for d in detectors),
            "lower_cuts_only": any(getattr(d, "starts_with_capitals", False) for d in detectors),
            "cue_words": frozenset(w for d in detectors for w in getattr(d, "cue_words", ())),
            "joiners": frozenset(w for d in detectors for w in getattr(d, "joiners", ())),
            "cut_holds": tuple(sorted({h for d in detectors for h in getattr(d, "holds_after", ())})),
            "allowlist": Allowlist(pii_allow, norms),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"MaskingConfig is frozen; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"MaskingConfig is frozen; cannot delete {name!r}")

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, f) for f in _FIELDS)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaskingConfig) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        args = ", ".join(f"{f}={getattr(self, f)!r}" for f in _FIELDS)
        return f"MaskingConfig({args})"
