"""The gateway's edge around the `masking` layer.

`masking` is pure and knows nothing of HTTP; this module picks the effective PII
mode, translates masking's exceptions into OpenAI errors, and fails closed: any
other exception from a scanner becomes a 500 `scanner_error` and nothing is sent
upstream. It also builds the response guards, one per text stream.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import masking
from gateway.errors import (
    InvalidRequest,
    PiiDetected,
    ScannerError,
    SecretDetected,
    UnsupportedContent,
)
from gateway.settings import PII_MODES, PiiMode, Settings


def masking_config(settings: Settings) -> masking.MaskingConfig:
    return masking.MaskingConfig(
        pii_allow=settings.pii_allow,
        phone_regions=settings.phone_regions,
        restore_in_urls=settings.restore_in_urls,
        secrets_mode=settings.secrets_mode,
        allow_non_text=settings.allow_non_text,
        stream_holdback=settings.stream_holdback,
    )


_RANK: dict[str, int] = {mode: rank for rank, mode in enumerate(PII_MODES)}


def effective_mode(*modes: str | None) -> PiiMode:
    """The strictest of the given modes (request, header, key floor, deployment floor)."""
    strictest = 0
    for mode in modes:
        if mode is None:
            continue
        if mode not in PII_MODES:
            raise InvalidRequest(f"PII mode must be one of {', '.join(PII_MODES)}.", param="pii")
        strictest = max(strictest, _RANK[mode])
    return PII_MODES[strictest]


@dataclass
class Protected:
    """The request as it may leave, and what the response guard needs to undo."""

    payload: dict[str, Any]
    mode: PiiMode
    vault: masking.Vault
    pii_counts: dict[str, int]
    secret_counts: dict[str, int]
    redactions: dict[str, int] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = {"x-gateway-pii-mode": self.mode}
        if self.pii_counts:
            headers["x-gateway-pii-masked"] = _counts(self.pii_counts)
        if self.secret_counts:
            headers["x-gateway-secrets"] = _counts(self.secret_counts)
        return headers


def protect(
    payload: dict[str, Any], mode: PiiMode, config: masking.MaskingConfig, *, added_messages: int = 0
) -> Protected:
    """Scan and mask the upstream payload. `added_messages` is how many system
    messages the gateway put in front of the caller's, so locations in errors
    name the caller's own `messages[i]` (and `system` for ours)."""
    try:
        result = masking.protect_request(payload, mode, config)
    except masking.SecretDetected as exc:
        locations = [_caller_location(loc, added_messages) for loc in exc.locations]
        raise SecretDetected(
            f"The request contains credentials ({', '.join(exc.kinds)}) in {', '.join(locations)}. "
            "Remove them and try again; nothing was sent to the provider.",
            param=locations[0] if locations else None,
        ) from None
    except masking.PiiDetected as exc:
        raise PiiDetected(
            f"The request contains personal data ({_counts(exc.counts)}) and PII mode is "
            "'block'; nothing was sent to the provider.",
        ) from None
    except masking.UnsupportedContent as exc:
        raise UnsupportedContent(
            "Only text content can be scanned; this deployment refuses image, audio and file parts.",
            param=_caller_location(exc.location, added_messages),
        ) from None
    except Exception:
        raise ScannerError(
            "A scanner failed, so the request was stopped before reaching the provider."
        ) from None
    return Protected(
        payload=result.payload,
        mode=mode,
        vault=result.vault,
        pii_counts=dict(result.pii_counts),
        secret_counts=dict(result.secret_counts),
    )


class GuardSet:
    """The response guards of one answer: one per choice and text field.

    Tool-call arguments get a JSON-context guard so restored values stay valid JSON.
    Any failure inside a guard is a scanner failure: the answer stops rather than
    passing unscanned text.
    """

    def __init__(self, protected: Protected, config: masking.MaskingConfig) -> None:
        self.protected = protected
        self.config = config
        self._guards: dict[tuple[int, str, int], masking.ResponseGuard] = {}

    def feed(self, choice: int, field_name: str, text: str, tool_index: int = 0) -> str:
        try:
            return self._guard(choice, field_name, tool_index).feed(text)
        except Exception:
            raise ScannerError("The response scanner failed; the answer was stopped.") from None

    def flush(self, choice: int) -> Iterable[tuple[str, int, str]]:
        """Release what the guards of one choice still hold: (field, tool index, text)."""
        for (index, field_name, tool_index), guard in list(self._guards.items()):
            if index != choice:
                continue
            try:
                text = guard.flush()
            except Exception:
                raise ScannerError("The response scanner failed; the answer was stopped.") from None
            self._count(guard)
            del self._guards[(index, field_name, tool_index)]
            if text:
                yield field_name, tool_index, text

    def open_choices(self) -> list[int]:
        return sorted({index for index, _, _ in self._guards})

    def _guard(self, choice: int, field_name: str, tool_index: int) -> masking.ResponseGuard:
        key = (choice, field_name, tool_index)
        guard = self._guards.get(key)
        if guard is None:
            guard = masking.ResponseGuard(
                self.protected.vault,
                self.protected.mode,
                self.config,
                json_context=field_name == "arguments",
            )
            self._guards[key] = guard
        return guard

    def _count(self, guard: masking.ResponseGuard) -> None:
        for kind, count in guard.redactions.items():
            self.protected.redactions[kind] = self.protected.redactions.get(kind, 0) + count


def guard_whole(
    protected: Protected, config: masking.MaskingConfig, text: str, *, json_context: bool = False
) -> str:
    """Guard a complete text (non-streaming answers, provider error messages)."""
    try:
        guarded, redactions = masking.guard_text(
            text, protected.vault, protected.mode, config, json_context=json_context
        )
    except Exception:
        raise ScannerError("The response scanner failed; the answer was stopped.") from None
    for kind, count in redactions.items():
        protected.redactions[kind] = protected.redactions.get(kind, 0) + count
    return guarded


def scrub(text: str, mode: PiiMode, config: masking.MaskingConfig) -> str:
    """Redact secrets (and, outside `disabled`, personal data) without restoring anything.

    For text that travels between the provider and a search backend: queries and
    results may carry placeholders, which must stay placeholders there.
    """
    try:
        return masking.guard_text(text, masking.Vault(), mode, config)[0]
    except Exception:
        raise ScannerError("A scanner failed while checking web search text.") from None


def _caller_location(location: str, added: int) -> str:
    match = _MESSAGE_INDEX.match(location)
    if match is None or added == 0:
        return location
    index = int(match.group(1)) - added
    return "system" if index < 0 else f"messages[{index}]{location[match.end() :]}"


_MESSAGE_INDEX = re.compile(r"messages\[(\d+)\]")


def _counts(counts: dict[str, int]) -> str:
    return ",".join(f"{kind}={count}" for kind, count in sorted(counts.items()) if count)
