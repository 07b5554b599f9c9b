"""Exception hierarchy. Messages name kinds, types, counts and locations, never values,
because the gateway logs and returns them."""

from __future__ import annotations


class MaskingError(Exception):
    """Root of everything `masking` raises on purpose; anything else is a scanner failure."""


class SecretDetected(MaskingError):
    def __init__(self, kinds: tuple[str, ...], locations: tuple[str, ...]) -> None:
        self.kinds = kinds
        self.locations = locations
        super().__init__(f"secret detected: kinds={', '.join(kinds)}; locations={', '.join(locations)}")


class PiiDetected(MaskingError):
    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)
        text = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
        super().__init__(f"personal data detected: {text}")


class UnsupportedContent(MaskingError):
    def __init__(self, location: str, part_type: str = "") -> None:
        self.location = location
        self.part_type = part_type
        # part_type comes from the request; keep it short and printable so it cannot smuggle data.
        shown = part_type[:32] if part_type.isidentifier() else "non-text"
        super().__init__(f"unsupported content part {shown!r} at {location}: cannot be scanned")
